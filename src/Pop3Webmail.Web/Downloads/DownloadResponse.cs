using Microsoft.Net.Http.Headers;
using Pop3Webmail.Web.Mail;
using Pop3Webmail.Web.Security;

namespace Pop3Webmail.Web.Downloads;

/// <summary>
/// Response headers for a download: an attachment, never rendered by the browser on our origin (raster image
/// previews excepted, sandboxed). Every file name passes <see cref="MailDisplayText.SafeFileName"/> here, whoever
/// made it: no directories, controls, bidi overrides or other invisible characters reach the browser's save dialog.
/// </summary>
internal static class DownloadResponse
{
    private const string FallbackFileName = "download";

    public static void Begin(HttpResponse response, string contentType, string fileName)
    {
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = contentType;
        SetDisposition(response, "attachment", fileName);
        response.Headers.XContentTypeOptions = "nosniff";
        response.Headers.CacheControl = "no-store";
    }

    /// <summary>
    /// A raster image (checked by the caller: <see cref="MailAttachment.IsPreviewable"/>) shown inline in this app's
    /// preview. It is a sandboxed document: no script runs in it, and only this origin may frame it.
    /// </summary>
    public static void BeginInline(HttpResponse response, string contentType, string fileName)
    {
        if (!contentType.StartsWith("image/", StringComparison.Ordinal))
        {
            throw new ArgumentException("Only images are shown inline.", nameof(contentType));
        }

        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = contentType;
        SetDisposition(response, "inline", fileName);
        response.Headers.XContentTypeOptions = "nosniff";
        response.Headers.CacheControl = "no-store";
        response.Headers.XFrameOptions = "SAMEORIGIN";
        response.HttpContext.Items[SecurityHeadersMiddleware.OwnFramingPolicy] = true;
        response.Headers.ContentSecurityPolicy = "sandbox; default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; frame-ancestors 'self'";
    }

    /// <summary>The subject as a file name (slashes kept as underscores rather than read as directories), or "message.eml".</summary>
    public static string MessageFileName(string? subject)
    {
        var name = MailDisplayText.SafeFileName(subject?.Replace('/', '_').Replace('\\', '_'));
        return (name ?? "message") + ".eml";
    }

    private static void SetDisposition(HttpResponse response, string type, string fileName)
    {
        var disposition = new ContentDispositionHeaderValue(type);
        disposition.SetHttpFileName(MailDisplayText.SafeFileName(fileName) ?? FallbackFileName);
        response.Headers.ContentDisposition = disposition.ToString();
    }
}
