using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using AngleSharp.Dom;
using AngleSharp.Html.Parser;

namespace Pop3Webmail.Web.Tests.Mail;

/// <summary>
/// Parses a srcdoc document the way a browser would (AngleSharp's HTML5 parser) and lists everything in it that could
/// run script or fetch a remote resource. Independent of the production sanitizer: it knows attacks, not allowlists.
/// </summary>
public static partial class SanitizedHtmlInspector
{
    private static readonly HashSet<string> ScriptCapableElements = new(StringComparer.OrdinalIgnoreCase)
    {
        "script", "noscript", "template", "iframe", "frame", "frameset", "object", "embed", "applet", "param",
        "form", "input", "button", "select", "textarea", "keygen", "isindex", "svg", "math", "meta", "base", "link",
        "video", "audio", "source", "track", "picture", "image", "bgsound", "portal", "fencedframe", "canvas",
        "xmp", "plaintext", "noembed", "noframes", "marquee", "map", "area", "title", "slot", "dialog",
    };

    private static readonly HashSet<string> ForbiddenAttributes = new(StringComparer.OrdinalIgnoreCase)
    {
        "srcset", "srcdoc", "formaction", "action", "poster", "lowsrc", "dynsrc", "longdesc", "ping", "cite",
        "codebase", "code", "archive", "data", "xlink:href", "http-equiv", "form", "usemap", "manifest", "icon",
        "xmlns", "is", "autofocus", "contenteditable",
    };

    /// <summary>Attributes whose value is prose; URLs in them are text, not requests.</summary>
    private static readonly HashSet<string> TextAttributes = new(StringComparer.OrdinalIgnoreCase)
    {
        "title", "alt", "summary", "abbr",
    };

    private static readonly string[] ScriptSchemes = ["javascript:", "vbscript:", "livescript:", "data:text", "data:application", "data:image/svg"];

    private static readonly string[] ForbiddenCss =
    [
        "expression", "javascript:", "vbscript:", "behavior", "-moz-binding", "@import", "@font-face", "@namespace",
        "var(", "image-set(", "env(", "attr(",
    ];

    public static List<string> Inspect(string srcdoc, bool remoteContentAllowed)
    {
        var violations = new List<string>();
        using var document = new HtmlParser().ParseDocument(srcdoc);

        CheckHead(document, violations);

        foreach (var element in document.All)
        {
            if (element.NamespaceUri != "http://www.w3.org/1999/xhtml")
            {
                violations.Add($"foreign element <{element.LocalName}> in {element.NamespaceUri}");
            }

            var isOwnMeta = element.LocalName == "meta" && element.ParentElement?.LocalName == "head"
                && element.Index() <= 1;
            if (ScriptCapableElements.Contains(element.LocalName) && !isOwnMeta)
            {
                violations.Add($"element <{element.LocalName}>");
            }

            if (element.LocalName == "style")
            {
                if (element.TextContent.Contains('<', StringComparison.Ordinal))
                {
                    violations.Add("'<' inside a style element");
                }

                CheckCss(element.TextContent, remoteContentAllowed, "<style>", violations);
            }

            if (!isOwnMeta)
            {
                foreach (var attribute in element.Attributes)
                {
                    CheckAttribute(element, attribute, remoteContentAllowed, violations);
                }
            }
        }

        return violations;
    }

    private static void CheckHead(IDocument document, List<string> violations)
    {
        var first = document.Head?.FirstElementChild;
        if (first is null || first.LocalName != "meta"
            || !string.Equals(first.GetAttribute("http-equiv"), "Content-Security-Policy", StringComparison.OrdinalIgnoreCase)
            || first.GetAttribute("content")?.StartsWith("default-src 'none';", StringComparison.Ordinal) != true)
        {
            violations.Add("the document does not open with the Content-Security-Policy meta element");
        }

        var second = first?.NextElementSibling;
        if (second is null || second.GetAttribute("name") != "referrer" || second.GetAttribute("content") != "no-referrer")
        {
            violations.Add("the referrer policy meta element does not follow the CSP");
        }
    }

    private static void CheckAttribute(IElement element, IAttr attribute, bool remoteContentAllowed, List<string> violations)
    {
        var name = attribute.Name;
        var value = attribute.Value;
        var where = $"<{element.LocalName} {name}=\"{value}\">";
        var squeezed = Squeeze(value);

        if (name.StartsWith("on", StringComparison.OrdinalIgnoreCase))
        {
            violations.Add("event handler " + where);
        }

        if (ForbiddenAttributes.Contains(name) || name.StartsWith("data-", StringComparison.OrdinalIgnoreCase))
        {
            violations.Add("forbidden attribute " + where);
        }

        foreach (var scheme in ScriptSchemes)
        {
            if (squeezed.Contains(scheme, StringComparison.Ordinal))
            {
                violations.Add($"{scheme} URL in " + where);
            }
        }

        switch (name.ToUpperInvariant())
        {
            case "HREF":
                CheckLink(element, value, where, violations);
                break;
            case "SRC" or "BACKGROUND":
                if (!IsOwnInlineImage(value) && !(remoteContentAllowed && IsAbsoluteWebUrl(value)))
                {
                    violations.Add("resource URL " + where);
                }

                break;
            case "STYLE":
                CheckCss(value, remoteContentAllowed, where, violations);
                break;
            default:
                if (!TextAttributes.Contains(name) && LooksLikeRemoteUrl(squeezed))
                {
                    violations.Add("remote URL " + where);
                }

                break;
        }
    }

