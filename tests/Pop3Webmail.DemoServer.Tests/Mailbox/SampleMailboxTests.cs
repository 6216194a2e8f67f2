using System.Security.Cryptography;
using System.Text;
using MimeKit;
using Pop3Webmail.DemoServer.Tests.TestSupport;

namespace Pop3Webmail.DemoServer.Tests.Mailbox;

/// <summary>The shipped sample mailbox: valid MIME, the charsets, the HTML cases, the attachments, the thread, the big one.</summary>
public sealed class SampleMailboxTests
{
    /// <summary>
    /// The generated large message's UID. It is a hash of its bytes, so this pins the generator: a change would give
    /// every existing client a "new" message.
    /// </summary>
    private const string LargeMessageUid = "f4fbb6b038dd6ef0533e8b2e6d96cbcf";

    static SampleMailboxTests() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);

    public static TheoryData<string> MessageNames { get; } = new(DemoMailbox.Sample.Messages.Select(static m => m.Name));

    [Theory]
    [MemberData(nameof(MessageNames))]
    public void EverySampleMessageIsWellFormedMime(string name)
    {
        var message = Parse(name);
        using var stream = new MemoryStream(Message(name).Content.ToArray());
        var boundaries = new MimeBoundaryCounter(stream);
        boundaries.ReadMessage(TestContext.Current.CancellationToken);

        Assert.NotNull(message.Body);
        Assert.Equal(boundaries.Multiparts, boundaries.EndBoundaries); // every multipart is closed
        Assert.Equal(Walk(message.Body).Count(static e => e is Multipart), boundaries.Multiparts);
        Assert.NotEmpty(message.From.Mailboxes);
        Assert.NotEmpty(message.To.Mailboxes);
        Assert.False(string.IsNullOrEmpty(message.MessageId));
        Assert.Equal(new Version(1, 0), message.MimeVersion);
        Assert.InRange(message.Date, new DateTimeOffset(2026, 10, 20, 0, 0, 0, TimeSpan.Zero), new DateTimeOffset(2026, 11, 27, 0, 0, 0, TimeSpan.Zero));
        foreach (var entity in Walk(message.Body))
        {
            switch (entity)
            {
                case Multipart multipart:
                    Assert.NotEmpty(multipart);
                    break;
                case TextPart text:
                    Assert.DoesNotContain('\uFFFD', text.Text); // The declared charset decodes every byte.
                    break;
                case MimePart part when part.ContentTransferEncoding == ContentEncoding.Base64:
                    var encoded = Encoding.ASCII.GetString(Raw(part)).ReplaceLineEndings(string.Empty);
                    Assert.NotEmpty(Convert.FromBase64String(encoded));
                    break;
            }
        }
    }

    [Fact]
    public void SampleHasAVariedRealisticSpreadOfMessages()
    {
        var messages = DemoMailbox.Sample.Messages.Select(static m => Parse(m.Name)).ToList();
        var dates = messages.Select(static m => m.Date).ToList();

        Assert.InRange(messages.Count, 15, 25);
        Assert.Equal(dates.Order(), dates); // Message numbers follow arrival order, as in a real maildrop.
        Assert.Equal(dates.Count, dates.Distinct().Count());
        Assert.True(dates[^1] - dates[0] >= TimeSpan.FromDays(21), "The dates span several weeks.");
        Assert.True(dates.Select(static d => d.Offset).Distinct().Count() >= 3, "Several time zones.");
        Assert.Contains(messages, static m => m.Importance == MessageImportance.High && m.XPriority == XMessagePriority.Highest);
        Assert.Contains(messages, static m => m.Importance == MessageImportance.Low);
        Assert.Contains(messages, static m => string.IsNullOrEmpty(m.Subject));
        Assert.Contains(messages, static m => m.Cc.Mailboxes.Count() >= 3);
    }

    [Theory]
    [InlineData("02-privet-utf8.eml", "utf-8", "=?UTF-8?B?", "Анна Смирнова", "Привет! Как дела?", "Давно не виделись. Как у тебя дела")]
    [InlineData("05-otchet-koi8r.eml", "koi8-r", "=?KOI8-R?B?", "Иван Петров", "Привет, отчёт за октябрь", "Отправляю отчёт за октябрь")]
    [InlineData("08-schet-windows1251.eml", "windows-1251", "=?windows-1251?Q?", "Бухгалтерия", "Привет из бухгалтерии: счёт на оплату", "Счёт № 318 от 3 ноября 2026 г.")]
    [InlineData("17-dogovor-attachment.eml", "utf-8", "=?UTF-8?B?", "Ольга Иванова", "Документы по договору №42", "Во вложении подписанный договор №42.")]
    public void RussianHeadersAndBodiesDecodeFromTheirCharsets(string name, string charset, string encodedWord, string from, string subject, string body)
    {
        var message = Parse(name);
        var text = message.BodyParts.OfType<TextPart>().First();
        var rawSubject = Encoding.ASCII.GetString(message.Headers.First(static h => h.Id == HeaderId.Subject).RawValue).Trim();

        Assert.Equal(from, message.From.Mailboxes.Single().Name);
        Assert.Equal(subject, message.Subject);
        Assert.StartsWith(encodedWord, rawSubject, StringComparison.Ordinal); // RFC 2047 in the file, not raw UTF-8.
        Assert.Equal(charset, text.ContentType.Charset, ignoreCase: true);
        Assert.Contains(body, text.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void Koi8RBodyIsStoredAsRawKoi8RBytes()
    {
        var content = Message("05-otchet-koi8r.eml").Content.ToArray();
        var koi8 = Encoding.GetEncoding("koi8-r").GetBytes("Добрый день!");

        Assert.True(content.AsSpan().IndexOf(koi8) > 0, "The body is 8-bit KOI8-R, as old Russian mailers send it.");
        Assert.True(content.AsSpan().IndexOf(Encoding.UTF8.GetBytes("Добрый")) < 0);
    }

    [Fact]
    public void NewsletterHasAnInlineCidImageAndRemoteImages()
    {
        var message = Parse("07-newsletter-html.eml");
        var html = message.HtmlBody ?? string.Empty;
        var logo = message.BodyParts.OfType<MimePart>().Single(static p => p.ContentId == "logo.7f3a@example.com");

        var body = Assert.IsType<MultipartAlternative>(message.Body);
        Assert.Contains(Walk(body), static e => e is MultipartRelated);
        Assert.Contains("src=\"cid:logo.7f3a@example.com\"", html, StringComparison.Ordinal);
        Assert.True(html.Split("<img src=\"https://example.com/").Length - 1 >= 4, "Remote images to block: banner, two photos, tracking pixel.");
        Assert.Contains("“block remote images”", html, StringComparison.Ordinal); // quoted-printable UTF-8 decoded
        Assert.Equal("image/png", logo.ContentType.MimeType);
        Assert.Equal((64, 64), FileFormats.AssertValidPng(Decode(logo)));
        Assert.False(string.IsNullOrWhiteSpace(message.TextBody));
    }

    [Fact]
    public void HostileMessageCarriesEveryAttackTheSanitizerMustRemove()
    {
        var html = Parse("14-hostile-html.eml").HtmlBody ?? string.Empty;

        foreach (var attack in new[]
        {
            "<script>", "onerror=", "onload=", "href=\"javascript:", "JaVaScRiPt:", "data:text/html", "url(javascript:",
            "<iframe", "<object", "<embed", "<form", "type=\"password\"", "http-equiv=\"refresh\"", "<base ", "<link ", "<style>",
        })
        {
            Assert.Contains(attack, html, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void AttachmentsAreRealPdfAndPngFiles()
    {
        var message = Parse("10-invoice-attachments.eml");
        var attachments = message.Attachments.OfType<MimePart>().ToList();
        var pdf = attachments.Single(static a => a.FileName == "invoice-2026-117.pdf");
        var png = attachments.Single(static a => a.FileName == "hours-per-milestone.png");

        Assert.Equal("application/pdf", pdf.ContentType.MimeType);
        FileFormats.AssertValidPdf(Decode(pdf), "Invoice 2026-117");
        Assert.Equal("image/png", png.ContentType.MimeType);
        Assert.Equal((128, 80), FileFormats.AssertValidPng(Decode(png)));
    }

    [Fact]
    public void RussianAttachmentNameDecodesFromRfc2231()
    {
        var attachment = Parse("17-dogovor-attachment.eml").Attachments.OfType<MimePart>().Single();

        Assert.Equal("Договор №42.pdf", attachment.FileName);
        FileFormats.AssertValidPdf(Decode(attachment), "Contract 42");
    }

    [Fact]
    public void ForwardedMessageIsAnAttachedRfc822Message()
    {
        var forwarded = Parse("12-fwd-maintenance.eml").Attachments.OfType<MessagePart>().Single();

        Assert.NotNull(forwarded.Message);
        Assert.Equal("Server maintenance window.eml", forwarded.ContentDisposition?.FileName);
        Assert.Equal("Server maintenance window on Saturday", forwarded.Message.Subject);
        Assert.Equal("it-ops@example.com", forwarded.Message.From.Mailboxes.Single().Address);
        Assert.Contains("mail is queued, not lost", forwarded.Message.TextBody ?? string.Empty, StringComparison.Ordinal);
    }

    [Fact]
    public void ThreadRepliesReferenceTheirAncestors()
    {
        var thread = DemoMailbox.Sample.Messages.Select(static m => Parse(m.Name))
            .Where(static m => m.Subject?.EndsWith("Q4 offsite planning", StringComparison.Ordinal) == true)
            .OrderBy(static m => m.Date)
            .ToList();

        Assert.Equal(6, thread.Count);
        Assert.Null(thread[0].InReplyTo);
        Assert.Empty(thread[0].References);
        for (var i = 1; i < thread.Count; i++)
        {
            Assert.Equal("Re: Q4 offsite planning", thread[i].Subject);
            Assert.Equal(thread[i - 1].MessageId, thread[i].InReplyTo);
            Assert.Equal(thread.Take(i).Select(static m => m.MessageId), thread[i].References);
        }
    }

    [Fact]
    public void DotLinesMessageHasLinesThatNeedStuffing()
    {
        var text = (Parse("13-dot-lines.eml").TextBody ?? string.Empty).ReplaceLineEndings("\n");

        Assert.Contains("\n.\n", text, StringComparison.Ordinal);
        Assert.Contains("\n..\n", text, StringComparison.Ordinal);
        Assert.Contains("\n.gitignore:\n", text, StringComparison.Ordinal);
        Assert.EndsWith("\n.\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public void LargeMessageIsGeneratedWithAMultiMegabyteAttachment()
    {
        var large = DemoMailbox.Sample.Messages.Single(static m => m.Size > 1_000_000);
        var attachment = Parse(large.Name).Attachments.OfType<MimePart>().Single();
        var csv = Encoding.ASCII.GetString(Decode(attachment)).Split('\n');

        Assert.DoesNotContain(large.Name, SampleFiles.Names); // Built at run time: the repository stays small.
        Assert.InRange(large.Size, 2_000_000, 5_000_000);
        Assert.Equal(LargeMessageUid, large.Uid);
        Assert.Equal("sensor-measurements-2026-q3.csv", attachment.FileName);
        Assert.Equal("timestamp,sensor,temperature_c,humidity_pct,pressure_hpa", csv[0]);
        Assert.Equal((92 * 24 * 6 * 4) + 2, csv.Length); // header, four sensors every 10 minutes for 92 days, final empty
        Assert.Matches(@"^2026-07-01T00:00:00Z,sensor-01,\d+\.\d\d,\d+\.\d\d,\d+\.\d\d$", csv[1]);
    }

    [Fact]
    public void EmbeddedSampleIsTheShippedFilesPlusTheGeneratedMessage()
    {
        var embedded = DemoMailbox.Sample.Messages.Where(static m => m.Size < 1_000_000).ToList();

        Assert.Equal(SampleFiles.Names, embedded.Select(static m => m.Name));
        foreach (var message in embedded)
        {
            Assert.Equal(SampleFiles.ReadCrlf(message.Name), message.Content.ToArray());
        }
    }

    [Fact]
    public void UidsAreHashesOfNameAndContent()
    {
        foreach (var message in DemoMailbox.Sample.Messages)
        {
            var input = Encoding.UTF8.GetBytes(message.Name).Concat(new byte[] { 0 }).Concat(message.Content.ToArray()).ToArray();
            var expected = Convert.ToHexStringLower(SHA256.HashData(input))[..32];

            Assert.Equal(expected, message.Uid);
        }
    }

    private static DemoMessage Message(string name) => DemoMailbox.Sample.Messages.Single(m => m.Name == name);

    private static MimeMessage Parse(string name)
    {
        using var stream = new MemoryStream(Message(name).Content.ToArray());
        return MimeMessage.Load(stream, TestContext.Current.CancellationToken);
    }

    private static IEnumerable<MimeEntity> Walk(MimeEntity entity)
    {
        yield return entity;
        var children = entity switch
        {
            Multipart multipart => multipart.AsEnumerable(),
            MessagePart { Message.Body: { } body } => [body],
            _ => [],
        };
        foreach (var descendant in children.SelectMany(Walk))
        {
            yield return descendant;
        }
    }

    private static byte[] Decode(MimePart part)
    {
        Assert.NotNull(part.Content);
        using var decoded = new MemoryStream();
        part.Content.DecodeTo(decoded, TestContext.Current.CancellationToken);
        return decoded.ToArray();
    }

    private static byte[] Raw(MimePart part)
    {
        Assert.NotNull(part.Content);
        using var raw = new MemoryStream();
        part.Content.WriteTo(raw, TestContext.Current.CancellationToken);
        return raw.ToArray();
    }
}
