using System.Text;
using MimeKit;
using MimeKit.Utils;

namespace Pop3Webmail.Pop3;

/// <summary>
/// Builds a <see cref="Pop3MessageSummary"/> from a raw header block (the data of TOP n 0). Only the handful of
/// fields a mail list shows are located and unfolded (RFC 5322 §2.2.3); MimeKit decodes them (RFC 2047 encoded
/// words, RFC 2231 parameters, 8-bit legacy charsets). Nothing of the header block is retained.
/// </summary>
internal static class Pop3SummaryParser
{
    private static readonly ParserOptions Options = CreateOptions();

    /// <summary>
    /// Parses one header block. <paramref name="addresses"/> holds decoded From/To values of earlier messages of the
    /// same client, reused when the raw bytes repeat (they do, thousands of times, in any real mailbox); null parses
    /// every field afresh.
    /// </summary>
    public static Pop3MessageSummary Parse(ReadOnlySpan<byte> headerBlock, int messageNumber, long size, string? uid, Pop3AddressCache? addresses = null)
    {
        ReadOnlySpan<byte> from = default, to = default, subject = default, date = default, messageId = default,
            contentType = default, importance = default, priority = default, xPriority = default;
        byte[]? unfolded = null;
        var position = 0;
        while (position < headerBlock.Length)
        {
            var lineEnd = FindFieldEnd(headerBlock, position, out var next);
            var field = headerBlock[position..lineEnd];
            position = next;
            if (field.IsEmpty)
            {
                break; // The blank line that ends the header section.
            }

            var colon = field.IndexOf((byte)':');
            if (colon <= 0)
            {
                continue; // Not a header field (e.g. an mbox "From " line): skip it rather than fail the listing.
            }

            var name = field[..colon].TrimEnd((byte)' ');
            if (!IsSummaryField(name))
            {
                // Received, DKIM-Signature, ARC-* and the like are often long and folded: never unfolded or copied.
                continue;
            }

            var value = field[(colon + 1)..];
            if (value.IndexOfAny((byte)'\r', (byte)'\n') >= 0)
            {
                unfolded = Unfold(value);
                value = unfolded;
            }

            value = value.Trim((byte)' ').Trim((byte)'\t');
            if (Is(name, "From"u8) && from.IsEmpty)
            {
                from = value;
            }
            else if (Is(name, "To"u8) && to.IsEmpty)
            {
                to = value;
            }
            else if (Is(name, "Subject"u8) && subject.IsEmpty)
            {
                subject = value;
            }
            else if (Is(name, "Date"u8) && date.IsEmpty)
            {
                date = value;
            }
            else if (Is(name, "Message-ID"u8) && messageId.IsEmpty)
            {
                messageId = value;
            }
            else if (Is(name, "Content-Type"u8) && contentType.IsEmpty)
            {
                contentType = value;
            }
            else if (Is(name, "Importance"u8) && importance.IsEmpty)
            {
                importance = value;
            }
            else if (Is(name, "Priority"u8) && priority.IsEmpty)
            {
                priority = value;
            }
            else if (Is(name, "X-Priority"u8) && xPriority.IsEmpty)
            {
                xPriority = value;
            }

            unfolded = null;
        }

        var (fromDisplay, fromAddress) = addresses?.GetOrAdd(from, ParseAddresses) ?? ParseAddresses(from);
        var (toDisplay, _) = addresses?.GetOrAdd(to, ParseAddresses) ?? ParseAddresses(to);
        return new Pop3MessageSummary
        {
            MessageNumber = messageNumber,
            Size = size,
            Uid = uid,
            From = fromDisplay,
            FromAddress = fromAddress,
            To = toDisplay,
            Subject = subject.IsEmpty ? string.Empty : Clean(DecodeText(subject)),
            Date = !date.IsEmpty && DateUtils.TryParse(date.ToArray(), out var parsedDate) ? parsedDate : null,
            MessageId = messageId.IsEmpty ? null : Clean(Latin1(messageId)).Trim().Trim('<', '>'),
            HasAttachments = HasAttachmentHint(contentType),
            Importance = ParseImportance(importance, priority, xPriority),
        };
    }

    private static ParserOptions CreateOptions()
    {
        // 8-bit header text that is not UTF-8 is most often windows-1251 for our Russian-speaking users;
        // MimeKit tries UTF-8 first and falls back to this charset.
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        var options = ParserOptions.Default.Clone();
        options.CharsetEncoding = Encoding.GetEncoding(1251);
        return options;
    }

    /// <summary>Finds the end of one header field including its folded continuation lines.</summary>
    private static int FindFieldEnd(ReadOnlySpan<byte> block, int start, out int next)
    {
        var position = start;
        while (true)
        {
            var lf = block[position..].IndexOf((byte)'\n');
            if (lf < 0)
            {
                next = block.Length;
                return TrimCr(block, block.Length, start);
            }

            var lineEnd = position + lf;
            var afterLf = lineEnd + 1;
            // A continuation line starts with whitespace (RFC 5322 §2.2.3); an empty line is never one.
            if (lineEnd > start && TrimCr(block, lineEnd, start) > start && afterLf < block.Length && block[afterLf] is (byte)' ' or (byte)'\t')
            {
                position = afterLf;
                continue;
            }

            next = afterLf;
            return TrimCr(block, lineEnd, start);
        }
    }