    private static void CheckLink(IElement element, string href, string where, List<string> violations)
    {
        if (element.LocalName != "a")
        {
            violations.Add("href outside a link " + where);
            return;
        }

        if (!Uri.TryCreate(href, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https" or "mailto"))
        {
            violations.Add("link target " + where);
        }

        if (element.GetAttribute("target") != "_blank")
        {
            violations.Add("link without target=_blank " + where);
        }

        var rel = (element.GetAttribute("rel") ?? string.Empty).Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (!rel.Contains("noopener") || !rel.Contains("noreferrer"))
        {
            violations.Add("link without rel=noopener noreferrer " + where);
        }
    }

    private static void CheckCss(string css, bool remoteContentAllowed, string where, List<string> violations)
    {
        // NFKC folds full-width letters (ｅｘｐｒｅｓｓｉｏｎ), which old IE read as ASCII.
        var decoded = CssComment().Replace(DecodeCssEscapes(css), string.Empty).Normalize(NormalizationForm.FormKC).ToLowerInvariant();
        foreach (var construct in ForbiddenCss)
        {
            if (decoded.Contains(construct, StringComparison.Ordinal))
            {
                violations.Add($"CSS {construct} in {where}");
            }
        }

        foreach (Match url in CssUrl().Matches(decoded))
        {
            var target = url.Groups["url"].Value.Trim().Trim('"', '\'').Trim();
            if (!IsOwnInlineImage(target) && !(remoteContentAllowed && IsAbsoluteWebUrl(target)))
            {
                violations.Add($"CSS url({target}) in {where}");
            }
        }

        if (!remoteContentAllowed && LooksLikeRemoteUrl(Squeeze(decoded)))
        {
            violations.Add($"remote URL in CSS {where}");
        }
    }

    private static bool IsOwnInlineImage(string value) => OwnDataUrl().IsMatch(value);

    private static bool IsAbsoluteWebUrl(string value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"
        && value.StartsWith(uri.Scheme + "://", StringComparison.Ordinal);

    private static bool LooksLikeRemoteUrl(string squeezed) =>
        squeezed.Contains("http:", StringComparison.Ordinal) || squeezed.Contains("https:", StringComparison.Ordinal)
        || squeezed.Contains("//", StringComparison.Ordinal) || squeezed.Contains(@"\\", StringComparison.Ordinal);

    /// <summary>Lower case without whitespace or control characters, as URL parsers effectively see a scheme.</summary>
    private static string Squeeze(string value)
    {
        var builder = new StringBuilder(value.Length);
        foreach (var c in value)
        {
            if (!char.IsWhiteSpace(c) && !char.IsControl(c))
            {
                builder.Append(char.ToLowerInvariant(c));
            }
        }

        return builder.ToString();
    }

    private static string DecodeCssEscapes(string css) =>
        CssEscape().Replace(css, m => m.Groups["hex"].Success ? DecodeCodePoint(m.Groups["hex"].Value) : m.Groups["char"].Value);

    /// <summary>CSS Syntax §4.3.7: zero, surrogates and values past U+10FFFF become U+FFFD.</summary>
    private static string DecodeCodePoint(string hex)
    {
        var codePoint = int.Parse(hex, NumberStyles.HexNumber, CultureInfo.InvariantCulture);
        return codePoint is 0 or (>= 0xD800 and <= 0xDFFF) or > 0x10FFFF ? "\uFFFD" : char.ConvertFromUtf32(codePoint);
    }

    [GeneratedRegex(@"\\(?:(?<hex>[0-9a-fA-F]{1,6})\s?|(?<char>[^\r\n\f0-9a-fA-F]))")]
    private static partial Regex CssEscape();

    [GeneratedRegex(@"/\*.*?\*/", RegexOptions.Singleline)]
    private static partial Regex CssComment();

    [GeneratedRegex(@"url\s*\((?<url>[^)]*)\)?")]
    private static partial Regex CssUrl();

    [GeneratedRegex(@"^data:image/(?:png|jpeg|pjpeg|gif|webp|bmp|avif);base64,[A-Za-z0-9+/]+={0,2}$")]
    private static partial Regex OwnDataUrl();
}
