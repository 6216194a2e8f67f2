using System.Buffers;
using System.Text;
using System.Text.RegularExpressions;
using AngleSharp;
using AngleSharp.Css.Dom;
using AngleSharp.Dom;
using AngleSharp.Html.Dom;
using Ganss.Xss;

namespace Pop3Webmail.Web.Mail;

/// <summary>
/// Makes a message's HTML safe to show: an allowlist of tags, attributes and CSS (Ganss.Xss on AngleSharp), one
/// policy for every URL the browser would fetch by itself (<c>src</c>, <c>background</c>, CSS <c>url()</c>), and a
/// separate one for links the user clicks. The result is a whole document for a sandboxed iframe, headed by a
/// Content-Security-Policy that enforces the same rules a second time in the browser.
/// </summary>
internal static partial class MailHtmlSanitizer
{
    /// <summary>Elements kept (their attributes and CSS still filtered). No scripting, embedding, form or foreign (SVG, MathML) content.</summary>
    private static readonly string[] AllowedTags =
    [
        "html", "head", "body", "style",
        "a", "abbr", "acronym", "address", "article", "aside", "b", "bdi", "bdo", "big", "blockquote", "br",
        "caption", "center", "cite", "code", "col", "colgroup", "dd", "del", "details", "dfn", "div", "dl", "dt",
        "em", "figcaption", "figure", "font", "footer", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "i",
        "img", "ins", "kbd", "li", "main", "mark", "nav", "ol", "p", "pre", "q", "rp", "rt", "ruby", "s", "samp",
        "section", "small", "span", "strike", "strong", "sub", "summary", "sup", "table", "tbody", "td", "tfoot",
        "th", "thead", "time", "tr", "tt", "u", "ul", "var", "wbr",
    ];

    /// <summary>
    /// Disallowed elements whose content goes with them: scripts and raw text, embedded documents and plugins, and
    /// foreign content. Any other disallowed element (form, button, label, unknown Outlook tags like o:p) is unwrapped
    /// so that its text stays readable.
    /// </summary>
    private static readonly HashSet<string> RemovedWithContent = new(StringComparer.OrdinalIgnoreCase)
    {
        "script", "noscript", "template", "title", "xmp", "plaintext", "listing", "noembed", "noframes",
        "iframe", "frame", "frameset", "object", "embed", "applet", "param", "portal", "fencedframe",
        "svg", "math", "video", "audio", "canvas", "select", "datalist",
    };

    private static readonly string[] AllowedAttributes =
    [
        "abbr", "align", "alt", "background", "bgcolor", "border", "cellpadding", "cellspacing", "class", "color",
        "colspan", "datetime", "dir", "face", "headers", "height", "href", "hspace", "id", "lang", "nowrap", "open",
        "reversed", "rowspan", "scope", "size", "span", "src", "start", "style", "summary", "title", "type",
        "valign", "vspace", "width",
    ];

    /// <summary>Attributes whose URL the browser fetches without a click. Links (<c>href</c>) have their own policy.</summary>
    private static readonly string[] ResourceAttributes = ["src", "background"];

    /// <summary>CSS properties from the sanitizer's defaults; any URL in them goes through the resource policy.</summary>
    private static readonly string[] ExcludedCssProperties = ["behavior", "-moz-binding", "src"];

    private static readonly HtmlSanitizerOptions SanitizerOptions = new()
    {
        AllowedTags = new HashSet<string>(AllowedTags, StringComparer.OrdinalIgnoreCase),
        AllowedAttributes = new HashSet<string>(AllowedAttributes, StringComparer.OrdinalIgnoreCase),
        UriAttributes = new HashSet<string>(ResourceAttributes, StringComparer.OrdinalIgnoreCase),
        UriListAttributes = new HashSet<string>(StringComparer.OrdinalIgnoreCase),
        // Everything else (javascript:, vbscript:, data:, file:, relative URLs that would hit this server) is refused
        // before the resource policy sees it; cid: is resolved to the message's own images (RFC 2392).
        AllowedSchemes = new HashSet<string>(["http", "https", "cid"], StringComparer.OrdinalIgnoreCase),
        AllowedCssProperties = new HashSet<string>(
            HtmlSanitizerDefaults.AllowedCssProperties.Except(ExcludedCssProperties, StringComparer.OrdinalIgnoreCase),
            StringComparer.OrdinalIgnoreCase),
        // No @import, @font-face, @namespace, @supports or @keyframes: only rules and media queries.
        AllowedAtRules = new HashSet<CssRuleType>([CssRuleType.Style, CssRuleType.Media]),
        AllowCssCustomProperties = false,
        AllowDataAttributes = false,
    };

    /// <summary>The styles every message starts from; the message's own styles come after and win.</summary>
    private const string BaseStyle =
        "body{margin:8px;font-family:system-ui,-apple-system,'Segoe UI',Roboto,Arial,sans-serif;overflow-wrap:anywhere}"
        + "img{max-width:100%}pre{white-space:pre-wrap}";

    /// <summary>
    /// Sanitizes <paramref name="html"/> into a document for the mail frame. <paramref name="resolveInlineImage"/> maps a
    /// <c>cid:</c> URL to a data: URL of the message's own image, or null.
    /// </summary>
    public static SanitizedHtml Sanitize(string html, bool showRemoteContent, Func<string, string?> resolveInlineImage)
    {
        var policy = new ResourcePolicy(showRemoteContent, resolveInlineImage);
        var sanitizer = new HtmlSanitizer(SanitizerOptions)
        {
            KeepChildNodes = true,
            DisallowCssPropertyValue = DisallowedCssValuePattern(),
        };
        sanitizer.RemovingTag += (_, e) =>
        {
            if (RemovedWithContent.Contains(e.Tag.LocalName))
            {
                e.Cancel = true;
                e.Tag.Remove();
            }
        };
        sanitizer.FilterUrl += (_, e) => e.SanitizedUrl = policy.Filter(e.SanitizedUrl);
        sanitizer.PostProcessNode += (_, e) =>
        {
            if (e.Node is IElement element)
            {
                SecureLink(element);
            }
        };

        using var document = sanitizer.HtmlParserFactory().ParseDocument(html);
        sanitizer.SanitizeDom(document);

        return new SanitizedHtml(ComposeDocument(document, showRemoteContent), policy.Blocked);
    }

