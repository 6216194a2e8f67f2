using System.Globalization;
using Microsoft.Extensions.Options;
using Pop3Webmail.Web.Configuration;

namespace Pop3Webmail.Web.Security;

/// <summary>
/// Headers for every response. Mail is private and the app runs on shared PCs, so nothing is cached; the app is
/// never framed; no Referer leaks a URL; the content security policy allows only this origin. Blazor Server needs
/// 'unsafe-inline' styles (MudBlazor sets style attributes) and a WebSocket back to this origin, nothing more.
/// Message bodies are documents of their own (<c>/mailframe/{token}</c>) with their own, stricter policy; no remote
/// image is ever allowed here. Over HTTPS, HSTS (RFC 6797) keeps browsers on HTTPS.
/// </summary>
internal sealed class SecurityHeadersMiddleware
{
    public const string ContentSecurityPolicy =
        "default-src 'self'; " +
        "script-src 'self'; " +
        "style-src 'self' 'unsafe-inline'; " +
        "img-src 'self' data: blob:; " +
        "font-src 'self' data:; " +
        "connect-src 'self'; " +
        "frame-src 'self'; " +
        "child-src 'self' blob:; " +
        "object-src 'none'; " +
        "base-uri 'self'; " +
        "form-action 'self'; " +
        "frame-ancestors 'none'";

    /// <summary>Set in HttpContext.Items by a response that sends its own, stricter framing policy (attachment previews, mail bodies).</summary>
    public static readonly object OwnFramingPolicy = new();

    private readonly RequestDelegate _next;
    private readonly string? _strictTransportSecurity;

    public SecurityHeadersMiddleware(RequestDelegate next, IOptions<HstsPolicyOptions> hsts)
    {
        ArgumentNullException.ThrowIfNull(hsts);
        _next = next;
        _strictTransportSecurity = StrictTransportSecurity(hsts.Value);
    }

    /// <summary>The Strict-Transport-Security value (RFC 6797 §6.1), or null when turned off.</summary>
    internal static string? StrictTransportSecurity(HstsPolicyOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.MaxAge <= TimeSpan.Zero)
        {
            return null;
        }

        var value = "max-age=" + ((long)options.MaxAge.TotalSeconds).ToString(CultureInfo.InvariantCulture);
        return options.IncludeSubDomains ? value + "; includeSubDomains" : value;
    }

    public Task InvokeAsync(HttpContext context)
    {
        context.Response.OnStarting(static state =>
        {
            var (context, strictTransportSecurity) = ((HttpContext, string?))state;
            var headers = context.Response.Headers;
            // Static assets carry their own (fingerprinted, immutable) caching; everything else may show mail.
            if (string.IsNullOrEmpty(headers.CacheControl))
            {
                headers.CacheControl = "no-store";
                headers.Pragma = "no-cache";
            }

            headers.XContentTypeOptions = "nosniff";
            headers["Referrer-Policy"] = "no-referrer";

            // Replaces Blazor's own "frame-ancestors 'self'"; an attachment preview or a mail body keeps its policy,
            // which lets only this origin frame it.
            if (!context.Items.ContainsKey(OwnFramingPolicy))
            {
                headers.XFrameOptions = "DENY";
                headers.ContentSecurityPolicy = ContentSecurityPolicy;
            }

            headers["Cross-Origin-Opener-Policy"] = "same-origin";
            headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=(), payment=()";

            // Only over HTTPS (RFC 6797 §7.2), and not for a loopback host: a browser would then refuse plain HTTP
            // to every other app a developer runs on localhost.
            if (strictTransportSecurity is not null && context.Request.IsHttps && !ServerAddressPolicy.IsLoopbackHost(context.Request.Host.Host))
            {
                headers.StrictTransportSecurity = strictTransportSecurity;
            }

            return Task.CompletedTask;
        }, (context, _strictTransportSecurity));
        return _next(context);
    }
}
