using System.Globalization;
using System.Net;
using Microsoft.AspNetCore.Components.Server;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Pop3Webmail.EndToEnd.Tests.Support;
using Pop3Webmail.Testing;

namespace Pop3Webmail.EndToEnd.Tests.Browser;

/// <summary>
/// The session's promises as a user meets them in a real browser against a real Dovecot: a stranger who knows the
/// user name cannot end the user's visit, and a sign-in abandoned half-way never holds the mailbox afterwards.
/// </summary>
[Collection(BrowserCollectionDefinition.Name)]
public sealed class SessionPromisesTests(WebmailFixture fixture)
{
    [Fact(Timeout = 90_000)]
    public async Task AWrongPasswordFromAnotherBrowserNeitherSignsTheUserOutNorCommitsTheirDeletions()
    {
        fixture.Require();
        var account = fixture.CreateAccount("stranger", ThreeMessages());
        await using var owner = await fixture.OpenTabAsync();
        var pending = owner.Page.Locator(".inbox-pending");
        await owner.SignInAsync(account);
        await owner.Row("Second").Locator(".inbox-delete").ClickAsync();
        await owner.Row("Third").Locator(".inbox-delete").ClickAsync();
        await Assertions.Expect(pending).ToContainTextAsync(UiText.Inbox("PendingDeletions", 2));

        await using var stranger = await fixture.OpenTabAsync();
        await stranger.SubmitSignInAsync(account.Name, "not-the-password");
        await Assertions.Expect(stranger.Page.Locator(".login-error")).ToHaveTextAsync(UiText.Login("ErrorInvalidCredentials"));

        // Still signed in, and what was marked can still be undone: nothing was committed.
        await owner.Row("Third").Locator(".inbox-undo").ClickAsync();
        await Assertions.Expect(pending).ToContainTextAsync(UiText.Inbox("PendingDeletions", 1));
        var storedBeforeSignOut = account.StoredMessageCount;
        await owner.SignOutAsync();

        Assert.Equal(3, storedBeforeSignOut);
        var session = await account.WaitForEndedSessionAsync(cancellationToken: TestContext.Current.CancellationToken);
        Assert.True(session.LoggedOut, session.DisconnectReason);
        Assert.Equal(1, session.Deleted);
        Assert.Single(account.Sessions); // the stranger never got in
        var left = await account.UidlsInNewSessionAsync(TestContext.Current.CancellationToken);
        Assert.Equal(2, left.Count);
        Assert.Contains(account.Uidl("First"), left);
        Assert.Contains(account.Uidl("Third"), left);
    }

    [Fact(Timeout = 90_000)]
    public async Task ATabClosedWhileTheServerIsSlowToSignInLeavesTheMailboxFree()
    {
        fixture.Require();
        var account = fixture.CreateAccountOn(fixture.LockingDovecot, "slow", ThreeMessages());
        await using var proxy = new StallingPop3Proxy(new IPEndPoint(IPAddress.Loopback, fixture.LockingDovecot.Port), TimeSpan.FromSeconds(15));
        await using var app = WebmailApp.Start(
            [
                new("Mail:Servers:0:Name", "Slow"),
                new("Mail:Servers:0:Host", "127.0.0.1"),
                new("Mail:Servers:0:Port", proxy.Port.ToString(CultureInfo.InvariantCulture)),
                new("Mail:Servers:0:Security", "None"),
                new("Mail:Servers:0:AllowPlaintextAuthentication", "true"),
                new("Mail:ResumeGracePeriod", WebmailFixture.ResumeGrace.ToString("c", CultureInfo.InvariantCulture)),
                new("Mail:RememberMailbox", "false"),
            ],
            services => services.Configure<CircuitOptions>(o => o.DisconnectedCircuitRetentionPeriod = WebmailFixture.CircuitRetention));
        var tab = await WebmailTab.OpenAsync(fixture.Browser, app.BaseAddress);

        await tab.SubmitSignInAsync(account.Name, account.Password);
        await proxy.LoginSent.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
        await tab.DisposeAsync(); // the tab goes away while the server still thinks

        // The app lets go of the connection at once (it does not wait for the slow answer), so no session can sign in
        // later and hold Dovecot's maildrop lock: the user gets straight in from a new tab.
        await proxy.LoginAbandoned.WaitAsync(WebmailFixture.CircuitRetention, TestContext.Current.CancellationToken);
        await account.Server.WaitForPop3SessionCountAsync(0, account.Name, cancellationToken: TestContext.Current.CancellationToken);
        await using var again = await fixture.OpenTabAsync();
        await again.SignInAsync(account, WebmailFixture.LockingServerName);
        Assert.Equal(["Third", "Second", "First"], await again.InboxSubjectsAsync());
    }

    private static TestMessage[] ThreeMessages() => MessageFactory.FirstSecondThird(WebmailFixture.FirstDate);
}
