using System.Text;
using Pop3Webmail.Web.Mail;

namespace Pop3Webmail.Web.Tests.Mail;

/// <summary>Russian mail in the charsets it really arrives in, labelled, encoded, unlabelled and mislabelled.</summary>
public class MessageRendererCharsetTests
{
    private const string Pangram = "Съешь же ещё этих мягких французских булок, да выпей чаю.";
    private const string Greeting = "Привет, мир";

    [Theory]
    [InlineData("koi8-r", "8bit", 'B')]
    [InlineData("koi8-r", "base64", 'Q')]
    [InlineData("koi8-r", "quoted-printable", 'B')]
    [InlineData("windows-1251", "8bit", 'Q')]
    [InlineData("windows-1251", "base64", 'B')]
    [InlineData("windows-1251", "quoted-printable", 'Q')]
    [InlineData("iso-8859-5", "8bit", 'B')]
    [InlineData("iso-8859-5", "quoted-printable", 'Q')]
    [InlineData("utf-8", "8bit", 'B')]
    [InlineData("utf-8", "base64", 'Q')]
    public void LabelledTextBodyAndEncodedHeadersDecodeToRussian(string charset, string transferEncoding, char wordEncoding)
    {
        var encoding = MailFixtures.GetEncoding(charset);
        var raw = MailFixtures.Concat(
            $"From: {EncodedWord(charset, wordEncoding, "Иван Петров")} <ivan@example.ru>\r\n",
            $"To: {EncodedWord(charset, wordEncoding, "Ольга")} <olga@example.ru>\r\n",
            $"Subject: {EncodedWord(charset, wordEncoding, Greeting)}\r\n",
            "MIME-Version: 1.0\r\n",
            $"Content-Type: text/plain; charset={charset}\r\n",
            $"Content-Transfer-Encoding: {transferEncoding}\r\n\r\n",
            EncodeBody(encoding.GetBytes(Pangram + "\r\n"), transferEncoding));

        var view = MailFixtures.Renderer.Render(MailFixtures.Parse(raw));

        Assert.Equal(Greeting, view.Headers.Subject);
        Assert.Equal(new MailMailbox("Иван Петров", "ivan@example.ru"), Assert.Single(view.Headers.From));
        Assert.Equal("Ольга", Assert.Single(view.Headers.To).DisplayName);
        Assert.Equal(Pangram + "\n", BodyText(view));
    }

    /// <summary>"Привет" in each charset, written out by hand from the charset tables.</summary>
    [Theory]
    [InlineData("koi8-r", "F0 D2 C9 D7 C5 D4")]
    [InlineData("windows-1251", "CF F0 E8 E2 E5 F2")]
    [InlineData("iso-8859-5", "BF E0 D8 D2 D5 E2")]
    [InlineData("utf-8", "D0 9F D1 80 D0 B8 D0 B2 D0 B5 D1 82")]
    public void HandWrittenBytesDecodeInEveryCharset(string charset, string hex)
    {
        var bytes = Convert.FromHexString(hex.Replace(" ", string.Empty, StringComparison.Ordinal));
        var raw = MailFixtures.Concat(
            $"Subject: =?{charset}?B?{Convert.ToBase64String(bytes)}?=\r\n",
            $"Content-Type: text/plain; charset=\"{charset.ToUpperInvariant()}\"\r\n",
            "Content-Transfer-Encoding: 8bit\r\n\r\n",
            bytes);

        var view = MailFixtures.Renderer.Render(MailFixtures.Parse(raw));

        Assert.Equal("Привет", view.Headers.Subject);
        Assert.Equal("Привет", BodyText(view));
    }

    [Theory]
    [InlineData("windows-1251")]
    [InlineData("koi8-r")]
    [InlineData("utf-8")]
    public void UnlabelledEightBitMailIsRecognised(string actualCharset)
    {
        var encoding = MailFixtures.GetEncoding(actualCharset);
        var raw = MailFixtures.Concat(
            "From: ", encoding.GetBytes("Иван Петров"), " <ivan@example.ru>\r\n",
            "Subject: ", encoding.GetBytes(Greeting), "\r\n",
            "Content-Type: text/plain\r\n\r\n",
            encoding.GetBytes(Pangram));

        var view = MailFixtures.Renderer.Render(MailFixtures.Parse(raw));

        Assert.Equal(Greeting, view.Headers.Subject);
        Assert.Equal("Иван Петров", Assert.Single(view.Headers.From).DisplayName);
        Assert.Equal(Pangram, BodyText(view));
    }

    [Theory]
    [InlineData("utf-8")]
    [InlineData("us-ascii")]
    public void BodyMislabelledAsUnicodeOrAsciiFallsBackToTheLegacyCharset(string label)
    {
        var raw = MailFixtures.Concat(
            $"Content-Type: text/plain; charset={label}\r\n\r\n",
            MailFixtures.GetEncoding("windows-1251").GetBytes(Pangram));

        Assert.Equal(Pangram, BodyText(MailFixtures.Renderer.Render(MailFixtures.Parse(raw))));
    }

    [Fact]
    public void UnknownCharsetLabelIsTreatedAsMissing()
    {
        var raw = MailFixtures.Concat(
            "Content-Type: text/plain; charset=x-no-such-charset\r\n\r\n",
            MailFixtures.GetEncoding("koi8-r").GetBytes(Pangram));

        Assert.Equal(Pangram, BodyText(MailFixtures.Renderer.Render(MailFixtures.Parse(raw))));
    }

