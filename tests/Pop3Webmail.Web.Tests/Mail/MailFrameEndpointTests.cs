using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Pop3Webmail.Web.Mail;
using Pop3Webmail.Web.Tests.Support;

namespace Pop3Webmail.Web.Tests.Mail;

/// <summary>
/// GET /mailframe/{token} in the real app: the sanitized body once, only to the browser it was issued to, as a
/// sandboxed document with its own policy; anything else is a bare 404.
/// </summary>
public sealed class MailFrameEndpointTests : IAsyncLifetime
{
    private WebAppFactory _app = null!;

    public ValueTask InitializeAsync()
    {
        _app = new WebAppFactory(server: null);
        return ValueTask.CompletedTask;
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();

    private MailFrameStore Frames => _app.Services.GetRequiredService<MailFrameStore>();

    [Fact]
    public async Task TheBodyIsServedOnceToItsBrowserAsASandboxedDocumentWithItsOwnPolicy()
    {
        var view = MailFixtures.Renderer.Render(MailFixtures.HtmlMessage("<p>Hello</p><img src=\"https://tracker.example/p.gif\">"));
        var url = MailFrameEndpoint.RelativeUrl(Frames.Issue("browser-a", view.Html!));
        using var browser = _app.CreateBrowser("browser-a");

        using var response = await browser.GetAsync("/" + url, TestContext.Current.CancellationToken);
        using var again = await browser.GetAsync("/" + url, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("utf-8", response.Content.Headers.ContentType?.CharSet);
        Assert.Equal(view.Html!.Document, await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        var csp = Assert.Single(response.Headers.GetValues("Content-Security-Policy"));
        Assert.StartsWith("sandbox allow-popups allow-popups-to-escape-sandbox; default-src 'none'; img-src data:;", csp, StringComparison.Ordinal);
        Assert.DoesNotContain("allow-scripts", csp, StringComparison.Ordinal);
        Assert.DoesNotContain("allow-same-origin", csp, StringComparison.Ordinal);
        Assert.EndsWith("frame-ancestors 'self'", csp, StringComparison.Ordinal);
        Assert.Equal("SAMEORIGIN", Assert.Single(response.Headers.GetValues("X-Frame-Options")));
        Assert.True(response.Headers.CacheControl?.NoStore);
        Assert.Equal("no-referrer", Assert.Single(response.Headers.GetValues("Referrer-Policy")));
        Assert.Equal("nosniff", Assert.Single(response.Headers.GetValues("X-Content-Type-Options")));
        Assert.Equal(HttpStatusCode.NotFound, again.StatusCode);
    }

    [Fact]
    public async Task RemoteImagesAreAllowedOnlyInTheFrameOfABodyRenderedToShowThem()
    {
        var message = MailFixtures.HtmlMessage("<img src=\"https://images.example/a.png\">");
        var shown = MailFixtures.Renderer.Render(message, showRemoteContent: true);
        using var browser = _app.CreateBrowser("browser-a");

        using var response = await browser.GetAsync("/" + MailFrameEndpoint.RelativeUrl(Frames.Issue("browser-a", shown.Html!)), TestContext.Current.CancellationToken);

        Assert.Contains("; img-src data: http: https:;", Assert.Single(response.Headers.GetValues("Content-Security-Policy")), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnotherBrowserOrNoBrowserCookieGets404()
    {
        var view = MailFixtures.Renderer.Render(MailFixtures.HtmlMessage("<p>private</p>"));
        using var otherBrowser = _app.CreateBrowser("browser-b");
        using var noCookie = _app.CreateBrowser(null);

        using var stolen = await otherBrowser.GetAsync("/" + MailFrameEndpoint.RelativeUrl(Frames.Issue("browser-a", view.Html!)), TestContext.Current.CancellationToken);
        using var bare = await noCookie.GetAsync("/" + MailFrameEndpoint.RelativeUrl(Frames.Issue("browser-a", view.Html!)), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.NotFound, stolen.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, bare.StatusCode);
        Assert.DoesNotContain("private", await stolen.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnExpiredOrGuessedTokenGets404()
    {
        var view = MailFixtures.Renderer.Render(MailFixtures.HtmlMessage("<p>Hello</p>"));
        var url = MailFrameEndpoint.RelativeUrl(Frames.Issue("browser-a", view.Html!));
        _app.Time.Advance(new MailRenderingOptions().FrameLinkLifetime);
        using var browser = _app.CreateBrowser("browser-a");

        using var expired = await browser.GetAsync("/" + url, TestContext.Current.CancellationToken);
        using var guessed = await browser.GetAsync("/mailframe/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.NotFound, expired.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, guessed.StatusCode);
    }
}
