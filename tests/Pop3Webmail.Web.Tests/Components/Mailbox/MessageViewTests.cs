using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using Pop3Webmail.Web.Components.Mailbox;
using Pop3Webmail.Web.Session;
using Pop3Webmail.Web.Tests.Mail;
using Pop3Webmail.Web.Tests.Support;

namespace Pop3Webmail.Web.Tests.Components.Mailbox;

public sealed class MessageViewTests : WebmailComponentTest
{
    private static readonly InboxItem[] Messages =
    [
        FakeMailboxSession.Summary(3, "Newsletter"),
        FakeMailboxSession.Summary(2, "Quarterly report", attachments: true),
        FakeMailboxSession.Summary(1, "First"),
    ];

    private readonly List<string> _events = [];

    public MessageViewTests()
    {
        foreach (var summary in Messages)
        {
            Session.MessageSources[summary.Key] =
                "From: Alice Example <alice@example.test>\r\nTo: Bob <bob@example.test>\r\nCc: Carol <carol@example.test>\r\n"
                + "Subject: " + summary.Subject + "\r\nDate: Mon, 02 Feb 2026 10:00:00 +0000\r\nMIME-Version: 1.0\r\n"
                + "Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
                + "Hello from " + summary.Subject + ", see https://example.test/x\r\n--b\r\n"
                + "Content-Type: application/pdf; name=report.pdf\r\nContent-Disposition: attachment; filename=report.pdf\r\n"
                + "Content-Transfer-Encoding: base64\r\n\r\nJVBERi0xLjQK\r\n--b--\r\n";
        }

        Session.MessageSources["uid-3"] =
            "From: News <news@example.test>\r\nSubject: Newsletter\r\nMIME-Version: 1.0\r\nContent-Type: text/html; charset=utf-8\r\n\r\n"
            + "<html><body><h1>Big news</h1><p style=\"color:#123456\">Read on.</p></body></html>\r\n";
    }

    [Fact]
    public void TheMessageShowsHeadersBodyAndAttachments()
    {
        using var culture = new CultureScope("en");
        SignIn(false, Messages);

        var cut = RenderView("uid-2");

        Assert.Equal("Quarterly report", cut.Find("h2.message-subject").TextContent);
        Assert.Equal("message-subject", cut.Find("article.message-view").GetAttribute("aria-labelledby"));
        Assert.Equal("Alice Example <alice@example.test>", cut.Find(".message-from").TextContent);
        Assert.Equal("Bob <bob@example.test>", cut.Find(".message-to").TextContent);
        Assert.Equal("Carol <carol@example.test>", cut.Find(".message-cc").TextContent);
        Assert.Contains("Hello from Quarterly report", cut.Find(".mail-text-body").TextContent, StringComparison.Ordinal);
        Assert.Equal("https://example.test/x", cut.Find(".mail-text-body a").GetAttribute("href"));
        Assert.Equal("report.pdf", cut.Find(".mail-attachment-name").TextContent);
        Assert.Contains("Open uid-2", Session.Calls);
    }

    [Fact]
    public void WhileTheMessageLoadsItShowsTheListedSubjectAndProgress()
    {
        using var culture = new CultureScope("en");
        SignIn(false, Messages);
        var pending = new TaskCompletionSource<OpenedMessage>();
        Session.Open = _ => pending.Task;

        var cut = RenderView("uid-2", waitUntilLoaded: false);

        Assert.Equal("Quarterly report", cut.Find(".message-subject").TextContent);
        Assert.Equal("status", cut.Find(".message-loading").GetAttribute("role"));
        Assert.Contains("Loading the message", cut.Find(".message-loading").TextContent, StringComparison.Ordinal);
        pending.SetException(new MailboxException(MailboxErrorKind.MessageUnavailable));
        cut.WaitForAssertion(() => Assert.Equal("This message is no longer available.", cut.Find(".message-error span").TextContent));
    }

