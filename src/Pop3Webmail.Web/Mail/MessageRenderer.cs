using System.Collections.Frozen;
using System.Collections.Immutable;
using System.Globalization;
using System.Text;
using Microsoft.Extensions.Options;
using MimeKit;
using MimeKit.IO;

namespace Pop3Webmail.Web.Mail;

/// <summary>
/// Turns a parsed message into a <see cref="MailMessageView"/>: decoded headers, the text body as text and link runs,
/// the HTML body sanitized into a sandbox-ready document, and the attachments. Stateless and thread-safe (register it
/// as a singleton); everything a render needs lives in the message and the call.
/// </summary>
public sealed class MessageRenderer
{
    /// <summary>Raster image types a browser shows by itself; SVG is a document that can carry script, so it is not one.</summary>
    private static readonly FrozenSet<string> RasterImageTypes = FrozenSet.Create(
        StringComparer.OrdinalIgnoreCase,
        "image/png", "image/jpeg", "image/pjpeg", "image/gif", "image/webp", "image/bmp", "image/avif");

    /// <summary>Nesting deeper than any real mail; hostile messages nest thousands of multiparts to exhaust the stack.</summary>
    private const int MaxMultipartDepth = 64;

    private readonly MailRenderingOptions _options;
    private readonly MailTextDecoder _decoder;

    static MessageRenderer()
    {
        // KOI8-R, windows-1251 and ISO-8859-5 live in the code-pages provider, not in .NET's built-in encodings.
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
    }

    public MessageRenderer(IOptions<MailRenderingOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Value;
        _decoder = new MailTextDecoder(Encoding.GetEncoding(_options.FallbackCharset));
    }

    /// <summary>
    /// Renders <paramref name="message"/> on the thread pool. Sanitizing a large HTML body is CPU work that takes
    /// hundreds of milliseconds; done on a circuit's synchronization context it would freeze that user's page and hold
    /// the circuit's thread. The message must not be changed meanwhile.
    /// </summary>
    public Task<MailMessageView> RenderAsync(MimeMessage message, bool showRemoteContent = false, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        return Task.Run(() => Render(message, showRemoteContent), cancellationToken);
    }

    /// <summary>
    /// Renders <paramref name="message"/> on the calling thread. With <paramref name="showRemoteContent"/> false (the
    /// default) no http or https resource survives in the HTML body; with it true, images and backgrounds may load
    /// from http and https. Inline <c>cid:</c> images are embedded either way. Bodies longer than
    /// <see cref="MailRenderingOptions.MaxHtmlBodyBytes"/> or <see cref="MailRenderingOptions.MaxTextBodyBytes"/> are
    /// cut there (<see cref="MailMessageView.Truncated"/>).
    /// </summary>
    public MailMessageView Render(MimeMessage message, bool showRemoteContent = false)
    {
        ArgumentNullException.ThrowIfNull(message);

        var parts = message.BodyParts.ToList();
        var bodies = new BodySelection();
        bodies.Visit(message.Body, insideAlternative: false, depth: 0);

        MailTextBody? text = null;
        var truncated = false;
        if (bodies.Text is { } textPart)
        {
            var decoded = _decoder.Decode(textPart, _options.MaxTextBodyBytes);
            text = MailTextLinkifier.Split(decoded.Text);
            truncated = decoded.Truncated;
        }

        var inlineImages = new InlineImageResolver(parts, _options);
        MailHtmlBody? html = null;
        var remoteContentBlocked = false;
        if (bodies.Html is { } htmlPart)
        {
            var decoded = _decoder.Decode(htmlPart, _options.MaxHtmlBodyBytes);
            var sanitized = MailHtmlSanitizer.Sanitize(decoded.Text, showRemoteContent, inlineImages.Resolve);
            html = new MailHtmlBody(sanitized.Document, showRemoteContent);
            remoteContentBlocked = sanitized.RemoteContentBlocked;
            truncated |= decoded.Truncated;
        }

        var attachments = ImmutableArray.CreateBuilder<MailAttachment>();
        for (var index = 0; index < parts.Count; index++)
        {
            var part = parts[index];
            var shownAsBody = ReferenceEquals(part, bodies.Text) || ReferenceEquals(part, bodies.Html)
                || bodies.AlternativeRenderings.Contains(part);
            var shownInline = inlineImages.Embedded.Contains(part) && !IsExplicitAttachment(part);
            if (!shownAsBody && !shownInline)
            {
                attachments.Add(Describe(part, index));
            }
        }

        return new MailMessageView(ReadHeaders(message), text, html, attachments.ToImmutable(), remoteContentBlocked, truncated);
    }

