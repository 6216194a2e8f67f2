using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Microsoft.Playwright;
using Pop3Webmail.EndToEnd.Tests.Support;
using Pop3Webmail.Testing;

namespace Pop3Webmail.EndToEnd.Tests.Browser;

/// <summary>The shared-PC profile, on its own app instance whose clock the test moves (the idle timeout is minutes long).</summary>
[Collection(BrowserCollectionDefinition.Name)]
public sealed class KioskTests(WebmailFixture fixture)
{
    private static readonly TimeSpan IdleSignOut = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan IdleWarning = TimeSpan.FromSeconds(30);

    [Fact(Timeout = 60_000)]
    public async Task AnIdleKioskSessionCountsDownSignsOutWithQuitAndLeavesNothingInTheBrowser()
    {
        fixture.Require();
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var settings = WebmailFixture.ServerSettings(0, WebmailFixture.DovecotServerName, fixture.Dovecot).Concat(
        [
            new("Mail:Kiosk", "true"),
            new("Mail:IdleSignOut", IdleSignOut.ToString()),
            new("Mail:IdleWarning", IdleWarning.ToString()),
        ]);
        await using var kiosk = WebmailApp.Start(settings, services => services.AddSingleton<TimeProvider>(clock));
        var account = fixture.CreateAccount("kiosk", MessageFactory.Plain("Payslip", "Private.", WebmailFixture.FirstDate));
        await using var tab = await WebmailTab.OpenAsync(fixture.Browser, kiosk.BaseAddress);
        var countdown = tab.Page.Locator(".idle-overlay[role=alertdialog]");

        await tab.GotoAsync("login");
        var passwordAutocomplete = await tab.Page.Locator(".login-password input").GetAttributeAsync("autocomplete");
        await tab.Page.Locator(".theme-toggle").ClickAsync(); // a display choice lasts as long as this tab, no longer
        await Assertions.Expect(tab.Page.Locator(".theme-toggle")).ToHaveAttributeAsync("aria-pressed", "true");
        await tab.SignInAsync(account);
        var storageWhileSignedIn = await tab.BrowserStorageEntriesAsync();
        var countdownBeforeWarning = await countdown.CountAsync();

        clock.Advance(IdleSignOut - IdleWarning + TimeSpan.FromSeconds(1));
        await Assertions.Expect(countdown).ToContainTextAsync(UiText.Get("Components.Common.IdleCountdown", "Countdown", 29));
        await tab.ScreenshotAsync("kiosk-idle-countdown");
        clock.Advance(IdleWarning);
        var signedOut = await tab.Page.Locator(".login-signed-out").InnerTextAsync();
        var storageAfterwards = await tab.BrowserStorageEntriesAsync();
        var cookies = await tab.Context.CookiesAsync();

        Assert.Equal("off", passwordAutocomplete);
        Assert.Equal(0, countdownBeforeWarning);
        Assert.Equal(UiText.Login("SignedOutIdle"), signedOut.Trim());
        Assert.Equal(0, storageWhileSignedIn);
        Assert.Equal(0, storageAfterwards);
        Assert.All(cookies, cookie => Assert.Equal(-1, cookie.Expires)); // session cookies only: gone with the browser
        Assert.DoesNotContain(cookies, cookie => cookie.Name is "p3w-theme" or "p3w-pane");
        var session = await account.WaitForEndedSessionAsync(cancellationToken: TestContext.Current.CancellationToken);
        Assert.True(session.LoggedOut, session.DisconnectReason);
    }
}
