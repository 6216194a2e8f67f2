using Microsoft.Playwright;
using Pop3Webmail.EndToEnd.Tests.Support;
using Pop3Webmail.Testing;

namespace Pop3Webmail.EndToEnd.Tests.Browser;

/// <summary>
/// A session ends with QUIT however the tab goes away, and QUIT commits the deletions the user marked
/// (RFC 1939 §6): a closed tab once the resume grace period (for a reload) is over, a vanished browser once the
/// circuit's retention period and then the grace period have run out.
/// </summary>
[Collection(BrowserCollectionDefinition.Name)]
public sealed class SessionEndTests(WebmailFixture fixture)
{
    [Fact(Timeout = 60_000)]
    public async Task ClosingTheTabQuitsOnceTheResumeGraceIsOverAndCommitsTheDeletion()
    {
        fixture.Require();
        var account = fixture.CreateAccount("close-tab", ThreeMessages());
        await using var tab = await fixture.OpenTabAsync();
        await tab.SignInAsync(account);
        await tab.Row("Second").Locator(".inbox-delete").ClickAsync();
        await Assertions.Expect(tab.Page.Locator(".inbox-pending")).ToContainTextAsync(UiText.Inbox("PendingDeletions", 1));

        await tab.Page.CloseAsync();

        // Well within the circuit's retention period: it was the closed tab that ended the session (after the grace).
        var session = await account.WaitForEndedSessionAsync(WebmailFixture.ResumeGrace + (WebmailFixture.CircuitRetention / 2), TestContext.Current.CancellationToken);
        Assert.True(session.LoggedOut, session.DisconnectReason);
        Assert.Equal(1, session.Deleted);
        Assert.Equal(2, account.StoredMessageCount);
        Assert.DoesNotContain(account.Uidl("Second"), await account.UidlsInNewSessionAsync(TestContext.Current.CancellationToken));
    }

    [Fact(Timeout = 90_000)]
    public async Task AKilledBrowserLeavesTheSessionOpenOnlyForTheRetentionPeriodThenQuitsAndCommits()
    {
        fixture.Require();
        var account = fixture.CreateAccount("killed", ThreeMessages());
        await using var chromium = await StandaloneChromium.StartAsync(fixture.Playwright, TestContext.Current.CancellationToken);
        var tab = await WebmailTab.OpenAsync(chromium.Browser.Contexts[0], fixture.App.BaseAddress);
        await tab.SignInAsync(account);
        await tab.Row("Second").Locator(".inbox-delete").ClickAsync();
        await Assertions.Expect(tab.Page.Locator(".inbox-pending")).ToContainTextAsync(UiText.Inbox("PendingDeletions", 1));
        await account.Server.WaitForPop3SessionCountAsync(1, account.Name, cancellationToken: TestContext.Current.CancellationToken);

        await chromium.KillAsync();
        var openRightAfterTheKill = account.Server.CountPop3Sessions(account.Name);

        var session = await account.WaitForEndedSessionAsync(WebmailFixture.CircuitRetention + WebmailFixture.ResumeGrace + TimeSpan.FromSeconds(20), TestContext.Current.CancellationToken);
        Assert.Equal(1, openRightAfterTheKill);
        Assert.True(session.LoggedOut, session.DisconnectReason);
        Assert.Equal(1, session.Deleted);
        await account.Server.WaitForPop3SessionCountAsync(0, account.Name, cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal(2, account.StoredMessageCount);
    }

    private static TestMessage[] ThreeMessages() => MessageFactory.FirstSecondThird(WebmailFixture.FirstDate);
}
