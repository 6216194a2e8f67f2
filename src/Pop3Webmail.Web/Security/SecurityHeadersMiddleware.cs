namespace Pop3Webmail.Web.Security;

/// <summary>
/// Headers for every response. Mail is private and the app runs on shared PCs, so nothing is cached; the app is
/// never framed; no Referer leaks a URL; the content security policy allows only this origin. Blazor Server needs
/// 'unsafe-inline' styles (MudBlazor sets style attributes) and a WebSocket back to this origin, nothing more.
/// Message bodies render in a sandboxed srcdoc iframe, which inherits this policy: remote images there (shown only
/// when the user asks) need http/https in img-src; the body's own stricter policy applies on top.
/// </summary>
internal sealed class SecurityHeadersMiddleware(RequestDelegate next)
{
    public const string ContentSecurityPolicy =
        "default-src 'self'; " +
        "script-src 'self'; " +
        "style-src 'self' 'unsafe-inline'; " +
        "img-src 'self' data: blob: https: http:; " +
        "font-src 'self' data:; " +
        "connect-src 'self'; " +
        "frame-src 'self' blob: data:; " +
        "child-src 'self' blob:; " +
        "object-src 'none'; " +
        "base-uri 'self'; " +
        "form-action 'self'; " +
        "frame-ancestors 'none'";

    /// <summary>Set in HttpContext.Items by a response that sends its own, stricter framing policy (attachment previews).</summary>
    public static readonly object OwnFramingPolicy = new();

    public Task InvokeAsync(HttpContext context)
    {
        context.Response.OnStarting(static state =>
        {
            var context = (HttpContext)state;
            var headers = context.Response.Headers;
            // Static assets carry their own (fingerprinted, immutable) caching; everything else may show mail.
            if (string.IsNullOrEmpty(headers.CacheControl))
            {
                headers.CacheControl = "no-store";
                headers.Pragma = "no-cache";
            }

            headers.XContentTypeOptions = "nosniff";
            headers["Referrer-Policy"] = "no-referrer";

            // Replaces Blazor's own "frame-ancestors 'self'"; an attachment preview keeps its policy, which lets only this
            // origin frame it.
            if (!context.Items.ContainsKey(OwnFramingPolicy))
            {
                headers.XFrameOptions = "DENY";
                headers.ContentSecurityPolicy = ContentSecurityPolicy;
            }
            headers["Cross-Origin-Opener-Policy"] = "same-origin";
            headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=(), payment=()";
            return Task.CompletedTask;
        }, context);
        return next(context);
    }
}