    /// <summary>
    /// The part at <paramref name="bodyPartIndex"/> in <see cref="MimeMessage.BodyParts"/> order, for a download
    /// endpoint; null when there is no such part.
    /// </summary>
    public MailPartContent? FindPart(MimeMessage message, int bodyPartIndex)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (bodyPartIndex < 0)
        {
            return null;
        }

        var part = message.BodyParts.Skip(bodyPartIndex).FirstOrDefault();
        return part is null ? null : new MailPartContent(Describe(part, bodyPartIndex), part);
    }

    private MailHeaders ReadHeaders(MimeMessage message)
    {
        var headers = message.Headers;
        var subject = headers.FirstOrDefault(h => h.Id == HeaderId.Subject) is { } subjectHeader
            ? MailDisplayText.Clean(subjectHeader.GetValue(_decoder.GuessLegacy(subjectHeader.RawValue)))
            : string.Empty;

        // MimeKit returns DateTimeOffset.MinValue for a missing or unparsable Date field.
        DateTimeOffset? date = message.Date == DateTimeOffset.MinValue ? null : message.Date;

        return new MailHeaders(
            subject,
            ReadAddresses(headers, HeaderId.From),
            ReadAddresses(headers, HeaderId.To),
            ReadAddresses(headers, HeaderId.Cc),
            ReadAddresses(headers, HeaderId.ReplyTo),
            date);
    }

    /// <summary>
    /// Re-parses the raw field so undeclared 8-bit names decode with the guessed legacy charset (MimeKit tries UTF-8
    /// first); RFC 2047 encoded words carry their own charset.
    /// </summary>
    private ImmutableArray<MailMailbox> ReadAddresses(HeaderList headers, HeaderId id)
    {
        var mailboxes = ImmutableArray.CreateBuilder<MailMailbox>();
        foreach (var header in headers.Where(h => h.Id == id))
        {
            var raw = header.RawValue;
            var options = new ParserOptions { CharsetEncoding = _decoder.GuessLegacy(raw) };
            if (InternetAddressList.TryParse(options, raw, out var list))
            {
                AddMailboxes(list, mailboxes, depth: 0);
            }
            else if (MailDisplayText.Clean(header.GetValue(options.CharsetEncoding)) is { Length: > 0 } unparsable)
            {
                mailboxes.Add(new MailMailbox(unparsable, string.Empty));
            }
        }

        return mailboxes.ToImmutable();
    }

    private static void AddMailboxes(IEnumerable<InternetAddress> addresses, ImmutableArray<MailMailbox>.Builder mailboxes, int depth)
    {
        foreach (var address in addresses)
        {
            switch (address)
            {
                case MailboxAddress mailbox:
                    mailboxes.Add(new MailMailbox(MailDisplayText.Clean(mailbox.Name ?? string.Empty), MailDisplayText.Clean(mailbox.Address)));
                    break;
                case GroupAddress group when group.Members.Count == 0 || depth > 0:
                    mailboxes.Add(new MailMailbox(MailDisplayText.Clean(group.Name ?? string.Empty), string.Empty));
                    break;
                case GroupAddress group:
                    AddMailboxes(group.Members, mailboxes, depth + 1);
                    break;
            }
        }
    }

    private static bool IsExplicitAttachment(MimeEntity part) =>
        part.ContentDisposition?.Disposition.Equals(ContentDisposition.Attachment, StringComparison.OrdinalIgnoreCase) == true;

    private static MailAttachment Describe(MimeEntity part, int index)
    {
        var contentType = part.ContentType.MimeType.ToLowerInvariant();
        using var measure = new MeasuringStream();
        string? name;
        switch (part)
        {
            case MessagePart { Message: { } attached }:
                attached.WriteTo(measure);
                name = MailDisplayText.SafeFileName(part.ContentDisposition?.FileName ?? part.ContentType.Name)
                    ?? MailDisplayText.SafeFileName(attached.Subject + ".eml");
                break;
            case MimePart mime:
                mime.Content?.DecodeTo(measure);
                name = MailDisplayText.SafeFileName(mime.FileName);
                break;
            default:
                name = null;
                break;
        }

        name ??= string.Create(CultureInfo.InvariantCulture, $"part-{index + 1}")
            + (MimeTypes.TryGetExtension(contentType, out var extension) ? extension : ".bin");
        // Only raster images are previewed: they show in a sandboxed document. A PDF would need an unsandboxed one on
        // this origin (Chromium refuses to show a PDF in a sandboxed frame), so PDFs are downloads.
        return new MailAttachment(index, name, contentType, measure.Length, RasterImageTypes.Contains(contentType));
    }

    /// <summary>
    /// Picks the bodies the way mail clients do: in multipart/alternative the last (richest) rendering of each kind
    /// (RFC 2046 §5.1.4), in multipart/related the root (RFC 2387 §3.2), in multipart/mixed the first part that is
    /// a body. Alternative renderings not shown are remembered so they are not offered as attachments.
    /// </summary>
    private sealed class BodySelection
    {
        public TextPart? Text { get; private set; }

        public TextPart? Html { get; private set; }

        public HashSet<MimeEntity> AlternativeRenderings { get; } = new(ReferenceEqualityComparer.Instance);

        public void Visit(MimeEntity? entity, bool insideAlternative, int depth)
        {
            if (depth > MaxMultipartDepth)
            {
                return;
            }

            switch (entity)
            {
                case MultipartAlternative alternative:
                    for (var i = alternative.Count - 1; i >= 0; i--)
                    {
                        Visit(alternative[i], insideAlternative: true, depth + 1);
                    }

                    break;
                case MultipartRelated { Root: { } root }:
                    Visit(root, insideAlternative, depth + 1);
                    break;
                case Multipart multipart:
                    foreach (var child in multipart)
                    {
                        var before = (Text, Html);
                        Visit(child, insideAlternative, depth + 1);
                        if (!insideAlternative && (Text, Html) != before)
                        {
                            break;
                        }
                    }

                    break;
                case TextPart part when !part.IsAttachment:
                    if (insideAlternative)
                    {
                        AlternativeRenderings.Add(part);
                    }

                    if (part.IsHtml)
                    {
                        Html ??= part;
                    }
                    else if (part.IsPlain)
                    {
                        Text ??= part;
                    }

                    break;
            }
        }
    }

    /// <summary>Embeds the message's own images for <c>cid:</c> URLs (RFC 2392) as data: URLs, within the size limits.</summary>
    private sealed class InlineImageResolver
    {
        private readonly Dictionary<string, MimePart> _byContentId = new(StringComparer.OrdinalIgnoreCase);
        private readonly Dictionary<string, string?> _resolved = new(StringComparer.OrdinalIgnoreCase);
        private readonly MailRenderingOptions _options;
        private long _embeddedBytes;

        public InlineImageResolver(IEnumerable<MimeEntity> parts, MailRenderingOptions options)
        {
            _options = options;
            foreach (var part in parts.OfType<MimePart>())
            {
                if (part.ContentId is { Length: > 0 } contentId)
                {
                    _byContentId.TryAdd(contentId, part);
                }
            }
        }

        public HashSet<MimeEntity> Embedded { get; } = new(ReferenceEqualityComparer.Instance);

        public string? Resolve(string cidUrl)
        {
            // RFC 2392 §2: the URL is "cid:" and the URL-encoded Content-ID without its angle brackets.
            var contentId = Uri.UnescapeDataString(cidUrl["cid:".Length..]).Trim().Trim('<', '>');
            if (_resolved.TryGetValue(contentId, out var known))
            {
                return known;
            }

            var dataUrl = _byContentId.TryGetValue(contentId, out var part) ? Embed(part) : null;
            _resolved[contentId] = dataUrl;
            return dataUrl;
        }

        private string? Embed(MimePart part)
        {
            var mediaType = part.ContentType.MimeType.ToLowerInvariant();
            if (!RasterImageTypes.Contains(mediaType) || Embedded.Contains(part))
            {
                return null;
            }

            var content = MailTextDecoder.ReadDecodedContent(part, _options.MaxInlineImageBytes);
            var bytes = content.Bytes;
            if (content.Truncated || _embeddedBytes + bytes.Length > _options.MaxInlineImagesTotalBytes)
            {
                return null;
            }

            _embeddedBytes += bytes.Length;
            Embedded.Add(part);
            // The media type comes from the fixed list above, so nothing from the message reaches the URL but base64.
            return "data:" + mediaType + ";base64," + Convert.ToBase64String(bytes);
        }
    }
}

/// <summary>A body part found by index, with what a download response needs to know about it.</summary>
public sealed class MailPartContent
{
    internal MailPartContent(MailAttachment description, MimeEntity entity)
    {
        Description = description;
        Entity = entity;
    }

    public MailAttachment Description { get; }

    public MimeEntity Entity { get; }

    /// <summary>Writes the part's content as a file holds it: transfer encoding undone, or the attached message as-is.</summary>
    public async Task WriteToAsync(Stream destination, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(destination);
        switch (Entity)
        {
            case MessagePart { Message: { } attached }:
                await attached.WriteToAsync(destination, cancellationToken);
                break;
            case MimePart { Content: { } content }:
                await content.DecodeToAsync(destination, cancellationToken);
                break;
        }
    }
}
