using MimeKit;
using Pop3Webmail.Web.Mail;

namespace Pop3Webmail.Web.Tests.Mail;

/// <summary>Body selection, inline images, attachments and header fields.</summary>
public class MessageRendererStructureTests
{
    private static readonly string PngBase64 = Convert.ToBase64String(MailFixtures.Png);

    [Fact]
    public void AlternativeMessageShowsBothBodiesAndNoAttachments()
    {
        var message = MailFixtures.Parse(
            "Content-Type: multipart/alternative; boundary=alt",
            string.Empty,
            "--alt",
            "Content-Type: text/plain; charset=utf-8",
            string.Empty,
            "Plain version",
            "--alt",
            "Content-Type: text/enriched; charset=utf-8",
            string.Empty,
            "<bold>Enriched version</bold>",
            "--alt",
            "Content-Type: text/html; charset=utf-8",
            string.Empty,
            "<p>HTML version</p>",
            "--alt--");

        var view = MailFixtures.Renderer.Render(message);

        Assert.Equal("Plain version", string.Concat(view.Text!.Segments.Select(s => s.Text)));
        Assert.Contains("<p>HTML version</p>", view.Html!.Document, StringComparison.Ordinal);
        Assert.Empty(view.Attachments);
    }

    [Fact]
    public void InlineImageIsEmbeddedFromTheMessageAndNotListed()
    {
        var view = MailFixtures.Renderer.Render(RelatedMessage(
            "<p><img src=\"cid:logo@example.org\" alt=\"logo\"></p><table><tr><td style=\"background-image:url(cid:logo@example.org)\">x</td></tr></table>",
            ("image/png", "logo@example.org", PngBase64)));

        var dataUrl = "data:image/png;base64," + PngBase64;
        Assert.Contains($"<img src=\"{dataUrl}\" alt=\"logo\">", view.Html!.Document, StringComparison.Ordinal);
        Assert.Contains($"url(&quot;{dataUrl}&quot;)", view.Html.Document, StringComparison.Ordinal);
        Assert.Empty(view.Attachments);
        Assert.False(view.RemoteContentBlocked);
        Assert.Empty(SanitizedHtmlInspector.Inspect(view.Html.Document, remoteContentAllowed: false));
    }

    [Fact]
    public void InlineImageResolvesEvenWithUrlEncodedContentId()
    {
        var view = MailFixtures.Renderer.Render(RelatedMessage(
            "<img src=\"cid:part1%40example.org\">",
            ("image/gif", "part1@example.org", PngBase64)));

        Assert.Contains("src=\"data:image/gif;base64,", view.Html!.Document, StringComparison.Ordinal);
    }

    [Fact]
    public void UnreferencedInlineImageIsListedAsAttachment()
    {
        var view = MailFixtures.Renderer.Render(RelatedMessage("<p>no image here</p>", ("image/png", "unused@example.org", PngBase64)));

        var attachment = Assert.Single(view.Attachments);
        Assert.Equal("image/png", attachment.ContentType);
        Assert.True(attachment.IsPreviewable);
    }

    [Theory]
    [InlineData("image/svg+xml")]
    [InlineData("text/html")]
    [InlineData("application/octet-stream")]
    public void InlinePartThatIsNoRasterImageIsNotEmbedded(string contentType)
    {
        var view = MailFixtures.Renderer.Render(RelatedMessage("<img src=\"cid:x@example.org\">", (contentType, "x@example.org", PngBase64)));

        Assert.DoesNotContain("src=\"data:", view.Html!.Document, StringComparison.Ordinal);
        Assert.Equal(contentType, Assert.Single(view.Attachments).ContentType);
        Assert.False(view.Attachments[0].IsPreviewable);
    }

    [Fact]
    public void InlineImageOverTheSizeLimitStaysAnAttachment()
    {
        var renderer = MailFixtures.CreateRenderer(new MailRenderingOptions { MaxInlineImageBytes = MailFixtures.Png.Length - 1 });

        var view = renderer.Render(RelatedMessage("<img src=\"cid:big@example.org\">", ("image/png", "big@example.org", PngBase64)));

        Assert.DoesNotContain("src=\"data:", view.Html!.Document, StringComparison.Ordinal);
        Assert.Equal(MailFixtures.Png.Length, Assert.Single(view.Attachments).Size);
    }

    [Fact]
    public void InlineImagesStopAtTheTotalLimit()
    {
        var renderer = MailFixtures.CreateRenderer(new MailRenderingOptions { MaxInlineImagesTotalBytes = MailFixtures.Png.Length });

        var view = renderer.Render(RelatedMessage(
            "<img src=\"cid:a@example.org\"><img src=\"cid:b@example.org\"><img src=\"cid:a@example.org\">",
            ("image/png", "a@example.org", PngBase64),
            ("image/png", "b@example.org", PngBase64)));

        Assert.Equal(2, CountOccurrences(view.Html!.Document, "data:image/png;base64,"));
        Assert.Equal(2, Assert.Single(view.Attachments).BodyPartIndex);
    }

