using Microsoft.Playwright;
using Pop3Webmail.EndToEnd.Tests.Support;
using Pop3Webmail.Testing;

namespace Pop3Webmail.EndToEnd.Tests.Browser;

/// <summary>Theme and language: what the browser says by default, what the user chooses, and what is remembered.</summary>
[Collection(BrowserCollectionDefinition.Name)]
public sealed class DisplayTests(WebmailFixture fixture)
{
    [Fact(Timeout = 60_000)]
    public async Task TheThemeFollowsTheSystemAndAChoiceIsRememberedFromTheFirstPaintOn()
    {
        fixture.Require();
        var context = await fixture.Browser.NewContextAsync(new BrowserNewContextOptions { ColorScheme = ColorScheme.Dark });
        await using var tab = await WebmailTab.OpenAsync(context, fixture.App.BaseAddress);
        var page = tab.Page;
        var layout = page.Locator(".mud-layout");

        await tab.GotoAsync("login");
        await Assertions.Expect(layout).ToHaveClassAsync(new System.Text.RegularExpressions.Regex("app-theme-dark"));
        var darkBackground = await page.EvaluateAsync<string>("() => getComputedStyle(document.body).backgroundColor");

        await page.Locator(".theme-toggle").ClickAsync();
        await Assertions.Expect(layout).ToHaveClassAsync(new System.Text.RegularExpressions.Regex("app-theme-light"));
        var cookie = (await context.CookiesAsync()).Single(c => c.Name == "p3w-theme");

        // The next page request carries the choice: the server paints it light before any script runs.
        var response = await page.GotoAsync(tab.Url("login").ToString());
        var firstPaint = await response!.TextAsync();

        await page.Locator(".theme-toggle").ClickAsync(); // back to dark, which is what the system says: the choice goes
        await Assertions.Expect(layout).ToHaveClassAsync(new System.Text.RegularExpressions.Regex("app-theme-dark"));
        var cookiesAfter = await context.CookiesAsync();

        Assert.Equal("rgb(18, 18, 18)", darkBackground);
        Assert.Equal("light", cookie.Value);
        Assert.True(cookie.Expires > DateTimeOffset.UtcNow.AddDays(300).ToUnixTimeSeconds());
        Assert.Contains("app-theme-light", firstPaint, StringComparison.Ordinal);
        Assert.DoesNotContain(cookiesAfter, c => c.Name == "p3w-theme");
    }

    [Fact(Timeout = 60_000)]
    public async Task TheLoginPageSpeaksTheBrowsersLanguageUntilTheUserChoosesAnother()
    {
        fixture.Require();
        var context = await fixture.Browser.NewContextAsync(new BrowserNewContextOptions { Locale = "ru-RU" });
        await using var tab = await WebmailTab.OpenAsync(context, fixture.App.BaseAddress);
        var page = tab.Page;

        await tab.GotoAsync("login");
        var russian = await page.Locator("h1").InnerTextAsync();
        var lang = await page.Locator("html").GetAttributeAsync("lang");
        await page.Locator(".language-switch a[hreflang=en]").ClickAsync();
        await tab.WaitUntilInteractiveAsync();
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync(UiText.Login("Heading"));
        await tab.GotoAsync("login");

        Assert.Equal("Вход в почтовый ящик", russian);
        Assert.Equal("ru", lang);
        Assert.Equal(UiText.Login("Heading"), await page.Locator("h1").InnerTextAsync()); // the choice beats the browser
        Assert.Equal(tab.Url("login").ToString(), page.Url);
    }

    [Fact(Timeout = 60_000)]
    public async Task SignedInTheLanguageSwitchReloadsTheSameMessageInTheOtherLanguageOnTheSameVisit()
    {
        fixture.Require();
        var account = fixture.CreateAccount("language", MessageFactory.Plain("Hello", "Hi.", WebmailFixture.FirstDate));
        await using var tab = await fixture.OpenTabAsync();
        var page = tab.Page;
        await tab.SignInAsync(account);
        await tab.OpenMessageAsync("Hello");
        var link = await page.Locator(".language-switch a[hreflang=ru]").GetAttributeAsync("href");

        await page.Locator(".language-switch a[hreflang=ru]").ClickAsync();
        await tab.WaitUntilInteractiveAsync();

        // The same address comes back in Russian, and the reload takes the tab's own visit back: the message is shown
        // without signing in again, over the POP3 session that was already open (none ended, still exactly one).
        Assert.Equal("culture/ru?returnUrl=" + Uri.EscapeDataString("/message?id=" + Uri.EscapeDataString(account.Key("Hello"))), link);
        Assert.Equal("ru", await page.Locator("html").GetAttributeAsync("lang"));
        Assert.StartsWith(tab.Url("").ToString(), page.Url, StringComparison.Ordinal);
        await Assertions.Expect(page.Locator(".message-view .message-subject")).ToHaveTextAsync("Hello");
        Assert.Single(account.Sessions, s => !s.Ended);
        Assert.DoesNotContain(account.Sessions, s => s.Ended);
        Assert.Equal(1, account.Server.CountPop3Sessions(account.Name));
    }
}
