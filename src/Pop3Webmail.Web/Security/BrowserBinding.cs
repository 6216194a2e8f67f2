using System.Security.Cryptography;

namespace Pop3Webmail.Web.Security;

/// <summary>
/// A random, HttpOnly, SameSite=Strict cookie naming this browser. Download links are bound to it, so a link
/// that leaks (history, a shoulder, a shared kiosk) is useless in any other browser. It identifies nothing and
/// holds no credential.
/// </summary>
public static class BrowserBinding
{
    public const string CookieName = "p3w-browser";
    private static readonly object ItemKey = new();

    /// <summary>The key for this request, issuing the cookie when the browser has none yet.</summary>
    public static string GetOrIssue(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.Items[ItemKey] is string issued)
        {
            return issued;
        }

        if (context.Request.Cookies[CookieName] is { Length: 43 } existing)
        {
            context.Items[ItemKey] = existing;
            return existing;
        }

        var key = System.Buffers.Text.Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));
        context.Items[ItemKey] = key;
        context.Response.Cookies.Append(CookieName, key, new CookieOptions
        {
            HttpOnly = true,
            SameSite = SameSiteMode.Strict,
            Secure = context.Request.IsHttps,
            IsEssential = true,
            Path = "/",
        });
        return key;
    }

    public static bool Matches(HttpContext context, string expectedKey)
    {
        ArgumentNullException.ThrowIfNull(context);
        var presented = context.Request.Cookies[CookieName];
        return presented is not null && expectedKey.Length > 0
            && CryptographicOperations.FixedTimeEquals(
                System.Text.Encoding.ASCII.GetBytes(presented),
                System.Text.Encoding.ASCII.GetBytes(expectedKey));
    }
}