    [Fact]
    public async Task AMessageThatArrivesAfterTheReaderMovedOnIsNotShown()
    {
        SignIn(false, Messages);
        var slow = new TaskCompletionSource<OpenedMessage>();
        Session.Open = key => key == "uid-2" ? slow.Task : Session.Opened(key, Session.MessageSources[key]);
        var cut = RenderView("uid-2", waitUntilLoaded: false);

        cut.Render(p => p.Add(x => x.Key, "uid-1"));
        cut.WaitForAssertion(() => Assert.Equal("First", cut.Find(".message-subject").TextContent));
        slow.SetResult(await Session.Opened("uid-2", Session.MessageSources["uid-2"], Xunit.TestContext.Current.CancellationToken));

        cut.WaitForAssertion(() => Assert.Equal("First", cut.Find(".message-subject").TextContent));
    }

    [Fact]
    public void ALostConnectionOffersToTryAgain()
    {
        using var culture = new CultureScope("en");
        SignIn(false, Messages);
        Session.Status = MailboxSessionStatus.ConnectionLost;
        Session.Open = _ => Task.FromException<OpenedMessage>(new MailboxException(MailboxErrorKind.ConnectionLost));

        var cut = RenderView("uid-2");
        Assert.Equal("The connection to the mail server was lost.", cut.Find(".message-error span").TextContent);
        Session.Open = null;
        Session.Status = MailboxSessionStatus.Ready;
        cut.Find(".message-retry").Click();

        cut.WaitForAssertion(() => Assert.Equal("Quarterly report", cut.Find("h2.message-subject").TextContent));
    }

    [Fact]
    public void DeleteMarksItAndTellsThePage()
    {
        SignIn(false, Messages);
        var cut = RenderView("uid-2");

        cut.Find(".message-delete").Click();

        cut.WaitForAssertion(() => Assert.Equal(["deleted uid-2"], _events));
        Assert.Contains("Delete uid-2", Session.Calls);
    }

    [Fact]
    public void AFailedDeleteStaysOnTheMessageAndSaysWhy()
    {
        using var culture = new CultureScope("en");
        SignIn(false, Messages);
        var cut = RenderView("uid-2");
        Session.NextFailure = new MailboxException(MailboxErrorKind.ConnectionLost);

        cut.Find(".message-delete").Click();

        cut.WaitForAssertion(() => Assert.Equal("The connection to the mail server was lost.", cut.Find(".message-error span").TextContent));
        Assert.Empty(_events);
    }

    [Fact]
    public void AMarkedMessageIsNotFetchedAndOffersUndo()
    {
        using var culture = new CultureScope("en");
        SignIn(false, Messages);
        Session.Pending = Session.Pending.Add("uid-2");

        var cut = RenderView("uid-2");

        Assert.DoesNotContain("Open uid-2", Session.Calls);
        Assert.Empty(cut.FindAll(".message-delete"));
        Assert.Equal("Quarterly report", cut.Find(".message-subject").TextContent);
        Assert.Equal("This message will be deleted when you sign out.", cut.Find(".message-pending .mud-alert-message").TextContent.Trim());

        cut.Find(".message-undo").Click();

        cut.WaitForAssertion(() => Assert.Equal(["undone uid-2"], _events));
        Assert.Contains("Undo uid-2", Session.Calls);
        cut.WaitForAssertion(() => Assert.Contains("Hello from Quarterly report", cut.Find(".mail-text-body").TextContent, StringComparison.Ordinal));
    }

    [Fact]
    public void AReadOnlyMailboxShowsNoDelete()
    {
        SignIn(true, Messages);

        var cut = RenderView("uid-2");

        Assert.Empty(cut.FindAll(".message-delete"));
        Assert.NotEmpty(cut.FindAll(".message-download"));
    }

    [Fact]
    public void PreviousNextAndBackAreThePagesToDecide()
    {
        SignIn(false, Messages);
        var cut = RenderView("uid-2", hasPrevious: false);

        Assert.True(cut.Find(".message-previous").HasAttribute("disabled"));
        cut.Find(".message-next").Click();
        cut.Find(".message-back").Click();
        cut.Find(".mail-text-body").KeyDown("Escape");

        cut.WaitForAssertion(() => Assert.Equal(["step 1", "close", "close"], _events));
    }

    [Fact]
    public void DownloadEmlStartsABrowserDownloadWithoutLeavingThePage()
    {
        SignIn(false, Messages);
        var navigation = Services.GetRequiredService<NavigationManager>();
        var before = navigation.Uri;
        var cut = RenderView("uid-2");

        cut.Find(".message-download").Click();

        cut.WaitForAssertion(() => Assert.Equal("download/token-for-uid-2-raw", JSInterop.VerifyInvoke("pop3webmail.download").Arguments.Single()));
        Assert.Contains("Link " + DownloadTarget.RawMessage("uid-2"), Session.Calls);
        Assert.Equal(before, navigation.Uri);
    }

