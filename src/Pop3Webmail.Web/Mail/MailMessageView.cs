using System.Collections.Immutable;

namespace Pop3Webmail.Web.Mail;

/// <summary>
/// A message ready for display, built by <see cref="MessageRenderer"/>. Everything in it is decoded, and everything
/// that reaches the browser as markup (<see cref="Html"/>) is sanitized; the rest is plain text for Razor to encode.
/// </summary>
/// <param name="Headers">The decoded header fields a reader sees.</param>
/// <param name="Text">The text/plain body, or null when the message has none.</param>
/// <param name="Html">The sanitized text/html body, or null when the message has none.</param>
/// <param name="Attachments">Every part that is neither a displayed body nor an inline image the HTML body shows.</param>
/// <param name="RemoteContentBlocked">
/// True when the HTML body referred to remote images or backgrounds that were removed; showing them needs a second
/// render with <c>showRemoteContent</c> set.
/// </param>
/// <param name="Truncated">
/// True when a body was longer than the rendering limit and is shown only up to it; the whole message is a
/// download away.
/// </param>
public sealed record MailMessageView(
    MailHeaders Headers,
    MailTextBody? Text,
    MailHtmlBody? Html,
    ImmutableArray<MailAttachment> Attachments,
    bool RemoteContentBlocked,
    bool Truncated);

/// <summary>
/// The header fields of a message, decoded (RFC 2047 encoded words, 8-bit legacy charsets) and cleaned of control
/// and bidi-override characters. <c>Date</c> is null when the field (RFC 5322 §3.6.1) is missing or unparsable.
/// </summary>
public sealed record MailHeaders(
    string Subject,
    ImmutableArray<MailMailbox> From,
    ImmutableArray<MailMailbox> To,
    ImmutableArray<MailMailbox> Cc,
    ImmutableArray<MailMailbox> ReplyTo,
    DateTimeOffset? Date);

/// <summary>One mailbox of an address field. A group without members (<c>undisclosed-recipients:;</c>) is shown by name with an empty address.</summary>
public sealed record MailMailbox(string DisplayName, string Address)
{
    /// <summary>"Name &lt;address&gt;", or whichever of the two exists.</summary>
    public override string ToString() =>
        (DisplayName.Length, Address.Length) switch
        {
            (0, _) => Address,
            (_, 0) => DisplayName,
            _ => $"{DisplayName} <{Address}>",
        };
}

/// <summary>A text/plain body as runs of text and links, so that Razor encodes all of it and only real links become anchors.</summary>
public sealed record MailTextBody(ImmutableArray<MailTextSegment> Segments);

/// <summary>A run of body text; <see cref="Href"/> is set (to an absolute http, https or mailto URL) when the run is a link.</summary>
public sealed record MailTextSegment(string Text, string? Href)
{
    public bool IsLink => Href is not null;
}

/// <summary>
/// A sanitized HTML body as a complete document for a sandboxed frame (served by <c>/mailframe/{token}</c>): it opens
/// with a Content-Security-Policy that forbids scripts, frames, forms, fonts and every request except images that
/// <see cref="RemoteContentAllowed"/> allows.
/// </summary>
public sealed record MailHtmlBody(string Document, bool RemoteContentAllowed);

/// <summary>A part offered for download.</summary>
/// <param name="BodyPartIndex">The part's index in <see cref="MimeKit.MimeMessage.BodyParts"/>, the same for every render of the message.</param>
/// <param name="FileName">A display- and download-safe name (no path, no control or bidi-override characters).</param>
/// <param name="ContentType">The declared media type, lower case, e.g. <c>image/png</c>.</param>
/// <param name="Size">The decoded size in bytes.</param>
/// <param name="IsPreviewable">True for raster images, which the browser shows in a sandboxed preview; everything else is a download.</param>
public sealed record MailAttachment(int BodyPartIndex, string FileName, string ContentType, long Size, bool IsPreviewable);
