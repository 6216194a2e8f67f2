using Microsoft.Playwright;
using Pop3Webmail.EndToEnd.Tests.Support;
using Pop3Webmail.Testing;

namespace Pop3Webmail.EndToEnd.Tests.Browser;

[Collection(BrowserCollectionDefinition.Name)]
public sealed class ReconnectTests(WebmailFixture fixture)
{
    [Fact(Timeout = 90_000)]
    public async Task AfterTheServerRestartsTheNextStepReconnectsAndThePendingDeletionStillHappens()
    {
        fixture.Require();
        var date = WebmailFixture.FirstDate;
        var account = fixture.CreateAccount("restart",
            MessageFactory.Plain("First", "One.", date),
            MessageFactory.Plain("Second", "Marked for deletion before the restart.", date.AddHours(1)),
            MessageFactory.Plain("Third", "Read after the restart.", date.AddHours(2)));
        await using var tab = await fixture.OpenTabAsync();
        await tab.SignInAsync(account);
        await tab.Row("Second").Locator(".inbox-delete").ClickAsync();
        await Assertions.Expect(tab.Page.Locator(".inbox-pending")).ToContainTextAsync(UiText.Inbox("PendingDeletions", 1));

        // Every session is cut; the app learns it with its next command.
        await account.Server.RestartAsync(TestContext.Current.CancellationToken);
        await tab.OpenMessageAsync("Third");
        var body = await tab.Page.Locator(".mail-text-body").InnerTextAsync();
        await tab.Page.Locator(".message-back").ClickAsync();
        var notice = await tab.Page.Locator(".inbox-notice").InnerTextAsync();
        var pending = await tab.Page.Locator(".inbox-pending").InnerTextAsync();
        await tab.SignOutAsync();
        var signedOut = await tab.Page.Locator(".login-signed-out").InnerTextAsync();

        Assert.Equal("Read after the restart.", body.Trim());
        Assert.Contains(UiText.Inbox("NoticeReconnected"), notice, StringComparison.Ordinal);
        Assert.Contains(UiText.Inbox("PendingDeletions", 1), pending, StringComparison.Ordinal);
        Assert.Equal(UiText.SignedOut("SignedOut", "DeletionsDone", 1), signedOut.Trim());

        // The server saw the first session cut without QUIT (nothing committed), then a second one that deleted the message.
        await account.Server.WaitForSessionAsync(s => s.User == account.Name && s.LoggedOut, cancellationToken: TestContext.Current.CancellationToken);
        var sessions = account.Sessions;
        Assert.Equal(2, sessions.Count);
        Assert.False(sessions[0].LoggedOut);
        Assert.Equal(0, sessions[0].Deleted);
        Assert.True(sessions[1].LoggedOut, sessions[1].DisconnectReason);
        Assert.Equal(1, sessions[1].Deleted);
        Assert.Equal(2, account.StoredMessageCount);
        Assert.DoesNotContain(account.Uidl("Second"), await account.UidlsInNewSessionAsync(TestContext.Current.CancellationToken));
    }
}
