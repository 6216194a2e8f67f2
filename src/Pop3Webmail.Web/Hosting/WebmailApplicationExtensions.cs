using Microsoft.AspNetCore.Localization;
using Pop3Webmail.Web.Components;
using Pop3Webmail.Web.Downloads;
using Pop3Webmail.Web.Health;
using Pop3Webmail.Web.Mail;
using Pop3Webmail.Web.Security;
using Pop3Webmail.Web.Session.TabResume;

namespace Pop3Webmail.Web.Hosting;

public static class WebmailApplicationExtensions
{
    /// <summary>The middleware pipeline and endpoints: security headers, localization, static files, downloads, mail frames, pages.</summary>
    public static WebApplication MapPop3Webmail(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        if (!app.Environment.IsDevelopment())
        {
            // Never a stack trace in front of a user.
            app.UseExceptionHandler("/error", createScopeForErrors: true);
        }

        app.UseMiddleware<SecurityHeadersMiddleware>();
        app.UseStaticFiles(); // the top-level wwwroot/ (app.css, app.js)

        // Routing after the static files, so they are served before endpoint matching (which would otherwise hand
        // them to MapStaticAssets' development fallback, with a warning per file).
        app.UseRouting();
        app.UseRequestLocalization();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseAntiforgery();

        app.MapStaticAssets(); // framework, MudBlazor and scoped CSS, fingerprinted
        app.MapGet("/culture/{culture}", SetCulture).ExcludeFromDescription();
        app.MapDownloads();
        app.MapSessionResume();
        app.MapMailFrames();
        app.MapPop3WebmailHealth();
        // The page's framing policy is SecurityHeadersMiddleware's frame-ancestors 'none', not Blazor's default 'self'.
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode(o => o.ContentSecurityFrameAncestorsPolicy = "'none'");
        return app;
    }

    /// <summary>
    /// Stores the chosen UI language in a cookie and goes back. A circuit cannot set cookies, so the switch is a
    /// plain link here; it is offered before sign-in, where reloading the page loses nothing.
    /// </summary>
    private static IResult SetCulture(string culture, string? returnUrl, HttpContext context, Microsoft.Extensions.Options.IOptions<Pop3Webmail.Web.Configuration.MailOptions> options)
    {
        if (WebmailServiceCollectionExtensions.SupportedCultures.Any(c => c.Name == culture))
        {
            var value = CookieRequestCultureProvider.MakeCookieValue(new RequestCulture(culture));
            context.Response.Cookies.Append(CookieRequestCultureProvider.DefaultCookieName, value, new CookieOptions
            {
                HttpOnly = true,
                SameSite = SameSiteMode.Lax,
                Secure = context.Request.IsHttps,
                IsEssential = true,
                // On a kiosk even a language preference should not outlive the browser session.
                Expires = options.Value.Kiosk ? null : DateTimeOffset.UtcNow.AddYears(1),
            });
        }

        var target = LocalUrl.TryGetSafe(returnUrl, out var path) ? path : "/login";
        return Results.LocalRedirect("~" + target); // "~/" puts the path base in front
    }
}
