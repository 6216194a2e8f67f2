using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Pop3Webmail.DemoServer;
using Pop3Webmail.Web.Session;
using Pop3Webmail.Web.Tests.Support;

namespace Pop3Webmail.Web.Tests.Hosting;

/// <summary>The app over HTTP as a browser first meets it (prerendered pages; circuits are not involved).</summary>
public sealed class WebAppTests : IAsyncLifetime
{
    private WebAppFactory _app = null!;

    public ValueTask InitializeAsync()
    {
        // No server configured: the app runs its own demo mailbox, as on a fresh clone.
        _app = new WebAppFactory(server: null);
        return ValueTask.CompletedTask;
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();

    [Theory]
    [InlineData("/", "%2F")]
    [InlineData("/inbox", "%2Finbox")]
    [InlineData("/message?id=abc", "%2Fmessage%3Fid%3Dabc")]
    public async Task MailPagesSendAnonymousVisitorsToTheLoginPage(string path, string returnUrl)
    {
        using var browser = _app.CreateBrowser(null);

        using var response = await browser.GetAsync(path, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/login?returnUrl=" + returnUrl, response.Headers.Location?.OriginalString);
    }

    [Fact]
    public async Task TheLoginPageCarriesTheSecurityHeadersAndABrowserBindingCookie()
    {
        using var browser = _app.CreateBrowser(null);

        using var response = await browser.GetAsync("/login", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(response.Headers.CacheControl?.NoStore);
        Assert.Equal("DENY", response.Headers.GetValues("X-Frame-Options").Single());
        Assert.Equal("no-referrer", response.Headers.GetValues("Referrer-Policy").Single());
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        var csp = response.Headers.GetValues("Content-Security-Policy").Single();
        Assert.Contains("frame-ancestors 'none'", csp, StringComparison.Ordinal);
        Assert.Contains("script-src 'self';", csp, StringComparison.Ordinal);
        Assert.DoesNotContain("unsafe-eval", csp, StringComparison.Ordinal);
        var cookie = response.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith(Pop3Webmail.Web.Security.BrowserBinding.CookieName, StringComparison.Ordinal));
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("expires", cookie, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task WithNoServerConfiguredTheLoginPageOffersTheDemoMailbox()
    {
        using var browser = _app.CreateBrowser(null);

        var html = await browser.GetStringAsync("/login", TestContext.Current.CancellationToken);

        Assert.Contains("Demo mailbox: user name &quot;demo&quot;, password &quot;demo&quot;", html, StringComparison.Ordinal);
        Assert.DoesNotContain("login-server", html, StringComparison.Ordinal); // one server: no picker
        Assert.DoesNotContain("<script>", html, StringComparison.Ordinal); // the CSP allows no inline script
    }

    [Fact]
    public async Task TheDemoMailboxAcceptsTheDemoCredentials()
    {
        await using var scope = _app.Services.CreateAsyncScope();
        var session = scope.ServiceProvider.GetRequiredService<MailboxSession>();

        var result = await session.SignInAsync(new SignInRequest(DemoPop3Server.DemoUserName, DemoPop3Server.DemoPassword, "demo"), TestContext.Current.CancellationToken);

        Assert.True(result.Succeeded);
        Assert.NotEmpty(session.Messages);
        await session.SignOutAsync(TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task RussianBrowsersGetTheRussianLoginPage()
    {
        using var browser = _app.CreateBrowser(null);
        browser.DefaultRequestHeaders.AcceptLanguage.ParseAdd("ru-RU,ru;q=0.9,en;q=0.5");

        var html = WebUtility.HtmlDecode(await browser.GetStringAsync("/login", TestContext.Current.CancellationToken));

        Assert.Contains("Вход в почтовый ящик", html, StringComparison.Ordinal);
        Assert.Contains("<html lang=\"ru\"", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheLanguageSwitchSetsTheCultureCookieAndOnlyRedirectsLocally()
    {
        using var browser = _app.CreateBrowser(null);

        using var local = await browser.GetAsync("/culture/ru?returnUrl=%2Flogin%3FreturnUrl%3D%252Finbox", TestContext.Current.CancellationToken);
        using var offsite = await browser.GetAsync("/culture/ru?returnUrl=%2F%2Fevil.example%2F", TestContext.Current.CancellationToken);
        using var unknown = await browser.GetAsync("/culture/xx?returnUrl=%2Flogin", TestContext.Current.CancellationToken);

        Assert.Equal("/login?returnUrl=%2Finbox", local.Headers.Location?.OriginalString);
        Assert.Contains(local.Headers.GetValues("Set-Cookie"), c => c.StartsWith(".AspNetCore.Culture=c%3Dru%7Cuic%3Dru", StringComparison.Ordinal));
        Assert.Equal("/login", offsite.Headers.Location?.OriginalString);
        Assert.False(unknown.Headers.Contains("Set-Cookie"));
    }

    [Theory]
    [InlineData("%2F%20%2F%2Fevil.example%2F")] // "/ //evil.example/": a browser strips the space
    [InlineData("%2F%09%2Fevil.example%2F")] // "/\t/evil.example/": a browser removes the tab
    [InlineData("%2F%2520%2F%2Fevil.example%2F")] // the same, encoded once more
    [InlineData("%2F%5C%2Fevil.example%2F")]
    [InlineData("https%3A%2F%2Fevil.example%2F")]
    [InlineData("%2F..%2F%2Fevil.example%2F")]
    public async Task TheLanguageSwitchNeverRedirectsOffSite(string returnUrl)
    {
        using var browser = _app.CreateBrowser(null);

        using var response = await browser.GetAsync("/culture/ru?returnUrl=" + returnUrl, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/login", response.Headers.Location?.OriginalString);
    }

    [Fact]
    public async Task TheTopLevelWwwrootIsServed()
    {
        using var browser = _app.CreateBrowser(null);
        var repositoryWwwroot = FindRepositoryWwwroot();

        var css = await browser.GetStringAsync("/app.css", TestContext.Current.CancellationToken);
        var js = await browser.GetStringAsync("/app.js", TestContext.Current.CancellationToken);

        Assert.Equal(await File.ReadAllTextAsync(Path.Combine(repositoryWwwroot, "app.css"), TestContext.Current.CancellationToken), css);
        Assert.Equal(await File.ReadAllTextAsync(Path.Combine(repositoryWwwroot, "app.js"), TestContext.Current.CancellationToken), js);
    }

    [Fact]
    public async Task MudBlazorAssetsAreServed()
    {
        using var browser = _app.CreateBrowser(null);

        using var response = await browser.GetAsync("/_content/MudBlazor/MudBlazor.min.css", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True((await response.Content.ReadAsByteArrayAsync(TestContext.Current.CancellationToken)).Length > 10_000);
    }

    private static string FindRepositoryWwwroot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Pop3Webmail.sln")))
            {
                return Path.Combine(directory.FullName, "wwwroot");
            }
        }

        throw new InvalidOperationException("The repository root was not found above " + AppContext.BaseDirectory);
    }
}