    [Fact]
    public void AttachmentsCarryNameTypeDecodedSizeAndBodyPartIndex()
    {
        var pdf = "%PDF-1.4 test document"u8.ToArray();
        var zip = new byte[] { 0x50, 0x4B, 0x03, 0x04, 0, 0, 0 };
        var message = MailFixtures.Parse(
            "Content-Type: multipart/mixed; boundary=mix",
            string.Empty,
            "--mix",
            "Content-Type: text/plain; charset=us-ascii",
            string.Empty,
            "Body",
            "--mix",
            "Content-Type: application/pdf; name=report.pdf",
            "Content-Disposition: attachment; filename=report.pdf",
            "Content-Transfer-Encoding: base64",
            string.Empty,
            Convert.ToBase64String(pdf),
            "--mix",
            "Content-Type: application/zip",
            "Content-Disposition: attachment; filename=\"archive.zip\"",
            "Content-Transfer-Encoding: base64",
            string.Empty,
            Convert.ToBase64String(zip),
            "--mix",
            "Content-Type: image/png",
            "Content-Transfer-Encoding: base64",
            string.Empty,
            PngBase64,
            "--mix--");

        var view = MailFixtures.Renderer.Render(message);

        Assert.Equal(
            [
                new MailAttachment(1, "report.pdf", "application/pdf", pdf.Length, IsPreviewable: false), // a download, never shown on this origin
                new MailAttachment(2, "archive.zip", "application/zip", zip.Length, IsPreviewable: false),
                new MailAttachment(3, "part-4.png", "image/png", MailFixtures.Png.Length, IsPreviewable: true),
            ],
            view.Attachments);
        Assert.Same(message.BodyParts.ElementAt(2), MailFixtures.Renderer.FindPart(message, 2)!.Entity);
    }

    [Fact]
    public async Task FoundPartWritesItsDecodedContent()
    {
        var message = RelatedMessage("<p>x</p>", ("image/png", "img@example.org", PngBase64));
        var index = Assert.Single(MailFixtures.Renderer.Render(message).Attachments).BodyPartIndex;

        var part = MailFixtures.Renderer.FindPart(message, index);
        using var destination = new MemoryStream();
        await part!.WriteToAsync(destination, TestContext.Current.CancellationToken);

        Assert.Equal(MailFixtures.Png, destination.ToArray());
        Assert.Equal("image/png", part.Description.ContentType);
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(3)]
    public void FindPartOutsideTheMessageIsNull(int index)
    {
        var message = RelatedMessage("<p>x</p>", ("image/png", "img@example.org", PngBase64));

        Assert.Null(MailFixtures.Renderer.FindPart(message, index));
    }

