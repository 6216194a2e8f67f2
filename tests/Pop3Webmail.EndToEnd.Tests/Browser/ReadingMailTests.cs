using Pop3Webmail.EndToEnd.Tests.Support;
using Pop3Webmail.Testing;

namespace Pop3Webmail.EndToEnd.Tests.Browser;

[Collection(BrowserCollectionDefinition.Name)]
public sealed class ReadingMailTests(WebmailFixture fixture)
{
    [Fact(Timeout = 60_000)]
    public async Task SignInListsTheInboxNewestFirstAndAKoi8RMailReadsCorrectly()
    {
        fixture.Require();
        var date = WebmailFixture.FirstDate;
        var koi8 = MessageFactory.Russian(RussianCharset.Koi8R, date.AddHours(1));
        var account = fixture.CreateAccount("reader",
            MessageFactory.Plain("Oldest: project kickoff", "See you on Monday.", date),
            koi8,
            MessageFactory.WithAttachments("Quarterly report attached", date.AddHours(2)),
            MessageFactory.Plain("Newest: lunch?", "Pizza at noon.", date.AddHours(3)));
        await using var tab = await fixture.OpenTabAsync();

        await tab.GotoAsync("login");
        await tab.ScreenshotAsync("login");
        await tab.SignInAsync(account);
        await tab.ScreenshotAsync("inbox");
        var subjects = await tab.InboxSubjectsAsync();
        await tab.OpenMessageAsync(koi8.Subject);
        await tab.ScreenshotAsync("message-koi8r");
        var shownSubject = await tab.Page.Locator(".message-view .message-subject").InnerTextAsync();
        var shownFrom = await tab.Page.Locator(".message-from").InnerTextAsync();
        var shownBody = await tab.Page.Locator(".mail-text-body").InnerTextAsync();
        await tab.SignOutAsync();

        Assert.Equal(account.Messages.Reverse().Select(m => m.Subject), subjects);
        Assert.Equal(koi8.Subject, shownSubject);
        Assert.Contains(koi8.FromName, shownFrom, StringComparison.Ordinal);
        Assert.Equal(koi8.Text.ReplaceLineEndings("\n").Trim(), shownBody.ReplaceLineEndings("\n").Trim());

        // The server saw one STARTTLS session that read exactly the opened message and ended with QUIT.
        var session = await account.WaitForEndedSessionAsync(cancellationToken: TestContext.Current.CancellationToken);
        Assert.StartsWith("TLS", session.Tls, StringComparison.Ordinal);
        Assert.True(session.LoggedOut, session.DisconnectReason);
        Assert.Equal(1, session.Retrieved);
        Assert.Equal(0, session.Deleted);
        Assert.Single(account.Sessions);
    }
}
