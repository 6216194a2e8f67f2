using Microsoft.Playwright;
using Pop3Webmail.EndToEnd.Tests.Support;
using Pop3Webmail.Testing;

namespace Pop3Webmail.EndToEnd.Tests.Browser;

[Collection(BrowserCollectionDefinition.Name)]
public sealed class DeletionTests(WebmailFixture fixture)
{
    [Fact(Timeout = 60_000)]
    public async Task DeletingTwoUndoingOneAndSigningOutRemovesExactlyTheOtherOne()
    {
        fixture.Require();
        var date = WebmailFixture.FirstDate;
        var account = fixture.CreateAccount("delete",
            MessageFactory.Plain("Keep me", "Stays.", date),
            MessageFactory.Plain("Deleted then restored", "Undo brings it back.", date.AddHours(1)),
            MessageFactory.Plain("Deleted for good", "Gone after sign-out.", date.AddHours(2)),
            MessageFactory.Plain("Keep me too", "Stays as well.", date.AddHours(3)));
        await using var tab = await fixture.OpenTabAsync();
        var pending = tab.Page.Locator(".inbox-pending");

        await tab.SignInAsync(account);
        await tab.Row("Deleted then restored").Locator(".inbox-delete").ClickAsync();
        await tab.Row("Deleted for good").Locator(".inbox-delete").ClickAsync();
        await Assertions.Expect(pending).ToContainTextAsync(UiText.Inbox("PendingDeletions", 2));
        await tab.Row("Deleted then restored").Locator(".inbox-undo").ClickAsync();
        await Assertions.Expect(pending).ToContainTextAsync(UiText.Inbox("PendingDeletions", 1));
        await tab.ScreenshotAsync("inbox-pending-deletion");

        // RFC 1939 §6: DELE only marks; nothing leaves the server before QUIT.
        var storedWhileSignedIn = account.StoredMessageCount;
        await tab.SignOutAsync();
        var signedOut = await tab.Page.Locator(".login-signed-out").InnerTextAsync();

        Assert.Equal(4, storedWhileSignedIn);
        Assert.Equal(UiText.SignedOut("SignedOut", "DeletionsDone", 1), signedOut.Trim());
        var session = await account.WaitForEndedSessionAsync(cancellationToken: TestContext.Current.CancellationToken);
        Assert.True(session.LoggedOut, session.DisconnectReason);
        Assert.Equal(1, session.Deleted);
        Assert.Equal(3, account.StoredMessageCount);
        var left = await account.UidlsInNewSessionAsync(TestContext.Current.CancellationToken);
        Assert.Equal(3, left.Count);
        Assert.DoesNotContain(account.Uidl("Deleted for good"), left);
        Assert.Contains(account.Uidl("Deleted then restored"), left);
    }
}
