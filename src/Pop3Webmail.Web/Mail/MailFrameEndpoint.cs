using Pop3Webmail.Web.Security;

namespace Pop3Webmail.Web.Mail;

/// <summary>
/// GET /mailframe/{token}: a rendered HTML body as a document of its own, for the sandboxed mail frame. Its headers
/// are its own, stricter than the app's: sandboxed (no script, an opaque origin; only links may open, in a new
/// tab), no request but images (remote ones only when the user asked to show them), framable only by this app.
/// Anything not exactly right (unknown, used or expired token, another browser) is a bare 404.
/// </summary>
internal static class MailFrameEndpoint
{
    /// <summary>The sandbox of the mail frame, both as the iframe's attribute and in the document's own policy.</summary>
    public const string Sandbox = "allow-popups allow-popups-to-escape-sandbox";

    public static IEndpointRouteBuilder MapMailFrames(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/mailframe/{token}", Handle).ExcludeFromDescription();
        return endpoints;
    }

    /// <summary>The frame's URL, relative to the app's base (the path base, under a reverse proxy).</summary>
    public static string RelativeUrl(string token) => "mailframe/" + Uri.EscapeDataString(token);

    /// <summary>
    /// The frame document's policy: the sanitized document's own meta policy again (a header cannot be stripped by
    /// the content), plus what a meta element cannot carry: the sandbox and frame-ancestors (CSP Level 3 §6.1.2).
    /// </summary>
    public static string ContentSecurityPolicy(bool remoteContentAllowed) =>
        "sandbox " + Sandbox + "; " + MailHtmlSanitizer.ContentSecurityPolicy(remoteContentAllowed) + "; frame-ancestors 'self'";

    private static Task Handle(string token, HttpContext context, MailFrameStore store)
    {
        var frame = store.Redeem(token);
        var response = context.Response;
        if (frame is null || !BrowserBinding.Matches(context, frame.BrowserKey))
        {
            response.StatusCode = StatusCodes.Status404NotFound;
            return Task.CompletedTask;
        }

        context.Items[SecurityHeadersMiddleware.OwnFramingPolicy] = true;
        response.ContentType = "text/html; charset=utf-8";
        response.Headers.ContentSecurityPolicy = ContentSecurityPolicy(frame.RemoteContentAllowed);
        response.Headers.XFrameOptions = "SAMEORIGIN";
        response.Headers.CacheControl = "no-store";
        response.Headers["Cross-Origin-Resource-Policy"] = "same-origin";
        return response.WriteAsync(frame.Document, context.RequestAborted);
    }
}