    private static int TrimCr(ReadOnlySpan<byte> block, int end, int start) =>
        end > start && block[end - 1] == (byte)'\r' ? end - 1 : end;

    private static byte[] Unfold(ReadOnlySpan<byte> value)
    {
        var result = new byte[value.Length];
        var length = 0;
        foreach (var b in value)
        {
            if (b is not ((byte)'\r' or (byte)'\n'))
            {
                result[length++] = b;
            }
        }

        return result[..length];
    }

    private static bool Is(ReadOnlySpan<byte> name, ReadOnlySpan<byte> expected) =>
        Ascii.EqualsIgnoreCase(name, expected);

    /// <summary>The fields a summary is made of (the names <see cref="Parse"/> picks up).</summary>
    private static bool IsSummaryField(ReadOnlySpan<byte> name) =>
        Is(name, "From"u8) || Is(name, "To"u8) || Is(name, "Subject"u8) || Is(name, "Date"u8) || Is(name, "Message-ID"u8)
        || Is(name, "Content-Type"u8) || Is(name, "Importance"u8) || Is(name, "Priority"u8) || Is(name, "X-Priority"u8);

    private static (string Display, string Address) ParseAddresses(ReadOnlySpan<byte> value)
    {
        if (value.IsEmpty)
        {
            return (string.Empty, string.Empty);
        }

        var raw = value.ToArray();
        if (InternetAddressList.TryParse(Options, raw, out var list) && list.Count > 0)
        {
            var first = list.Mailboxes.FirstOrDefault();
            var display = string.Join(", ", list.Select(static a => string.IsNullOrWhiteSpace(a.Name) ? (a as MailboxAddress)?.Address ?? a.ToString() : a.Name));
            return (Clean(display), first?.Address ?? string.Empty);
        }

        // Unparseable address headers still show something rather than nothing.
        return (Clean(Rfc2047.DecodeText(Options, raw)), string.Empty);
    }

    /// <summary>
    /// Unstructured text (RFC 2047 §5(1)). Pure ASCII without "=?" has no encoded word and no 8-bit charset to guess,
    /// so MimeKit would return it unchanged; it is converted directly, which saves a copy and the tokenizer for the
    /// most common subject of all.
    /// </summary>
    private static string DecodeText(ReadOnlySpan<byte> text) =>
        Ascii.IsValid(text) && text.IndexOf("=?"u8) < 0
            ? Encoding.ASCII.GetString(text)
            : Rfc2047.DecodeText(Options, text.ToArray());