    [Fact]
    public void ViewSourceShowsTheRawMessageAndToggles()
    {
        SignIn(false, Messages);
        var cut = RenderView("uid-2");

        cut.Find(".message-source-toggle").Click();
        cut.WaitForAssertion(() => Assert.Contains("Subject: Quarterly report", cut.Find("pre.message-source").TextContent, StringComparison.Ordinal));
        Assert.Equal("0", cut.Find("pre.message-source").GetAttribute("tabindex")); // a scrolled region a keyboard can reach
        Assert.Empty(cut.FindAll(".mail-text-body"));

        cut.Find(".message-source-toggle").Click();
        cut.WaitForAssertion(() => Assert.Empty(cut.FindAll("pre.message-source")));
    }

    [Fact]
    public void PrintingAnHtmlMessageHandsTheBrowserItsSanitizedDocument()
    {
        SignIn(false, Messages);
        var cut = RenderView("uid-3");

        cut.Find(".message-print").Click();

        cut.WaitForAssertion(() => JSInterop.VerifyInvoke("pop3webmail.print"));
        var document = Assert.IsType<string>(JSInterop.VerifyInvoke("pop3webmail.print").Arguments.Single());
        Assert.Contains("Big news", document, StringComparison.Ordinal);
        Assert.Contains("Content-Security-Policy", document, StringComparison.Ordinal);
    }

    [Fact]
    public void PrintingATextMessagePrintsThePage()
    {
        SignIn(false, Messages);
        var cut = RenderView("uid-2");

        cut.Find(".message-print").Click();

        cut.WaitForAssertion(() => Assert.Null(JSInterop.VerifyInvoke("pop3webmail.print").Arguments.Single()));
    }

    [Fact]
    public void OnNarrowPanesTheToolbarFoldsIntoAMenu()
    {
        using var culture = new CultureScope("en");
        SignIn(false, Messages);

        var cut = RenderView("uid-2");

        // Both are in the page; the pane's width decides which shows (a container query in app.css).
        Assert.NotNull(cut.Find(".toolbar-wide .message-print"));
        Assert.Equal("More actions", cut.Find(".toolbar-narrow .message-more button").GetAttribute("aria-label"));
    }

    [Fact]
    public void TheMessageViewSpeaksRussian()
    {
        using var culture = new CultureScope("ru");
        SignIn(false, Messages);

        var cut = RenderView("uid-2");

        Assert.Equal(["От", "Кому", "Копия", "Дата", "Размер"], cut.FindAll(".message-headers dt").Select(d => d.TextContent));
        Assert.Equal("Удалить", cut.Find(".message-delete").GetAttribute("aria-label"));
        Assert.Equal("Другие действия", cut.Find(".message-more button").GetAttribute("aria-label"));
    }

    [Fact]
    public void EveryIconButtonHasAnAccessibleName()
    {
        SignIn(false, Messages);

        var cut = RenderView("uid-2");

        Assert.All(cut.FindAll(".mud-icon-button"), b => Assert.False(string.IsNullOrWhiteSpace(b.GetAttribute("aria-label"))));
    }

    /// <summary>Renders the view of a message and, unless told not to, waits until it has loaded (rendering runs off the renderer's thread).</summary>
    private IRenderedComponent<MessageView> RenderView(string key, bool hasPrevious = true, bool waitUntilLoaded = true)
    {
        var cut = Render<MessageView>(p => p
            .Add(x => x.Key, key)
            .Add(x => x.Item, Messages.First(m => m.Key == key))
            .Add(x => x.HasPrevious, hasPrevious)
            .Add(x => x.HasNext, true)
            .Add(x => x.OnStep, (int offset) => _events.Add("step " + offset))
            .Add(x => x.OnClose, () => _events.Add("close"))
            .Add(x => x.OnDeleted, (string k) => _events.Add("deleted " + k))
            .Add(x => x.OnUndone, (string k) => _events.Add("undone " + k)));
        if (waitUntilLoaded)
        {
            cut.WaitForState(() => cut.FindAll(".message-loading").Count == 0);
        }

        return cut;
    }
}