    [Theory]
    [InlineData("koi8-r")]
    [InlineData("windows-1251")]
    public void HtmlBodyDecodesFromItsMimeCharset(string charset)
    {
        var raw = MailFixtures.Concat(
            $"Content-Type: text/html; charset={charset}\r\n",
            "Content-Transfer-Encoding: base64\r\n\r\n",
            Convert.ToBase64String(MailFixtures.GetEncoding(charset).GetBytes($"<p>{Pangram}</p>")));

        var view = MailFixtures.Renderer.Render(MailFixtures.Parse(raw));

        Assert.Contains($"<p>{Pangram}</p>", view.Html!.Document, StringComparison.Ordinal);
    }

    [Fact]
    public void HtmlBodyWithoutMimeCharsetUsesItsMetaCharset()
    {
        var raw = MailFixtures.Concat(
            "Content-Type: text/html\r\n\r\n",
            "<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; charset=koi8-r\"></head><body><p>",
            MailFixtures.GetEncoding("koi8-r").GetBytes(Pangram),
            "</p></body></html>");

        var view = MailFixtures.Renderer.Render(MailFixtures.Parse(raw));

        Assert.Contains($"<p>{Pangram}</p>", view.Html!.Document, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Content-Disposition: attachment; filename*=koi8-r''%F0%D2%C9%D7%C5%D4.pdf", "Привет.pdf")]
    [InlineData("Content-Disposition: attachment;\r\n filename*0*=windows-1251''%CF%F0%E8;\r\n filename*1*=%E2%E5%F2.pdf", "Привет.pdf")]
    [InlineData("Content-Disposition: attachment; filename*=utf-8''%D0%9F%D1%80%D0%B8%D0%B2%D0%B5%D1%82.pdf", "Привет.pdf")]
    [InlineData("Content-Disposition: attachment; filename*=iso-8859-5'ru'%BF%E0%D8%D2%D5%E2.pdf", "Привет.pdf")]
    [InlineData("Content-Disposition: attachment; filename=\"=?windows-1251?B?z/Do4uXy?=.pdf\"", "Привет.pdf")]
    public void AttachmentFileNamesDecodeFromRfc2231AndRfc2047(string disposition, string expected)
    {
        var message = MailFixtures.Parse(
            "Content-Type: multipart/mixed; boundary=b",
            string.Empty,
            "--b",
            "Content-Type: text/plain; charset=us-ascii",
            string.Empty,
            "see attachment",
            "--b",
            "Content-Type: application/pdf",
            disposition,
            "Content-Transfer-Encoding: base64",
            string.Empty,
            Convert.ToBase64String("%PDF-1.4"u8.ToArray()),
            "--b--");

        var attachment = Assert.Single(MailFixtures.Renderer.Render(message).Attachments);

        Assert.Equal(expected, attachment.FileName);
    }

    [Fact]
    public void FlowedTextIsUnwrappedIntoParagraphs()
    {
        var message = MailFixtures.Parse(
            "Content-Type: text/plain; charset=utf-8; format=flowed",
            string.Empty,
            "This line was wrapped ",
            "by the sender.",
            "> quoted");

        Assert.Equal("This line was wrapped by the sender.\n> quoted\n", BodyText(MailFixtures.Renderer.Render(message)));
    }

    private static string BodyText(MailMessageView view) =>
        string.Concat(Assert.IsType<MailTextBody>(view.Text).Segments.Select(s => s.Text));

    /// <summary>An RFC 2047 encoded word, built here independently of MimeKit.</summary>
    private static string EncodedWord(string charset, char encoding, string text)
    {
        var bytes = MailFixtures.GetEncoding(charset).GetBytes(text);
        if (encoding == 'B')
        {
            return $"=?{charset}?B?{Convert.ToBase64String(bytes)}?=";
        }

        var q = new StringBuilder();
        foreach (var b in bytes)
        {
            q.Append(b switch
            {
                (byte)' ' => "_",
                >= (byte)'a' and <= (byte)'z' or >= (byte)'A' and <= (byte)'Z' or >= (byte)'0' and <= (byte)'9' => ((char)b).ToString(),
                _ => $"={b:X2}",
            });
        }

        return $"=?{charset}?Q?{q}?=";
    }

    private static byte[] EncodeBody(byte[] body, string transferEncoding) => transferEncoding switch
    {
        "base64" => Encoding.ASCII.GetBytes(Convert.ToBase64String(body, Base64FormattingOptions.InsertLineBreaks) + "\r\n"),
        "quoted-printable" => Encoding.ASCII.GetBytes(QuotedPrintable(body)),
        _ => body,
    };

    /// <summary>RFC 2045 §6.7 quoted-printable with soft line breaks before 76 characters.</summary>
    private static string QuotedPrintable(byte[] body)
    {
        var output = new StringBuilder();
        var lineLength = 0;
        foreach (var b in body)
        {
            if (b is (byte)'\r' or (byte)'\n')
            {
                output.Append((char)b);
                lineLength = 0;
                continue;
            }

            var token = b is >= 33 and <= 126 and not (byte)'=' or (byte)' ' ? ((char)b).ToString() : $"={b:X2}";
            if (lineLength + token.Length > 72)
            {
                output.Append("=\r\n");
                lineLength = 0;
            }

            output.Append(token);
            lineLength += token.Length;
        }

        return output.ToString();
    }
}
