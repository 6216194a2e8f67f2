using System.Net;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Options;
using Pop3Webmail.Web.Configuration;
using Pop3Webmail.Web.Security;
using Pop3Webmail.Web.Tests.Support;

namespace Pop3Webmail.Web.Tests.Security;

/// <summary>The app's own headers in the real pipeline: HSTS only over HTTPS, and a policy that lets no remote content in.</summary>
public sealed class SecurityHeadersMiddlewareTests
{
    private static readonly Uri Https = new("https://mail.example.test/");

    [Fact]
    public async Task OverHttpsToARealHostHstsIsSentForAYear()
    {
        await using var app = new WebAppFactory(server: null);

        using var response = await GetLoginAsync(app, Https);

        Assert.Equal("max-age=31536000", Assert.Single(response.Headers.GetValues("Strict-Transport-Security")));
    }

    [Fact]
    public async Task OverPlainHttpThereIsNoHsts()
    {
        await using var app = new WebAppFactory(server: null);

        using var response = await GetLoginAsync(app, new Uri("http://mail.example.test/"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.False(response.Headers.Contains("Strict-Transport-Security"));
    }

    [Theory]
    [InlineData("https://localhost/")]
    [InlineData("https://127.0.0.1/")]
    [InlineData("https://[::1]/")]
    public async Task ALoopbackHostGetsNoHstsEvenOverHttps(string baseAddress)
    {
        await using var app = new WebAppFactory(server: null);

        using var response = await GetLoginAsync(app, new Uri(baseAddress));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.False(response.Headers.Contains("Strict-Transport-Security"));
    }

    [Fact]
    public async Task HstsIsConfigurableAndAZeroMaxAgeTurnsItOff()
    {
        await using var longer = new WebAppFactory(server: null, ("Hsts:MaxAge", "730.00:00:00"), ("Hsts:IncludeSubDomains", "true"));
        await using var off = new WebAppFactory(server: null, ("Hsts:MaxAge", "00:00:00"));

        using var withSubdomains = await GetLoginAsync(longer, Https);
        using var none = await GetLoginAsync(off, Https);

        Assert.Equal("max-age=63072000; includeSubDomains", Assert.Single(withSubdomains.Headers.GetValues("Strict-Transport-Security")));
        Assert.False(none.Headers.Contains("Strict-Transport-Security"));
    }

    [Fact]
    public async Task ANegativeMaxAgeStopsTheAppAtStartup()
    {
        await using var app = new WebAppFactory(server: null, ("Hsts:MaxAge", "-00:00:01"));

        var failure = Assert.Throws<OptionsValidationException>(() => app.CreateClient());

        Assert.Contains("Hsts:MaxAge", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheAppsPolicyAllowsNoRemoteImageOrFrame()
    {
        await using var app = new WebAppFactory(server: null);

        using var response = await GetLoginAsync(app, Https);

        var directives = Assert.Single(response.Headers.GetValues("Content-Security-Policy")).Split(';', StringSplitOptions.TrimEntries)
            .ToDictionary(d => d.Split(' ')[0], d => d.Split(' ')[1..]);
        Assert.Equal(["'self'", "data:", "blob:"], directives["img-src"]);
        Assert.Equal(["'self'"], directives["frame-src"]);
        Assert.Equal(["'self'"], directives["default-src"]);
        Assert.Equal(["'none'"], directives["frame-ancestors"]);
    }

    [Fact]
    public void TheHeaderValueFollowsRfc6797()
    {
        Assert.Equal("max-age=86400", SecurityHeadersMiddleware.StrictTransportSecurity(new HstsPolicyOptions { MaxAge = TimeSpan.FromDays(1) }));
        Assert.Null(SecurityHeadersMiddleware.StrictTransportSecurity(new HstsPolicyOptions { MaxAge = TimeSpan.Zero }));
    }

    private static async Task<HttpResponseMessage> GetLoginAsync(WebAppFactory app, Uri baseAddress)
    {
        using var client = app.CreateClient(new WebApplicationFactoryClientOptions { BaseAddress = baseAddress, AllowAutoRedirect = false });
        return await client.GetAsync("/login", TestContext.Current.CancellationToken);
    }
}
