using System.Globalization;
using System.Text;

namespace Pop3Webmail.Benchmarks.Micro;

/// <summary>Server bytes for the micro-benchmarks: realistic header blocks and listings, built once.</summary>
internal static class CannedReplies
{
    /// <summary>A typical ASCII header block as a mail client sends it today.</summary>
    public static readonly byte[] PlainHeader = Encoding.ASCII.GetBytes(
        "Return-Path: <alice@example.org>\r\n" +
        "Received: from mx.example.org (mx.example.org [192.0.2.10])\r\n\tby mail.example.net with ESMTPS id 4F2A1B\r\n\tfor <bob@example.net>; Tue, 3 Mar 2026 10:15:02 +0300\r\n" +
        "DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=example.org; s=mail;\r\n\th=from:to:subject:date:message-id; bh=47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=;\r\n\tb=dGhpcyBpcyBub3QgYSByZWFsIHNpZ25hdHVyZSBidXQgaXQgaGFzIHRoZSByaWdodCBsZW5ndGg=\r\n" +
        "From: Alice Example <alice@example.org>\r\n" +
        "To: Bob Example <bob@example.net>, carol@example.net\r\n" +
        "Subject: Quarterly report, second draft\r\n" +
        "Date: Tue, 3 Mar 2026 10:15:00 +0300\r\n" +
        "Message-ID: <20260303101500.4F2A1B@example.org>\r\n" +
        "MIME-Version: 1.0\r\n" +
        "Content-Type: multipart/mixed; boundary=\"=_boundary_4F2A1B\"\r\n" +
        "X-Priority: 3\r\n" +
        "\r\n");

    /// <summary>Encoded words (RFC 2047) in UTF-8 and windows-1251, a folded Subject: the decoding-heavy case.</summary>
    public static readonly byte[] EncodedHeader = Encoding.ASCII.GetBytes(
        "Received: from mx.example.ru by mail.example.net; Tue, 3 Mar 2026 10:15:02 +0300\r\n" +
        "From: =?UTF-8?B?0JDQu9C10LrRgdC10Lkg0J/QtdGC0YDQvtCy?= <alexey@example.ru>\r\n" +
        "To: =?windows-1251?Q?=CC=E0=F0=E8=FF?= <maria@example.net>\r\n" +
        "Subject: =?UTF-8?B?0J7RgtGH0ZHRgiDQt9CwINC60LLQsNGA0YLQsNC7?=\r\n =?UTF-8?Q?_=E2=80=94_=D0=B2=D1=82=D0=BE=D1=80=D0=B0=D1=8F_=D0=B2=D0=B5=D1=80=D1=81=D0=B8=D1=8F?=\r\n" +
        "Date: Tue, 03 Mar 2026 10:15:00 +0300\r\n" +
        "Message-ID: <a1b2c3d4@example.ru>\r\n" +
        "Content-Type: text/plain; charset=utf-8\r\n" +
        "Importance: high\r\n" +
        "\r\n");

    /// <summary>"n uid" lines as a multi-line UIDL reply body, with the terminating "." line.</summary>
    public static byte[] UidlListing(int count)
    {
        var text = new StringBuilder();
        for (var n = 1; n <= count; n++)
        {
            text.Append(CultureInfo.InvariantCulture, $"{n} {n:X8}5F3A2C11\r\n");
        }

        return Encoding.ASCII.GetBytes(text.Append(".\r\n").ToString());
    }

    /// <summary>
    /// A message body of about <paramref name="bytes"/> octets as sent in a RETR data block: 76-character lines,
    /// every tenth starting with a dot and therefore dot-stuffed (RFC 1939 §3), then the "." terminator.
    /// </summary>
    public static byte[] StuffedBody(int bytes)
    {
        var line = new string('x', 74);
        var text = new StringBuilder(bytes + 1024);
        for (var n = 0; text.Length < bytes; n++)
        {
            text.Append(n % 10 == 0 ? ".." : string.Empty).Append(line).Append("\r\n");
        }

        return Encoding.ASCII.GetBytes(text.Append(".\r\n").ToString());
    }

    /// <summary>
    /// Everything a server says to a client that signs in with USER/PASS and lists <paramref name="count"/> summaries:
    /// greeting, CAPA, USER, PASS, then (PIPELINING was announced, so the re-read CAPA rides in the flight) CAPA, STAT,
    /// LIST, UIDL and the TOP replies, alternating the two header blocks.
    /// </summary>
    public static byte[] SummarySession(int count)
    {
        const string capa = "+OK\r\nTOP\r\nUIDL\r\nUSER\r\nPIPELINING\r\nRESP-CODES\r\n.\r\n";
        var text = new StringBuilder("+OK ready\r\n" + capa + "+OK\r\n+OK Logged in.\r\n" + capa);
        text.Append(CultureInfo.InvariantCulture, $"+OK {count} {count * 2048}\r\n");
        text.Append("+OK\r\n");
        for (var n = 1; n <= count; n++)
        {
            text.Append(CultureInfo.InvariantCulture, $"{n} {2000 + n}\r\n");
        }

        text.Append(".\r\n+OK\r\n");
        for (var n = 1; n <= count; n++)
        {
            text.Append(CultureInfo.InvariantCulture, $"{n} {n:X8}5F3A2C11\r\n");
        }

        text.Append(".\r\n");
        var session = new MemoryStream();
        session.Write(Encoding.ASCII.GetBytes(text.ToString()));
        for (var n = 1; n <= count; n++)
        {
            session.Write("+OK\r\n"u8);
            session.Write(n % 2 == 0 ? PlainHeader : EncodedHeader);
            session.Write(".\r\n"u8);
        }

        return session.ToArray();
    }
}