    [Fact]
    public async Task AttachedMessageIsListedAsEmlWithItsFullSize()
    {
        var inner = "From: a@example.org\r\nSubject: Forwarded note\r\n\r\nInner body\r\n";
        var message = MailFixtures.Parse(
            "Content-Type: multipart/mixed; boundary=mix",
            string.Empty,
            "--mix",
            "Content-Type: text/plain",
            string.Empty,
            "See below",
            "--mix",
            "Content-Type: message/rfc822",
            string.Empty,
            inner.TrimEnd(),
            "--mix--");

        var attachment = Assert.Single(MailFixtures.Renderer.Render(message).Attachments);
        using var written = new MemoryStream();
        await MailFixtures.Renderer.FindPart(message, attachment.BodyPartIndex)!.WriteToAsync(written, TestContext.Current.CancellationToken);

        Assert.Equal("Forwarded note.eml", attachment.FileName);
        Assert.Equal("message/rfc822", attachment.ContentType);
        Assert.Equal(written.Length, attachment.Size);
        Assert.Contains("Inner body", System.Text.Encoding.ASCII.GetString(written.ToArray()), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("..\\..\\Windows\\evil.exe", "evil.exe")]
    [InlineData("/etc/passwd", "passwd")]
    [InlineData("invoice\u202Efdp.exe", "invoicefdp.exe")]
    [InlineData("a\u0007b:c.txt", "ab_c.txt")]
    [InlineData("...", "part-2.bin")]
    public void AttachmentNamesAreMadeSafe(string sent, string expected)
    {
        var message = new MimeMessage();
        var attachment = new MimePart("application", "x-test") { FileName = sent, Content = new MimeContent(new MemoryStream([1, 2, 3])) };
        message.Body = new Multipart("mixed") { new TextPart("plain") { Text = "body" }, attachment };

        Assert.Equal(expected, Assert.Single(MailFixtures.Renderer.Render(message).Attachments).FileName);
    }

    [Fact]
    public void HeaderFieldsAreDecodedAndCleaned()
    {
        var message = MailFixtures.Parse(
            "From: \"Sender, Jr.\" <sender@example.org>",
            "To: one@example.org, Two <two@example.org>",
            "Cc: Team: alice@example.org, bob@example.org;, undisclosed-recipients:;",
            "Reply-To: replies@example.org",
            "Date: Tue, 04 Mar 2025 10:15:00 +0300",
            "Subject: =?utf-8?B?" + Convert.ToBase64String("Счёт\u202E gpj.exe\u0007"u8.ToArray()) + "?=",
            string.Empty,
            "body");

        var headers = MailFixtures.Renderer.Render(message).Headers;

        Assert.Equal("Счёт gpj.exe", headers.Subject);
        Assert.Equal([new MailMailbox("Sender, Jr.", "sender@example.org")], headers.From);
        Assert.Equal([new MailMailbox(string.Empty, "one@example.org"), new MailMailbox("Two", "two@example.org")], headers.To);
        Assert.Equal(
            [new MailMailbox(string.Empty, "alice@example.org"), new MailMailbox(string.Empty, "bob@example.org"), new MailMailbox("undisclosed-recipients", string.Empty)],
            headers.Cc);
        Assert.Equal("replies@example.org", Assert.Single(headers.ReplyTo).Address);
        Assert.Equal(new DateTimeOffset(2025, 3, 4, 10, 15, 0, TimeSpan.FromHours(3)), headers.Date);
        Assert.Equal("Two <two@example.org>", headers.To[1].ToString());
    }

    [Fact]
    public void MissingOrBrokenDateIsNull()
    {
        Assert.Null(MailFixtures.Renderer.Render(MailFixtures.Parse("Subject: x", string.Empty, "b")).Headers.Date);
        Assert.Null(MailFixtures.Renderer.Render(MailFixtures.Parse("Date: yesterday-ish", string.Empty, "b")).Headers.Date);
    }

    [Fact]
    public void MessageWithOnlyAnAttachmentHasNoBodies()
    {
        var message = MailFixtures.Parse(
            "Content-Type: application/pdf; name=a.pdf",
            "Content-Transfer-Encoding: base64",
            string.Empty,
            Convert.ToBase64String("%PDF"u8.ToArray()));

        var view = MailFixtures.Renderer.Render(message);

        Assert.Null(view.Text);
        Assert.Null(view.Html);
        Assert.Equal("a.pdf", Assert.Single(view.Attachments).FileName);
    }

    [Fact]
    public void DeeplyNestedMultipartsRenderWithoutExhaustingTheStack()
    {
        var message = new MimeMessage();
        var innermost = new Multipart("mixed") { new TextPart("plain") { Text = "deep" } };
        var current = innermost;
        for (var i = 0; i < 2000; i++)
        {
            current = new Multipart("mixed") { current };
        }

        message.Body = current;

        var view = MailFixtures.Renderer.Render(message);

        Assert.Null(view.Text);
        Assert.Single(view.Attachments);
    }

    [Fact]
    public async Task OneRendererServesConcurrentRendersWithoutSharingState()
    {
        // A parsed message is one reader's at a time (the session serializes reads of it); the renderer is shared.
        var results = await Task.WhenAll(Enumerable.Range(0, 64).Select(i => Task.Run(
            () => (Index: i, View: MailFixtures.Renderer.Render(i % 2 == 0
                ? MailFixtures.HtmlMessage("<img src=\"https://evil.example/a.png\">")
                : MailFixtures.HtmlMessage("<p>clean</p>"))),
            TestContext.Current.CancellationToken)));

        Assert.All(results, r => Assert.Equal(r.Index % 2 == 0, r.View.RemoteContentBlocked));
        Assert.All(results.Where(r => r.Index % 2 == 1), r => Assert.Contains("<p>clean</p>", r.View.Html!.Document, StringComparison.Ordinal));
    }

    private static MimeMessage RelatedMessage(string html, params (string ContentType, string ContentId, string Base64)[] images)
    {
        var lines = new List<string>
        {
            "Content-Type: multipart/related; boundary=rel; type=\"text/html\"",
            string.Empty,
            "--rel",
            "Content-Type: text/html; charset=utf-8",
            string.Empty,
            html,
        };
        foreach (var image in images)
        {
            lines.AddRange(["--rel", $"Content-Type: {image.ContentType}", $"Content-ID: <{image.ContentId}>", "Content-Transfer-Encoding: base64", string.Empty, image.Base64]);
        }

        lines.Add("--rel--");
        return MailFixtures.Parse([.. lines]);
    }

    private static int CountOccurrences(string text, string value)
    {
        var count = 0;
        for (var index = text.IndexOf(value, StringComparison.Ordinal); index >= 0; index = text.IndexOf(value, index + 1, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }
}
