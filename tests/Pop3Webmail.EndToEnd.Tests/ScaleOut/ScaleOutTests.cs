using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Pop3Webmail.EndToEnd.Tests.Support;
using Pop3Webmail.Testing;

namespace Pop3Webmail.EndToEnd.Tests.ScaleOut;

/// <summary>
/// Two instances behind the shipped nginx config, in Chromium. What the design guarantees across instances
/// (docs/deployment.md, "Several instances"): a browser always reaches the instance that holds its visits (the affinity
/// cookie covers every tab of it), so signing in again from it takes the visit over there; another browser may land on
/// the other instance, where a mail server that locks mailboxes answers [IN-USE] and the user is told at once that
/// the mailbox is in use; and an instance that crashes loses its users' visits but none of their mail.
/// </summary>
[Collection(ScaleOutCollectionDefinition.Name)]
public sealed class ScaleOutTests(ScaleOutFixture fixture)
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    private AppInstance A => fixture.Instances[0];

    private AppInstance B => fixture.Instances[1];

    [Fact(Timeout = 180_000)]
    public async Task EachBrowserStaysOnItsInstanceAndASecondTabOfItTakesTheVisitOverThere()
    {
        fixture.Require();
        await fixture.ReadyAsync(Cancellation);
        var onA = fixture.CreateAccount("spread-a", ThreeMessages());
        var onB = fixture.CreateAccount("spread-b", ThreeMessages());
        await using var browserA = await fixture.OpenBrowserAsync(A);
        await using var browserB = await fixture.OpenBrowserAsync(B);

        await browserA.SignInAsync(onA);
        await browserB.SignInAsync(onB);
        await browserA.OpenMessageAsync("Third");
        await browserB.OpenMessageAsync("Second");
        var spread = await ActiveSessionsAsync();

        // The same browser, a second tab: the same affinity cookie, so the same instance, where the sign-in (with the
        // password proven) takes the visit over from the first tab instead of meeting the server's lock.
        var secondTab = await WebmailTab.OpenAsync(browserA.Context, browserA.BaseAddress);
        await secondTab.SignInAsync(onA);
        await Assertions.Expect(browserA.Page.Locator(".login-signed-out")).ToHaveTextAsync(UiText.SignedOut("SignedOutTakenOver"));
        var afterTakeOver = await ActiveSessionsAsync();
        await secondTab.SignOutAsync();
        await browserB.SignOutAsync();

        Assert.Equal((1, 1), spread);
        Assert.Equal((1, 1), afterTakeOver);

        // Dovecot's view of A's mailbox: the first tab's session, ended with QUIT by the take-over; the second tab's first
        // login, refused by the lock ([IN-USE], which let the app end the first one); its second login, signed out.
        var sessions = onA.Sessions;
        Assert.Equal(3, sessions.Count);
        Assert.True(sessions[0].LoggedOut, sessions[0].DisconnectReason);
        Assert.Equal("Couldn't lock POP3 session", sessions[1].DisconnectReason);
        Assert.True(sessions[2].LoggedOut, sessions[2].DisconnectReason);

        // nginx sent every request of each browser (page loads, the circuit's negotiate, the resume cookie) to its instance.
        var log = fixture.Nginx.ReadAccessLog();
        foreach (var (browser, instance) in new[] { (browserA, A), (browserB, B) })
        {
            var browserKey = await CookieAsync(browser, "p3w-browser");
            var requests = log.Where(e => e.Cookie("p3w-browser") == browserKey).ToList();
            Assert.Contains(requests, e => e.Uri.StartsWith("/_blazor/negotiate", StringComparison.Ordinal));
            Assert.All(requests, e => Assert.Equal(instance.Endpoint, e.Upstream));
        }
    }

    [Fact(Timeout = 180_000)]
    public async Task AnotherBrowserThatLandsOnTheOtherInstanceIsToldTheMailboxIsInUseAndTheVisitGoesOn()
    {
        fixture.Require();
        await fixture.ReadyAsync(Cancellation);
        var account = fixture.CreateAccount("in-use", ThreeMessages());
        await using var holder = await fixture.OpenBrowserAsync(A);
        await using var other = await fixture.OpenBrowserAsync(B);
        await holder.SignInAsync(account);

        // Same user, right password, another browser: instance B holds no visit of it, so it cannot take one over;
        // Dovecot keeps the mailbox locked for A's session and, after waiting for the lock a while, answers [IN-USE].
        await other.SubmitSignInAsync(account.Name, account.Password);
        var error = await other.Page.Locator(".login-error").InnerTextAsync(new LocatorInnerTextOptions { Timeout = 40_000 });
        var whileRefused = await ActiveSessionsAsync();

        // The holder noticed nothing: its visit goes on, on its one POP3 session.
        await holder.OpenMessageAsync("Second");
        var holderSessions = fixture.Dovecot.CountPop3Sessions(account.Name);

        // Once the holder has signed out, the mailbox is free, and the other browser gets in on its own instance.
        await holder.SignOutAsync();
        await other.SignInAsync(account);
        var afterwards = await ActiveSessionsAsync();
        await other.SignOutAsync();

        Assert.Equal(UiText.Login("ErrorInUse", 30), error.Trim());
        Assert.Equal((1, 0), whileRefused);
        Assert.Equal(1, holderSessions);
        Assert.Equal((0, 1), afterwards);
        Assert.Equal(3, account.StoredMessageCount);
    }

    [Fact(Timeout = 240_000)]
    public async Task WhenAnInstanceCrashesItsUsersAreToldTheServerRestartedAndLoseNothingWhileTheOthersNoticeNothing()
    {
        fixture.Require();
        await fixture.ReadyAsync(Cancellation);
        var onA = fixture.CreateAccount("crash-a", ThreeMessages());
        var onB = fixture.CreateAccount("crash-b", ThreeMessages());
        await using var browserA = await fixture.OpenBrowserAsync(A);
        await using var browserB = await fixture.OpenBrowserAsync(B);
        await browserA.SignInAsync(onA);
        await browserB.SignInAsync(onB);

        // On A: read "Third" (remembered as read in the shared store) and mark "Second" for deletion.
        await browserA.OpenMessageAsync("Third");
        await MarkForDeletionAsync(browserA, "Second");
        await MarkForDeletionAsync(browserB, "First");
        await browserB.Page.EvaluateAsync("() => { window.p3wSamePage = true; }");
        await onA.Server.WaitForPop3SessionCountAsync(1, onA.Name, cancellationToken: Cancellation);

        await A.KillAsync();

        // A's user: the tab's circuit is gone. Blazor reconnects through nginx, which now sends the tab to B; B knows no
        // such circuit, so the page reloads itself (as the user's own reload would) and B's login page says what happened.
        await Assertions.Expect(browserA.Page.Locator(".login-signed-out")).ToHaveTextAsync(UiText.SignedOut("SignedOutServerRestarted"));

        // The server saw the session cut, without QUIT: nothing deleted, the marked message included.
        var cut = await onA.WaitForEndedSessionAsync(cancellationToken: Cancellation);
        Assert.False(cut.LoggedOut, cut.DisconnectReason);
        Assert.Equal(0, cut.Deleted);
        Assert.Equal(3, onA.StoredMessageCount);

        // B's user noticed nothing: the same page (never reloaded), the same POP3 session, the deletion still pending.
        await browserB.OpenMessageAsync("Third");
        var samePage = await browserB.Page.EvaluateAsync<bool>("() => window.p3wSamePage === true");
        await Assertions.Expect(browserB.Page.Locator(".inbox-pending")).ToContainTextAsync(UiText.Inbox("PendingDeletions", 1));
        await browserB.SignOutAsync();
        var signedOutB = await browserB.Page.Locator(".login-signed-out").InnerTextAsync();
        Assert.True(samePage);
        Assert.Equal(UiText.SignedOut("SignedOut", "DeletionsDone", 1), signedOutB.Trim());
        var sessionB = Assert.Single(onB.Sessions);
        Assert.True(sessionB.LoggedOut, sessionB.DisconnectReason);
        Assert.Equal(1, sessionB.Deleted);

        // A's user signs in again (on B): every message is there, and what they read on A is still read (shared store).
        await browserA.SignInAsync(onA);
        await Assertions.Expect(browserA.InboxRows).ToHaveCountAsync(3);
        await Assertions.Expect(browserA.Row("Third")).Not.ToHaveClassAsync(Unread());
        await Assertions.Expect(browserA.Row("Second")).ToHaveClassAsync(Unread());
        Assert.Equal(1, await B.ActiveSessionsAsync(fixture.Http, Cancellation));
        await browserA.SignOutAsync();
    }

    [Fact(Timeout = 120_000)]
    public async Task APageOneInstanceRenderedStartsItsCircuitOnTheOtherWithTheSharedKeyRing()
    {
        // What happens when nginx moves a browser between loading a page and opening its circuit (an instance just
        // failed): the page's component state was protected by A's Data Protection keys, and B must unprotect it.
        fixture.Require();
        await fixture.ReadyAsync(Cancellation);
        var account = fixture.CreateAccount("key-ring", ThreeMessages());
        await using var tab = await WebmailTab.OpenAsync(fixture.Browser, B.BaseAddress);
        var servedByA = 0;
        await tab.Page.RouteAsync(tab.Url("login").ToString(), async route =>
        {
            Interlocked.Increment(ref servedByA);
            await route.FulfillAsync(new RouteFulfillOptions { Response = await route.FetchAsync(new RouteFetchOptions { Url = new Uri(A.BaseAddress, "login").ToString() }) });
        });

        await tab.GotoAsync("login");
        await tab.SignInAsync(account);

        Assert.True(servedByA > 0);
        Assert.Equal((0, 1), await ActiveSessionsAsync());
        Assert.Single(Directory.GetFiles(fixture.KeyRingDirectory, "key-*.xml"));
        await tab.SignOutAsync();
    }

    private async Task<(long A, long B)> ActiveSessionsAsync() =>
        (await A.ActiveSessionsAsync(fixture.Http, Cancellation), await B.ActiveSessionsAsync(fixture.Http, Cancellation));

    /// <summary>A cookie of the browser (HttpOnly ones included): the app's browser key names this browser's requests in nginx's log.</summary>
    private static async Task<string> CookieAsync(WebmailTab browser, string name) =>
        (await browser.Context.CookiesAsync()).Single(c => c.Name == name).Value;

    private static async Task MarkForDeletionAsync(WebmailTab tab, string subject)
    {
        await tab.Row(subject).Locator(".inbox-delete").ClickAsync();
        await Assertions.Expect(tab.Page.Locator(".inbox-pending")).ToContainTextAsync(UiText.Inbox("PendingDeletions", 1));
    }

    private static Regex Unread() => new(@"\bunread\b");

    private static TestMessage[] ThreeMessages() => MessageFactory.FirstSecondThird(WebmailFixture.FirstDate);
}
