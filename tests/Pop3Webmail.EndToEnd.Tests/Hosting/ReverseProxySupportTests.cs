using System.Net;
using Pop3Webmail.EndToEnd.Tests.Support;

namespace Pop3Webmail.EndToEnd.Tests.Hosting;

/// <summary>
/// Forwarded headers and path base over real loopback HTTP (the caller is 127.0.0.1, which ASP.NET Core itself would
/// trust by default). What the app believed shows in what it sends back: the browser-binding cookie is Secure only
/// when the request is known to be HTTPS, and the page's base href carries the path base.
/// </summary>
public sealed class ReverseProxySupportTests
{
    [Fact]
    public async Task WithoutConfigurationNoForwardedHeaderIsBelievedEvenFromLoopback()
    {
        await using var app = WebmailApp.Start([]);
        using var http = app.CreateHttpClient();

        var (cookie, html) = await LoginPageAsync(http, ("X-Forwarded-Proto", "https"), ("X-Forwarded-Prefix", "/evil"), ("X-Forwarded-Host", "evil.example"));

        Assert.DoesNotContain("secure", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("<base href=\"/\" />", html, StringComparison.Ordinal);
        Assert.DoesNotContain("evil", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AKnownProxyIsBelievedAboutHttps()
    {
        await using var app = WebmailApp.Start([new("ForwardedHeaders:KnownProxies:0", "127.0.0.1")]);
        using var http = app.CreateHttpClient();

        var (cookie, _) = await LoginPageAsync(http, ("X-Forwarded-Proto", "https"), ("X-Forwarded-For", "203.0.113.7"));

        Assert.Contains("secure", cookie, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task ACallerOutsideTheKnownNetworksIsNotBelieved()
    {
        await using var app = WebmailApp.Start([new("ForwardedHeaders:KnownNetworks:0", "10.0.0.0/8")]);
        using var http = app.CreateHttpClient();

        var (cookie, _) = await LoginPageAsync(http, ("X-Forwarded-Proto", "https"));

        Assert.DoesNotContain("secure", cookie, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task AForwardedPrefixSetsThePathBaseOnlyWhenThatHeaderIsEnabled()
    {
        await using var defaults = WebmailApp.Start([new("ForwardedHeaders:KnownProxies:0", "127.0.0.1")]);
        await using var withPrefix = WebmailApp.Start(
        [
            new("ForwardedHeaders:KnownProxies:0", "127.0.0.1"),
            new("ForwardedHeaders:Headers", "XForwardedFor, XForwardedProto, XForwardedPrefix"),
        ]);
        using var defaultsHttp = defaults.CreateHttpClient();
        using var withPrefixHttp = withPrefix.CreateHttpClient();

        var (_, ignored) = await LoginPageAsync(defaultsHttp, ("X-Forwarded-Prefix", "/mail"));
        var (_, honoured) = await LoginPageAsync(withPrefixHttp, ("X-Forwarded-Prefix", "/mail"));

        Assert.Contains("<base href=\"/\" />", ignored, StringComparison.Ordinal);
        Assert.Contains("<base href=\"/mail/\" />", honoured, StringComparison.Ordinal);
    }

    [Fact]
    public async Task APathBaseServesTheAppBelowItAndKeepsHealthAtTheRoot()
    {
        await using var app = WebmailApp.Start([new("PathBase", "/mail/")]);
        using var http = app.CreateHttpClient();

        var (_, html) = await LoginPageAsync(http, path: "mail/login");
        using var challenge = await http.GetAsync("mail/inbox", TestContext.Current.CancellationToken);
        using var script = await http.GetAsync("mail/_framework/blazor.web.js", TestContext.Current.CancellationToken);
        using var rootHealth = await http.GetAsync("healthz", TestContext.Current.CancellationToken);
        using var subPathHealth = await http.GetAsync("mail/healthz", TestContext.Current.CancellationToken);

        Assert.Contains("<base href=\"/mail/\" />", html, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, challenge.StatusCode);
        Assert.Equal("/mail/login?returnUrl=%2Finbox", challenge.Headers.Location?.OriginalString);
        Assert.Equal(HttpStatusCode.OK, script.StatusCode);
        Assert.Equal(HttpStatusCode.OK, rootHealth.StatusCode);
        Assert.Equal(HttpStatusCode.OK, subPathHealth.StatusCode);
    }

    [Fact]
    public async Task TheLanguageSwitchRedirectsBelowThePathBase()
    {
        await using var app = WebmailApp.Start([new("PathBase", "/mail")]);
        using var http = app.CreateHttpClient();

        using var response = await http.GetAsync("mail/culture/ru?returnUrl=%2Flogin", TestContext.Current.CancellationToken);

        Assert.Equal("/mail/login", response.Headers.Location?.OriginalString);
    }

    [Theory]
    [InlineData("ForwardedHeaders:KnownProxies:0", "proxy.example", "KnownProxies")]
    [InlineData("ForwardedHeaders:KnownNetworks:0", "10.0.0.0", "KnownNetworks")]
    [InlineData("ForwardedHeaders:Headers", "XForwardedProto", "lists no KnownProxies")]
    [InlineData("PathBase", "/mail?x=1", "PathBase")]
    public void AMisconfigurationStopsTheAppAtStartup(string key, string value, string named)
    {
        var error = Assert.ThrowsAny<Exception>(() => WebmailApp.Start([new(key, value)]));

        Assert.Contains(named, Flatten(error), StringComparison.Ordinal);
    }

    [Fact]
    public void AnUnknownForwardedHeaderNameStopsTheAppAtStartup()
    {
        var error = Assert.ThrowsAny<Exception>(() => WebmailApp.Start(
        [
            new("ForwardedHeaders:KnownProxies:0", "127.0.0.1"),
            new("ForwardedHeaders:Headers", "XForwardedFor, XRealIp"),
        ]));

        Assert.Contains("ForwardedHeaders:Headers", Flatten(error), StringComparison.Ordinal);
    }

    private static string Flatten(Exception error) =>
        string.Join(" | ", Enumerable.Repeat(error, 1).Concat(error is AggregateException aggregate ? aggregate.Flatten().InnerExceptions : [])
            .SelectMany(e => new[] { e, e.InnerException }).OfType<Exception>().Select(e => e.Message));

    private static async Task<(string BrowserCookie, string Html)> LoginPageAsync(HttpClient http, params (string Name, string Value)[] headers) =>
        await LoginPageAsync(http, "login", headers);

    private static async Task<(string BrowserCookie, string Html)> LoginPageAsync(HttpClient http, string path, params (string Name, string Value)[] headers)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        foreach (var (name, value) in headers)
        {
            request.Headers.Add(name, value);
        }

        using var response = await http.SendAsync(request, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var cookie = response.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith(Pop3Webmail.Web.Security.BrowserBinding.CookieName + "=", StringComparison.Ordinal));
        return (cookie, await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
    }
}
