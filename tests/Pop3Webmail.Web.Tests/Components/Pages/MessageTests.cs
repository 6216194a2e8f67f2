using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using Pop3Webmail.Web.Components.Pages;
using Pop3Webmail.Web.Session;
using Pop3Webmail.Web.Tests.Mail;
using Pop3Webmail.Web.Tests.Support;

namespace Pop3Webmail.Web.Tests.Components.Pages;

public sealed class MessageTests : WebmailComponentTest
{
    private static readonly InboxItem[] Messages =
    [
        FakeMailboxSession.Summary(3, "Third"),
        FakeMailboxSession.Summary(2, "Quarterly report", attachments: true),
        FakeMailboxSession.Summary(1, "First"),
    ];

    public MessageTests()
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
    }

    [Fact]
    public void TheMessageShowsHeadersBodyAndAttachments()
    {
        using var culture = new CultureScope("en");
        SignIn(false, Messages);

        var cut = RenderMessage("uid-2");

        Assert.Equal("Quarterly report", cut.Find("h1").TextContent);
        Assert.Equal("Alice Example <alice@example.test>", cut.Find(".message-from").TextContent);
        Assert.Equal("Bob <bob@example.test>", cut.Find(".message-to").TextContent);
        Assert.Equal("Carol <carol@example.test>", cut.Find(".message-cc").TextContent);
        Assert.Contains("Hello from Quarterly report", cut.Find(".mail-text-body").TextContent, StringComparison.Ordinal);
        Assert.Equal("https://example.test/x", cut.Find(".mail-text-body a").GetAttribute("href"));
        Assert.Equal("report.pdf", cut.Find(".mail-attachment-name").TextContent);
        Assert.Contains("Open uid-2", Session.Calls);
    }

    [Fact]
    public void WhileTheMessageLoadsItShowsProgress()
    {
        using var culture = new CultureScope("en");
        SignIn(false, Messages);
        var pending = new TaskCompletionSource<OpenedMessage>();
        Session.Open = _ => pending.Task;

        var cut = RenderMessage("uid-2", waitUntilLoaded: false);

        Assert.Contains("Loading the message", cut.Find(".message-loading").TextContent, StringComparison.Ordinal);
        pending.SetException(new MailboxException(MailboxErrorKind.MessageUnavailable));
        cut.WaitForAssertion(() => Assert.Equal("This message is no longer available.", cut.Find(".message-error span").TextContent));
    }

    [Fact]
    public void ALostConnectionOffersToTryAgain()
    {
        using var culture = new CultureScope("en");
        SignIn(false, Messages);
        Session.Status = MailboxSessionStatus.ConnectionLost;
        Session.Open = _ => Task.FromException<OpenedMessage>(new MailboxException(MailboxErrorKind.ConnectionLost));

        var cut = RenderMessage("uid-2");
        Assert.Equal("The connection to the mail server was lost.", cut.Find(".message-error span").TextContent);
        Session.Open = null;
        Session.Status = MailboxSessionStatus.Ready;
        cut.Find(".message-retry").Click();

        cut.WaitForAssertion(() => Assert.Equal("Quarterly report", cut.Find("h1").TextContent));
    }

    [Fact]
    public void DeleteMarksItAndMovesToTheNextMessage()
    {
        SignIn(false, Messages);
        var navigation = Services.GetRequiredService<NavigationManager>();
        var cut = RenderMessage("uid-2");

        cut.Find(".message-delete").Click();

        Assert.Contains("Delete uid-2", Session.Calls);
        Assert.Equal("http://localhost/message?id=uid-1", navigation.Uri);
    }

    [Fact]
    public void AFailedDeleteStaysOnTheMessageAndSaysWhy()
    {
        using var culture = new CultureScope("en");
        SignIn(false, Messages);
        var navigation = Services.GetRequiredService<NavigationManager>();
        var cut = RenderMessage("uid-2");
        Session.NextFailure = new MailboxException(MailboxErrorKind.ConnectionLost);

        cut.Find(".message-delete").Click();

        Assert.Equal("http://localhost/message?id=uid-2", navigation.Uri);
        Assert.Equal("The connection to the mail server was lost.", cut.Find(".message-error span").TextContent);
    }

    [Fact]
    public void APendingMessageOffersUndoInsteadOfDelete()
    {
        using var culture = new CultureScope("en");
        SignIn(false, Messages);
        Session.Pending = Session.Pending.Add("uid-2");
        Session.Open = key => Session.Opened(key, Session.MessageSources[key]);

        var cut = RenderMessage("uid-2");

        Assert.Empty(cut.FindAll(".message-delete"));
        Assert.Equal("This message will be deleted when you sign out.", cut.Find(".message-pending .mud-alert-message").TextContent.Trim());
        cut.Find(".message-undo").Click();
        Assert.Contains("Undo uid-2", Session.Calls);
    }

    [Fact]
    public void AReadOnlyMailboxShowsNoDelete()
    {
        SignIn(true, Messages);

        var cut = RenderMessage("uid-2");

        Assert.Empty(cut.FindAll(".message-delete"));
        Assert.NotEmpty(cut.FindAll(".message-download"));
    }

    [Fact]
    public void PreviousAndNextFollowTheInboxOrder()
    {
        SignIn(false, Messages);
        var navigation = Services.GetRequiredService<NavigationManager>();
        var cut = RenderMessage("uid-2");

        cut.Find(".message-next").Click();
        Assert.Equal("http://localhost/message?id=uid-1", navigation.Uri);
        cut.WaitForAssertion(() => Assert.Equal("First", cut.Find("h1").TextContent)); // the page follows the query
        cut.Find(".message-previous").Click();
        Assert.Equal("http://localhost/message?id=uid-2", navigation.Uri);
    }

    [Fact]
    public void TheFirstMessageHasNoPrevious()
    {
        SignIn(false, Messages);

        var cut = RenderMessage("uid-3");

        Assert.True(cut.Find(".message-previous").HasAttribute("disabled"));
        Assert.False(cut.Find(".message-next").HasAttribute("disabled"));
    }

    [Fact]
    public void DownloadEmlAsksTheSessionForAOneTimeLink()
    {
        SignIn(false, Messages);
        var navigation = Services.GetRequiredService<NavigationManager>();
        var cut = RenderMessage("uid-2");

        cut.Find(".message-download").Click();

        Assert.Contains("Link " + DownloadTarget.RawMessage("uid-2"), Session.Calls);
        Assert.Equal("http://localhost/download/token-for-uid-2-raw", navigation.Uri);
    }

    [Fact]
    public void ViewSourceShowsTheRawMessageAndToggles()
    {
        SignIn(false, Messages);
        var cut = RenderMessage("uid-2");

        cut.Find(".message-source-toggle").Click();
        Assert.Contains("Subject: Quarterly report", cut.Find("pre.message-source").TextContent, StringComparison.Ordinal);
        Assert.Empty(cut.FindAll(".mail-text-body"));

        cut.Find(".message-source-toggle").Click();
        Assert.Empty(cut.FindAll("pre.message-source"));
    }

    [Fact]
    public void TheMessageViewSpeaksRussian()
    {
        using var culture = new CultureScope("ru");
        SignIn(false, Messages);

        var cut = RenderMessage("uid-2");

        Assert.Equal(["От", "Кому", "Копия", "Дата", "Размер"], cut.FindAll(".message-headers dt").Select(d => d.TextContent));
        Assert.Equal("Удалить", cut.Find(".message-delete").GetAttribute("aria-label"));
    }

    [Fact]
    public void EveryIconButtonHasAnAccessibleName()
    {
        SignIn(false, Messages);

        var cut = RenderMessage("uid-2");

        Assert.All(cut.FindAll(".mud-icon-button"), b => Assert.False(string.IsNullOrWhiteSpace(b.GetAttribute("aria-label"))));
    }

    /// <summary>Renders the page for a message and, unless told not to, waits until it has loaded (rendering runs off the renderer's thread).</summary>
    private IRenderedComponent<Message> RenderMessage(string id, bool waitUntilLoaded = true)
    {
        Services.GetRequiredService<NavigationManager>().NavigateTo("message?id=" + id);
        var cut = Render<Message>();
        if (waitUntilLoaded)
        {
            cut.WaitForState(() => cut.FindAll(".message-loading").Count == 0);
        }

        return cut;
    }
}
