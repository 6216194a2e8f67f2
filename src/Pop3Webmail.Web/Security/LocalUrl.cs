using System.Diagnostics.CodeAnalysis;

namespace Pop3Webmail.Web.Security;

/// <summary>
/// The one rule for a URL this app sends a browser to after a redirect (the login page's and the language switch's
/// <c>returnUrl</c>, the redirect to the login page): a path on this site, relative to the path base, never
/// another origin. Browsers strip leading whitespace and C0 controls, remove tabs and newlines anywhere, and read
/// <c>\</c> as <c>/</c> (WHATWG URL Standard §4.4), so <c>/ //evil.example</c> or <c>/\t/evil.example</c> would leave
/// the site; and a URL that passes here may be decoded once more on the way (a query value inside a query value),
/// so its decoded forms must pass too.
/// </summary>
public static class LocalUrl
{
    /// <summary>Longer return URLs are refused: nothing this app links to comes close, and a long one is an attack.</summary>
    public const int MaxLength = 2048;

    /// <summary>How many rounds of percent-decoding are checked; a URL still changing after that is refused.</summary>
    private const int DecodingRounds = 3;

    /// <summary>
    /// True when <paramref name="url"/> is a safe local path such as <c>/message?id=42</c>; <paramref name="path"/> is
    /// then <paramref name="url"/> itself, unchanged. Refused: anything not starting with one <c>/</c>; <c>//</c> and
    /// <c>/\</c>; whitespace, control and non-ASCII characters anywhere; backslashes; <c>.</c> and <c>..</c> path
    /// segments; and each of these again after percent-decoding.
    /// </summary>
    public static bool TryGetSafe(string? url, [NotNullWhen(true)] out string? path)
    {
        path = null;
        if (url is null || url.Length > MaxLength || !IsSafe(url, wholeUrl: true))
        {
            return false;
        }

        var decoded = url;
        for (var round = 0; round < DecodingRounds; round++)
        {
            var next = Uri.UnescapeDataString(decoded);
            if (next == decoded)
            {
                path = url;
                return true;
            }

            // What decoding produced in the query or fragment is the page's business; the path decides the origin.
            if (!IsSafe(next, wholeUrl: false))
            {
                return false;
            }

            decoded = next;
        }

        return false;
    }

    private static bool IsSafe(string url, bool wholeUrl)
    {
        var pathEnd = url.AsSpan().IndexOfAny('?', '#');
        var pathPart = pathEnd < 0 ? url.AsSpan() : url.AsSpan(0, pathEnd);
        if (pathPart.Length == 0 || pathPart[0] != '/' || (pathPart.Length > 1 && pathPart[1] is '/' or '\\'))
        {
            return false;
        }

        foreach (var c in wholeUrl ? url.AsSpan() : pathPart)
        {
            // Printable ASCII only: no space, tab, newline, DEL, C1 control, bidi control or look-alike slash.
            if (c is < '!' or > '~' or '\\')
            {
                return false;
            }
        }

        var segments = pathPart[1..];
        foreach (var segment in segments.Split('/'))
        {
            if (segments[segment] is "." or "..")
            {
                return false;
            }
        }

        return true;
    }
}
