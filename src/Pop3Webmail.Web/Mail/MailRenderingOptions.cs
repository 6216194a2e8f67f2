namespace Pop3Webmail.Web.Mail;

/// <summary>Limits and defaults of <see cref="MessageRenderer"/>; none of them is per user.</summary>
public sealed class MailRenderingOptions
{
    /// <summary>
    /// The charset of 8-bit text that declares none (or declares us-ascii or utf-8) and is not valid UTF-8.
    /// When it is windows-1251 or KOI8-R, the renderer picks between those two by letter statistics, because
    /// undeclared Russian mail comes in both.
    /// </summary>
    public string FallbackCharset { get; set; } = "windows-1251";

    /// <summary>The largest inline (<c>cid:</c>) image embedded into the HTML body; larger ones stay attachments.</summary>
    public int MaxInlineImageBytes { get; set; } = 2 * 1024 * 1024;

    /// <summary>The most decoded image bytes embedded into one HTML body; the document goes to the browser in one piece.</summary>
    public long MaxInlineImagesTotalBytes { get; set; } = 8 * 1024 * 1024;

    /// <summary>
    /// The most bytes of an HTML body (after the transfer encoding) that are sanitized and shown; the rest is cut,
    /// and the whole message stays available as a download. Sanitizing costs time in proportion to the length
    /// (docs/performance.md), so this bounds the wait for a message.
    /// </summary>
    public int MaxHtmlBodyBytes { get; set; } = 1024 * 1024;

    /// <summary>The most bytes of a plain-text body that are shown; the rest is cut, as for HTML.</summary>
    public int MaxTextBodyBytes { get; set; } = 1024 * 1024;

    /// <summary>How long the link to a rendered HTML body (<c>/mailframe/{token}</c>) stays valid; the frame loads it at once.</summary>
    public TimeSpan FrameLinkLifetime { get; set; } = TimeSpan.FromMinutes(1);
}