    private static bool HasAttachmentHint(ReadOnlySpan<byte> contentType)
    {
        if (TryReadPlainContentType(contentType, out var plainType, out var plainSubtype))
        {
            var multipart = Ascii.EqualsIgnoreCase(plainType, "multipart"u8);
            return multipart
                ? Ascii.EqualsIgnoreCase(plainSubtype, "mixed"u8) || Ascii.EqualsIgnoreCase(plainSubtype, "report"u8)
                : !Ascii.EqualsIgnoreCase(plainType, "text"u8);
        }

        if (contentType.IsEmpty || !ContentType.TryParse(Options, contentType.ToArray(), out var type))
        {
            return false;
        }

        return type.IsMimeType("multipart", "mixed") || type.IsMimeType("multipart", "report")
            || (!type.MediaType.Equals("multipart", StringComparison.OrdinalIgnoreCase)
                && !type.MediaType.Equals("text", StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>
    /// The fast path of Content-Type for the plain RFC 2045 §5.1 shape that nearly every message uses:
    /// <c>type "/" subtype *(";" attribute "=" (token / quoted-string))</c>, where every token is made of letters,
    /// digits, '-', '+', '_' and (except in the type) '.', quoted strings have no backslash escapes or control
    /// characters, and there are no comments and no RFC 2231 attributes. That subset covers real mail, and on it
    /// MimeKit's parse is certain to succeed with the same type and subtype (checked against MimeKit 4.18 on
    /// millions of generated values; MimeKit refuses some rarer token characters, e.g. '.' in a type or '%' in an
    /// attribute), so its ContentType and parameter objects, the costliest allocation of a summary, are skipped.
    /// Anything else returns false and goes to MimeKit, so odd headers keep MimeKit's exact verdict.
    /// </summary>
    private static bool TryReadPlainContentType(ReadOnlySpan<byte> value, out ReadOnlySpan<byte> mediaType, out ReadOnlySpan<byte> subtype)
    {
        subtype = default;
        var position = 0;
        if (!ReadToken(value, ref position, out mediaType) || mediaType.Contains((byte)'.')
            || !Skip(value, ref position, (byte)'/') || !ReadToken(value, ref position, out subtype))
        {
            return false;
        }

        while (SkipSpace(value, ref position) < value.Length)
        {
            if (!Skip(value, ref position, (byte)';') || !ReadToken(value, ref position, out _) || !Skip(value, ref position, (byte)'='))
            {
                return false;
            }

            if (SkipSpace(value, ref position) < value.Length && value[position] == (byte)'"')
            {
                var close = value[(position + 1)..].IndexOfAny((byte)'"', (byte)'\\');
                if (close < 0 || value[position + 1 + close] != (byte)'"' || value.Slice(position + 1, close).IndexOfAnyInRange((byte)0, (byte)0x1f) >= 0)
                {
                    return false;
                }

                position += close + 2;
            }
            else if (!ReadToken(value, ref position, out _))
            {
                return false;
            }
        }

        return true;

        static int SkipSpace(ReadOnlySpan<byte> value, ref int position)
        {
            while (position < value.Length && value[position] is (byte)' ' or (byte)'\t')
            {
                position++;
            }

            return position;
        }

        static bool Skip(ReadOnlySpan<byte> value, ref int position, byte expected)
        {
            if (SkipSpace(value, ref position) < value.Length && value[position] == expected)
            {
                position++;
                return true;
            }

            return false;
        }

        static bool ReadToken(ReadOnlySpan<byte> value, scoped ref int position, out ReadOnlySpan<byte> token)
        {
            var start = SkipSpace(value, ref position);
            while (position < value.Length && IsTokenByte(value[position]))
            {
                position++;
            }

            token = value[start..position];
            return !token.IsEmpty;
        }

        // A conservative subset of the RFC 2045 §5.1 token characters: the ones media types and parameters use.
        static bool IsTokenByte(byte b) => char.IsAsciiLetterOrDigit((char)b) || b is (byte)'-' or (byte)'+' or (byte)'.' or (byte)'_';
    }

    private static Pop3MessageImportance ParseImportance(ReadOnlySpan<byte> importance, ReadOnlySpan<byte> priority, ReadOnlySpan<byte> xPriority)
    {
        // RFC 2156 Importance: low / normal / high; RFC 2156 Priority: non-urgent / normal / urgent;
        // X-Priority (de facto): 1-2 high, 4-5 low.
        if (!importance.IsEmpty)
        {
            if (Ascii.EqualsIgnoreCase(importance, "high"u8))
            {
                return Pop3MessageImportance.High;
            }

            if (Ascii.EqualsIgnoreCase(importance, "low"u8))
            {
                return Pop3MessageImportance.Low;
            }
        }

        if (!priority.IsEmpty)
        {
            if (Ascii.EqualsIgnoreCase(priority, "urgent"u8))
            {
                return Pop3MessageImportance.High;
            }

            if (Ascii.EqualsIgnoreCase(priority, "non-urgent"u8))
            {
                return Pop3MessageImportance.Low;
            }
        }

        if (!xPriority.IsEmpty)
        {
            return xPriority[0] switch
            {
                (byte)'1' or (byte)'2' => Pop3MessageImportance.High,
                (byte)'4' or (byte)'5' => Pop3MessageImportance.Low,
                _ => Pop3MessageImportance.Normal,
            };
        }

        return Pop3MessageImportance.Normal;
    }

    private static string Latin1(ReadOnlySpan<byte> value) => Encoding.Latin1.GetString(value);

    /// <summary>Header text is shown in a list: no control characters, no surrounding space.</summary>
    private static string Clean(string value)
    {
        if (value.AsSpan().IndexOfAnyInRange('\0', '\u001f') < 0)
        {
            return value.Trim();
        }

        var builder = new StringBuilder(value.Length);
        foreach (var c in value)
        {
            builder.Append(char.IsControl(c) ? ' ' : c);
        }

        return builder.ToString().Trim();
    }
}

/// <summary>
/// The decoded From/To values of one client's recent summaries, keyed by their exact raw bytes. A mailbox repeats
/// the same few senders and almost always the same recipient, so this skips MimeKit's address parse (the costliest
/// step of a summary) for nearly every message, and the summaries share one string instance per distinct value,
/// which is a large part of what a 10k-message inbox keeps in memory. A hit returns exactly what parsing those bytes
/// returned before. Bounded in entries and in value length; not thread-safe (a client runs one operation at a time).
/// </summary>
internal sealed class Pop3AddressCache
{
    private const int MaxEntries = 256;
    private const int MaxValueLength = 512;
    private readonly Dictionary<int, Entry> _entries = [];

    public delegate (string Display, string Address) Parser(ReadOnlySpan<byte> raw);

    public (string Display, string Address) GetOrAdd(ReadOnlySpan<byte> raw, Parser parse)
    {
        if (raw.IsEmpty || raw.Length > MaxValueLength)
        {
            return parse(raw);
        }

        var hash = new HashCode();
        hash.AddBytes(raw);
        var key = hash.ToHashCode();
        if (_entries.TryGetValue(key, out var entry) && raw.SequenceEqual(entry.Raw))
        {
            return entry.Value;
        }

        var value = parse(raw);
        if (_entries.Count >= MaxEntries)
        {
            _entries.Clear(); // A listing with this many distinct values gains little from a cache anyway.
        }

        _entries[key] = new Entry(raw.ToArray(), value);
        return value;
    }

    private sealed record Entry(byte[] Raw, (string Display, string Address) Value);
}
