using System.Text;
using Microsoft.Net.Http.Headers;
using Pop3Webmail.Web.Security;

namespace Pop3Webmail.Web.Downloads;

/// <summary>Response headers for a download: always an attachment, never rendered by the browser on our origin.</summary>
internal static class DownloadResponse
{
    public static void Begin(HttpResponse response, string contentType, string fileName)
    {
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = contentType;
        var disposition = new ContentDispositionHeaderValue("attachment");
        disposition.SetHttpFileName(fileName);
        response.Headers.ContentDisposition = disposition.ToString();
        response.Headers.XContentTypeOptions = "nosniff";
        response.Headers.CacheControl = "no-store";
    }

    /// <summary>
    /// A previewable part (raster image or PDF, checked by the caller) shown inline in this app's preview frame.
    /// No script runs in it, and only this origin may frame it.
    /// </summary>
    public static void BeginInline(HttpResponse response, string contentType, string fileName)
    {
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = contentType;
        var disposition = new ContentDispositionHeaderValue("inline");
        disposition.SetHttpFileName(fileName);
        response.Headers.ContentDisposition = disposition.ToString();
        response.Headers.XContentTypeOptions = "nosniff";
        response.Headers.CacheControl = "no-store";
        response.Headers.XFrameOptions = "SAMEORIGIN";
        response.HttpContext.Items[SecurityHeadersMiddleware.OwnFramingPolicy] = true;
        // Chrome refuses to show a PDF in a sandboxed document, so only images get the sandbox directive.
        response.Headers.ContentSecurityPolicy = contentType.StartsWith("image/", StringComparison.Ordinal)
            ? "sandbox; default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; frame-ancestors 'self'"
            : "default-src 'none'; frame-ancestors 'self'";
    }

    public static string MessageFileName(string? subject)
    {
        subject = Clean(subject);
        return (subject.Length == 0 ? "message" : subject) + ".eml";
    }

    /// <summary>A file name a hostile sender cannot use for path tricks or header injection.</summary>
    private static string Clean(string? name)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            return string.Empty;
        }

        var builder = new StringBuilder(Math.Min(name.Length, 120));
        foreach (var c in name)
        {
            if (builder.Length == 120)
            {
                break;
            }

            builder.Append(char.IsControl(c) || c is '/' or '\\' or ':' or '*' or '?' or '"' or '<' or '>' or '|' ? '_' : c);
        }

        return builder.ToString().Trim().Trim('.');
    }
}
