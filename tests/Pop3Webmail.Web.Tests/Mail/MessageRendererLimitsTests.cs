using System.Text;
using MimeKit;
using Pop3Webmail.Web.Mail;

namespace Pop3Webmail.Web.Tests.Mail;

/// <summary>Bodies are rendered up to a ceiling, and the CPU work of rendering leaves the caller's context.</summary>
public sealed class MessageRendererLimitsTests
{
    [Fact]
    public void AnHtmlBodyOverTheCeilingIsCutThereAndSaysSo()
    {
        var renderer = MailFixtures.CreateRenderer(new MailRenderingOptions { MaxHtmlBodyBytes = 1000 });
        var html = "<p>start</p>" + string.Concat(Enumerable.Repeat("<p>filler paragraph</p>", 1000)) + "<p>the end</p>";

        var view = renderer.Render(MailFixtures.HtmlMessage(html));

        Assert.True(view.Truncated);
        Assert.Contains("<p>start</p>", view.Html!.Document, StringComparison.Ordinal);
        Assert.DoesNotContain("the end", view.Html.Document, StringComparison.Ordinal);
        Assert.InRange(view.Html.Document.Length, 1000, 2000 + view.Html.Document.IndexOf("<body>", StringComparison.Ordinal));
    }

    [Fact]
    public void ABodyExactlyAtTheCeilingIsWhole()
    {
        // Ten characters and the line break: twelve bytes.
        var renderer = MailFixtures.CreateRenderer(new MailRenderingOptions { MaxTextBodyBytes = 12 });

        var view = renderer.Render(MailFixtures.Parse("Content-Type: text/plain; charset=us-ascii", string.Empty, "0123456789"));

        Assert.False(view.Truncated);
        Assert.Equal("0123456789\n", Assert.Single(view.Text!.Segments).Text);
    }

    [Fact]
    public void ATextBodyOverTheCeilingIsCutThereAndSaysSo()
    {
        var renderer = MailFixtures.CreateRenderer(new MailRenderingOptions { MaxTextBodyBytes = 10 });

        var view = renderer.Render(MailFixtures.Parse("Content-Type: text/plain; charset=us-ascii", string.Empty, "0123456789abc"));

        Assert.True(view.Truncated);
        Assert.Equal("0123456789", Assert.Single(view.Text!.Segments).Text);
    }

    [Fact]
    public void ACutThroughAUtf8CharacterDropsItsHalfInsteadOfMisreadingTheWholeBody()
    {
        // 11 bytes of five two-byte letters: the cut leaves half of the sixth, which must not make the text look
        // like invalid UTF-8 (and so like windows-1251).
        var renderer = MailFixtures.CreateRenderer(new MailRenderingOptions { MaxTextBodyBytes = 11 });
        var raw = MailFixtures.Concat("Content-Type: text/plain\r\nContent-Transfer-Encoding: 8bit\r\n\r\n", Encoding.UTF8.GetBytes("жжжжжжжжжж\r\n"));

        var view = renderer.Render(MailFixtures.Parse(raw));

        Assert.True(view.Truncated);
        Assert.Equal("жжжжж", Assert.Single(view.Text!.Segments).Text);
    }

    [Fact]
    public void AQuotedPrintableBodyIsMeasuredAfterDecoding()
    {
        // Twelve bytes on the wire, "ABCD" and the line break (six bytes) decoded.
        var renderer = MailFixtures.CreateRenderer(new MailRenderingOptions { MaxTextBodyBytes = 6 });
        var raw = MailFixtures.Parse(
            "Content-Type: text/plain; charset=us-ascii",
            "Content-Transfer-Encoding: quoted-printable",
            string.Empty,
            "=41=42=43=44");

        var view = renderer.Render(raw);

        Assert.False(view.Truncated);
        Assert.Equal("ABCD\n", Assert.Single(view.Text!.Segments).Text);
    }

    [Fact]
    public void WithinTheCeilingNothingIsCut()
    {
        var view = MailFixtures.Renderer.Render(MailFixtures.HtmlMessage("<p>Hello</p>"));

        Assert.False(view.Truncated);
    }

    [Fact]
    public async Task RenderAsyncDoesTheWorkOffTheCallersSynchronizationContext()
    {
        var content = new ObservedStream(Encoding.ASCII.GetBytes("<p>Hello</p>"));
        var message = new MimeMessage { Body = new TextPart("html") { Content = new MimeContent(content) } };
        var circuitContext = new SynchronizationContext();
        var previous = SynchronizationContext.Current;
        SynchronizationContext.SetSynchronizationContext(circuitContext);
        Task<MailMessageView> rendering;
        try
        {
            rendering = MailFixtures.Renderer.RenderAsync(message, cancellationToken: TestContext.Current.CancellationToken);
        }
        finally
        {
            SynchronizationContext.SetSynchronizationContext(previous);
        }

        var view = await rendering;

        Assert.Contains("<p>Hello</p>", view.Html!.Document, StringComparison.Ordinal);
        Assert.NotEmpty(content.ContextsSeen);
        Assert.DoesNotContain(circuitContext, content.ContextsSeen);
    }

    [Fact]
    public async Task RenderAsyncGivesWhatRenderGives()
    {
        var message = MailFixtures.HtmlMessage("<p style=\"color:red\">Hi <img src=\"https://tracker.example/p.gif\"></p>");

        var view = await MailFixtures.Renderer.RenderAsync(message, showRemoteContent: false, TestContext.Current.CancellationToken);

        Assert.Equal(MailFixtures.Renderer.Render(message).Html, view.Html);
        Assert.True(view.RemoteContentBlocked);
    }

    /// <summary>Remembers the synchronization context of every read: where the renderer did its work.</summary>
    private sealed class ObservedStream(byte[] bytes) : MemoryStream(bytes, writable: false)
    {
        public List<SynchronizationContext?> ContextsSeen { get; } = [];

        public override int Read(byte[] buffer, int offset, int count)
        {
            ContextsSeen.Add(SynchronizationContext.Current);
            return base.Read(buffer, offset, count);
        }

        public override int Read(Span<byte> buffer)
        {
            ContextsSeen.Add(SynchronizationContext.Current);
            return base.Read(buffer);
        }
    }
}