    /// <summary>The Content-Security-Policy of the frame document (CSP Level 3; a meta element cannot carry frame-ancestors or sandbox).</summary>
    public static string ContentSecurityPolicy(bool showRemoteContent) =>
        "default-src 'none'; "
        + (showRemoteContent ? "img-src data: http: https:; " : "img-src data:; ")
        + "style-src 'unsafe-inline'; font-src 'none'; media-src 'none'; object-src 'none'; frame-src 'none'; "
        + "child-src 'none'; worker-src 'none'; connect-src 'none'; form-action 'none'; base-uri 'none'";

    private static string ComposeDocument(IHtmlDocument document, bool showRemoteContent)
    {
        var output = new StringBuilder();
        output.Append("<!DOCTYPE html><html><head>")
            .Append("<meta http-equiv=\"Content-Security-Policy\" content=\"")
            .Append(ContentSecurityPolicy(showRemoteContent))
            .Append("\"><meta name=\"referrer\" content=\"no-referrer\"><style>")
            .Append(BaseStyle)
            .Append("</style>");

        // Sanitized style sheets from the head. Nothing else survives there: the parser moves content into the
        // body, and title, meta, link and base are not allowed.
        if (document.Head is { } head)
        {
            foreach (var style in head.QuerySelectorAll("style"))
            {
                output.Append(style.ToHtml(HtmlFormatter.Instance));
            }
        }

        output.Append("</head>");
        output.Append(document.Body is IHtmlBodyElement body ? body.ToHtml(HtmlFormatter.Instance) : "<body></body>");
        output.Append("</html>");
        return output.ToString();
    }

    /// <summary>
    /// Links open in a new top-level browsing context that knows neither the webmail (no opener) nor the message
    /// URL (no referrer); only absolute http, https and mailto targets survive.
    /// </summary>
    private static void SecureLink(IElement element)
    {
        var href = element.GetAttribute("href");
        if (href is null)
        {
            return;
        }

        if (!element.LocalName.Equals("a", StringComparison.Ordinal)
            || MailTextLinkifier.ToHref(href.Trim()) is not { } safeHref)
        {
            element.RemoveAttribute("href");
            return;
        }

        element.SetAttribute("href", safeHref);
        element.SetAttribute("target", "_blank");
        element.SetAttribute("rel", "noopener noreferrer");
    }

    /// <summary>
    /// CSS values that could fetch, compute or smuggle a URL past the url() check: image-set() and friends take
    /// bare strings, var()/env()/attr() substitute text the check never sees, expression() and behaviors run code.
    /// Matched after Ganss.Xss has decoded CSS escapes and removed comments.
    /// </summary>
    [GeneratedRegex("""[<>\\]|(?<![\w-])(?:-[a-z]+-)?(?:var|env|attr|image-set|image|element|cross-fade|paint|src|expression)\s*\(|javascript:|vbscript:|-moz-binding|behavior""", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex DisallowedCssValuePattern();

    /// <summary>The decision for each URL the browser would load on its own, and whether a remote one was refused.</summary>
    private sealed class ResourcePolicy(bool showRemoteContent, Func<string, string?> resolveInlineImage)
    {
        private static readonly SearchValues<char> UrlTerminators = SearchValues.Create("\"'()\\ <>");

        public bool Blocked { get; private set; }

        public string? Filter(string? url)
        {
            if (url is null)
            {
                return null;
            }

            var trimmed = url.Trim();
            if (trimmed.StartsWith("cid:", StringComparison.OrdinalIgnoreCase))
            {
                return resolveInlineImage(trimmed);
            }

            // Protocol-relative (and backslash) forms are remote too: the frame document resolves them against the
            // webmail's own scheme.
            var isProtocolRelative = trimmed.StartsWith("//", StringComparison.Ordinal)
                || trimmed.StartsWith(@"\\", StringComparison.Ordinal)
                || trimmed.StartsWith(@"/\", StringComparison.Ordinal)
                || trimmed.StartsWith(@"\/", StringComparison.Ordinal);
            var isRemote = isProtocolRelative
                || trimmed.StartsWith("http:", StringComparison.OrdinalIgnoreCase)
                || trimmed.StartsWith("https:", StringComparison.OrdinalIgnoreCase);
            if (!isRemote)
            {
                // Relative URLs would resolve against the webmail itself.
                return null;
            }

            if (!showRemoteContent)
            {
                Blocked = true;
                return null;
            }

            var absolute = isProtocolRelative ? "https://" + trimmed.TrimStart('/', '\\') : trimmed;
            if (!Uri.TryCreate(absolute, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
            {
                return null;
            }

            // The URL is written back into attributes and CSS url(); refuse anything that could end either.
            var normalized = uri.AbsoluteUri;
            return normalized.AsSpan().IndexOfAny(UrlTerminators) >= 0 ? null : normalized;
        }
    }
}

/// <summary>A sanitized frame document, and whether remote content was removed from it.</summary>
internal sealed record SanitizedHtml(string Document, bool RemoteContentBlocked);
