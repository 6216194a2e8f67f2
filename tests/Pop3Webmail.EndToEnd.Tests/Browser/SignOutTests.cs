using Microsoft.Playwright;
using Pop3Webmail.EndToEnd.Tests.Support;
using Pop3Webmail.Testing;

namespace Pop3Webmail.EndToEnd.Tests.Browser;

/// <summary>How a session's end reads at the screen the next person sees.</summary>
[Collection(BrowserCollectionDefinition.Name)]
public sealed class SignOutTests(WebmailFixture fixture)
{
    /// <summary>
    /// The redirect of a page that needs a session and the sign-out's own navigation used to race (about 1 in 8 left
    /// <c>login?returnUrl=/message?id=…</c>). 32 tries miss a 1-in-8 race with a chance of (7/8)^32 ≈ 1.4 %.
    /// </summary>
    [Fact(Timeout = 180_000)]
    public async Task SigningOutFromAMessageAlwaysLandsOnACleanLoginPage()
    {
        fixture.Require();
        // Eight mailboxes, four sign-ins each: within the per-user sign-in limit (5 a minute by default).
        var accounts = Enumerable.Range(0, 8)
            .Select(_ => fixture.CreateAccount("clean-login", MessageFactory.Plain("Private", "Not for the next person.", WebmailFixture.FirstDate)))
            .ToArray();
        await using var tab = await fixture.OpenTabAsync();
        var addresses = new List<string>();

        for (var i = 0; i < 32; i++)
        {
            await tab.SignInAsync(accounts[i % accounts.Length]);
            await tab.OpenMessageAsync("Private");
            await tab.Page.Locator(".app-sign-out").ClickAsync();
            await tab.Page.Locator(".login-signed-out").WaitForAsync();
            await RoundTripAsync(tab.Page);
            addresses.Add(tab.Page.Url);
        }

        Assert.All(addresses, address => Assert.Equal(tab.Url("login").ToString(), address));
    }

    [Fact(Timeout = 60_000)]
    public async Task AfterATakeOverTheOldTabSaysWhatHappenedToItsMarkedMessages()
    {
        fixture.Require();
        var date = WebmailFixture.FirstDate;
        var account = fixture.CreateAccount("taken-over",
            MessageFactory.Plain("Keep", "Stays.", date),
            MessageFactory.Plain("Marked", "Marked in the first window.", date.AddHours(1)));
        await using var first = await fixture.OpenTabAsync();
        await using var second = await fixture.OpenTabAsync();
        await first.SignInAsync(account);
        await first.Row("Marked").Locator(".inbox-delete").ClickAsync();
        await Assertions.Expect(first.Page.Locator(".inbox-pending")).ToContainTextAsync(UiText.Inbox("PendingDeletions", 1));

        await second.SignInAsync(account);
        var notice = (await first.Page.Locator(".login-signed-out").InnerTextAsync()).Trim();
        await RoundTripAsync(first.Page);

        // The session decides whether a take-over commits or keeps the marks; the page must say which it was.
        await account.WaitForEndedSessionAsync(cancellationToken: TestContext.Current.CancellationToken);
        var deleted = account.StoredMessageCount == 1;
        Assert.Equal(deleted
            ? UiText.SignedOut("SignedOutTakenOver", "DeletionsDone", 1)
            : UiText.SignedOut("SignedOutTakenOver", "DeletionsKept", 1), notice);
        Assert.Equal(first.Url("login").ToString(), first.Page.Url);
    }

    /// <summary>
    /// One round trip through the circuit (the theme toggle re-renders on the server): every navigation the server
    /// sent before it has been carried out once the answer is in.
    /// </summary>
    private static async Task RoundTripAsync(IPage page)
    {
        var toggle = page.Locator(".theme-toggle");
        var pressed = await toggle.GetAttributeAsync("aria-pressed");
        await toggle.ClickAsync();
        await Assertions.Expect(toggle).Not.ToHaveAttributeAsync("aria-pressed", pressed ?? string.Empty);
        await toggle.ClickAsync();
        await Assertions.Expect(toggle).ToHaveAttributeAsync("aria-pressed", pressed ?? string.Empty);
    }
}
