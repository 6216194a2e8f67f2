using System.Text;
using System.Text.RegularExpressions;
using MimeKit;
using MimeKit.Text;

namespace Pop3Webmail.Web.Mail;

/// <summary>Turns a text part's bytes into a string, surviving the missing and wrong charset labels real mail has.</summary>
internal sealed partial class MailTextDecoder
{
    private const int Windows1251 = 1251;
    private const int Koi8R = 20866;

    private readonly Encoding _fallback;
    private readonly bool _guessCyrillic;

    public MailTextDecoder(Encoding fallback)
    {
        _fallback = fallback;
        // The two 8-bit Russian charsets swap upper and lower case (see GuessLegacy), so when either is the
        // fallback the letters themselves tell which one a text is in.
        _guessCyrillic = fallback.CodePage is Windows1251 or Koi8R;
    }

    /// <summary>
    /// The decoded text of a part, from at most <paramref name="maxBytes"/> of its content (after the transfer
    /// encoding); format=flowed text (RFC 3676) is unwrapped into its paragraphs.
    /// </summary>
    public DecodedText Decode(TextPart part, int maxBytes)
    {
        var content = ReadDecodedContent(part, maxBytes);
        var text = DecodeRaw(part, content);
        if (part.IsFlowed)
        {
            var delSp = part.ContentType.Parameters.TryGetValue("delsp", out string? value)
                && value.Equals("yes", StringComparison.OrdinalIgnoreCase);
            text = new FlowedToText { DeleteSpace = delSp }.Convert(text);
        }

        return new DecodedText(text.Length > 0 && text[0] == '\uFEFF' ? text[1..] : text, content.Truncated);
    }

    /// <summary>Decodes 8-bit bytes that carry no usable charset label: UTF-8 when valid, else the configured fallback.</summary>
    private string DecodeUnlabelled(ReadOnlySpan<byte> bytes)
    {
        if (System.Text.Unicode.Utf8.IsValid(bytes))
        {
            return Encoding.UTF8.GetString(bytes);
        }

        return GuessLegacy(bytes).GetString(bytes);
    }

    /// <summary>
    /// The legacy charset to read undeclared, non-UTF-8 bytes with. Russian text is mostly lower case:
    /// windows-1251 puts lower-case letters at 0xE0–0xFF and capitals at 0xC0–0xDF, KOI8-R (RFC 1489) the other
    /// way round, so whichever range holds more bytes tells the two apart.
    /// </summary>
    public Encoding GuessLegacy(ReadOnlySpan<byte> bytes)
    {
        if (!_guessCyrillic)
        {
            return _fallback;
        }

        int capitalsIn1251 = 0, lowerIn1251 = 0;
        foreach (var b in bytes)
        {
            if (b is >= 0xC0 and <= 0xDF)
            {
                capitalsIn1251++;
            }
            else if (b >= 0xE0)
            {
                lowerIn1251++;
            }
        }

        if (capitalsIn1251 == lowerIn1251)
        {
            return _fallback;
        }

        return Encoding.GetEncoding(capitalsIn1251 > lowerIn1251 ? Koi8R : Windows1251);
    }

    private string DecodeRaw(TextPart part, BoundedContent content)
    {
        var charset = part.ContentType.Charset;
        var bytes = content.Bytes;
        if (charset is not null && !IsUnicodeOrAsciiLabel(charset))
        {
            try
            {
                if (part.ContentType.CharsetEncoding is { } labelled)
                {
                    return labelled.GetString(bytes);
                }
            }
            catch (NotSupportedException)
            {
                // An unknown label says nothing reliable; decode as if there were none.
            }
        }

        if (content.Truncated)
        {
            // A cut can split the last UTF-8 sequence, which would make valid UTF-8 look like a legacy charset.
            bytes = bytes[..CompleteUtf8Length(bytes)];
        }

        if (part.IsHtml && charset is null && !System.Text.Unicode.Utf8.IsValid(bytes)
            && FindMetaCharset(bytes) is { } metaEncoding)
        {
            // HTML without a MIME charset may name its own in <meta> (HTML Living Standard §4.2.5.4).
            return metaEncoding.GetString(bytes);
        }

        // RFC 2046 §4.1.2 makes an absent charset mean us-ascii, but 8-bit bytes prove the label wrong: in practice
        // they are UTF-8 or the sender's local charset, and a mislabelled "utf-8" body is usually the latter too.
        return DecodeUnlabelled(bytes);
    }

    /// <summary>
    /// The content's bytes after the transfer encoding (base64, quoted-printable) is undone, at most
    /// <paramref name="maxBytes"/> of them: reading stops there, so a huge part costs no more than the limit.
    /// </summary>
    public static BoundedContent ReadDecodedContent(MimePart part, int maxBytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxBytes);
        if (part.Content is null)
        {
            return new BoundedContent([], Truncated: false);
        }

        // One byte past the limit tells a part of exactly the limit from a longer one.
        var wanted = (long)maxBytes + 1;
        using var decoded = part.Content.Open();
        using var memory = new MemoryStream();
        var buffer = new byte[Math.Min(81920, wanted)];
        int read;
        while (memory.Length < wanted && (read = decoded.Read(buffer, 0, (int)Math.Min(buffer.Length, wanted - memory.Length))) > 0)
        {
            memory.Write(buffer, 0, read);
        }

        var truncated = memory.Length > maxBytes;
        return new BoundedContent(truncated ? memory.GetBuffer().AsSpan(0, maxBytes).ToArray() : memory.ToArray(), truncated);
    }

    /// <summary>The length of <paramref name="bytes"/> without a UTF-8 sequence left incomplete at its end (RFC 3629 §3).</summary>
    private static int CompleteUtf8Length(ReadOnlySpan<byte> bytes)
    {
        for (var i = bytes.Length - 1; i >= Math.Max(0, bytes.Length - 4); i--)
        {
            var b = bytes[i];
            if ((b & 0xC0) == 0x80)
            {
                continue; // a continuation byte: look further back for its lead byte
            }

            var length = b switch
            {
                >= 0xF0 => 4,
                >= 0xE0 => 3,
                >= 0xC0 => 2,
                _ => 1,
            };
            return bytes.Length - i < length ? i : bytes.Length;
        }

        return bytes.Length;
    }

    private static bool IsUnicodeOrAsciiLabel(string charset) =>
        charset.Equals("utf-8", StringComparison.OrdinalIgnoreCase)
        || charset.Equals("utf8", StringComparison.OrdinalIgnoreCase)
        || charset.Equals("us-ascii", StringComparison.OrdinalIgnoreCase)
        || charset.Equals("ascii", StringComparison.OrdinalIgnoreCase);

    private static Encoding? FindMetaCharset(byte[] bytes)
    {
        var head = Encoding.Latin1.GetString(bytes, 0, Math.Min(bytes.Length, 2048));
        var match = MetaCharsetPattern().Match(head);
        if (!match.Success)
        {
            return null;
        }

        try
        {
            return Encoding.GetEncoding(match.Groups["charset"].Value);
        }
        catch (ArgumentException)
        {
            return null;
        }
    }

    [GeneratedRegex("""<meta[^>]{0,200}?charset\s*=\s*["']?(?<charset>[A-Za-z0-9_.:-]{1,40})""", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex MetaCharsetPattern();
}

/// <summary>A body's text and whether it was cut at the rendering limit.</summary>
internal readonly record struct DecodedText(string Text, bool Truncated);

/// <summary>Up to a limit of a part's decoded bytes, and whether there were more.</summary>
internal readonly record struct BoundedContent(byte[] Bytes, bool Truncated);
