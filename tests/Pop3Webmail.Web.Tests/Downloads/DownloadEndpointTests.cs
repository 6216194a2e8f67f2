using System.Net;
using Pop3Webmail.DemoServer;
using Pop3Webmail.Web.Session;
using Pop3Webmail.Web.Tests.Support;

namespace Pop3Webmail.Web.Tests.Downloads;

/// <summary>
/// GET /download/{token} in the real app: streams once, only to the browser of the session that issued the link,
/// only while that session is signed in, only until the link expires. Anything else is a bare 204 No Content: a browser that started it from the page stays on the page.
/// </summary>
public sealed class DownloadEndpointTests : IAsyncLifetime
{
    private DemoPop3Server _demo = null!;
    private WebAppFactory _app = null!;

    public ValueTask InitializeAsync()
    {
        _demo = DemoPop3Server.Start(new DemoPop3ServerOptions
        {
            Accounts =
            [
                new DemoPop3Account(DemoPop3Server.DemoUserName, DemoPop3Server.DemoPassword,
                    new DemoMailbox([TestMailboxes.Numbered(1), AttachmentMessages.Create(), TestMailboxes.Numbered(3)])),
                new DemoPop3Account("other", "other-secret", TestMailboxes.Create(1)),
            ],
        });
        _app = new WebAppFactory(_demo);
        return ValueTask.CompletedTask;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.DisposeAsync();
        await _demo.DisposeAsync();
    }

    [Fact]
    public async Task TheRawMessageStreamsByteForByteExactlyOnce()
    {
        var (scope, session) = await SignedInTabAsync("browser-a");
        await using var _ = scope;
        var raw = _demo.GetMessages(DemoPop3Server.DemoUserName)[2];
        var link = session.CreateDownloadLink(DownloadTarget.RawMessage(session.Messages[0].Key));
        using var browser = _app.CreateBrowser("browser-a");

        using var response = await browser.GetAsync("/" + link, TestContext.Current.CancellationToken);
        using var again = await browser.GetAsync("/" + link, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(raw.Content.ToArray(), await response.Content.ReadAsByteArrayAsync(TestContext.Current.CancellationToken));
        Assert.Equal("message/rfc822", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("attachment", response.Content.Headers.ContentDisposition?.DispositionType);
        Assert.Equal("Message 00003.eml", response.Content.Headers.ContentDisposition?.FileNameStar);
        Assert.True(response.Headers.CacheControl?.NoStore);
        Assert.Equal(HttpStatusCode.NoContent, again.StatusCode);
    }

    [Fact]
    public async Task AnAttachmentDownloadsAsAFileWithItsDecodedBytes()
    {
        var (scope, session) = await SignedInTabAsync("browser-a");
        await using var _ = scope;
        var key = session.Messages.Single(m => m.Subject == "Quarterly report").Key;
        var opened = await session.OpenMessageAsync(key, TestContext.Current.CancellationToken);
        var pdfIndex = opened.Read(m => m.BodyParts.ToList().FindIndex(p => p.ContentType.MimeType == "application/pdf"));
        using var browser = _app.CreateBrowser("browser-a");

        using var response = await browser.GetAsync("/" + session.CreateDownloadLink(DownloadTarget.BodyPart(key, pdfIndex)), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(AttachmentMessages.Report, await response.Content.ReadAsByteArrayAsync(TestContext.Current.CancellationToken));
        Assert.Equal("application/octet-stream", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("report.pdf", response.Content.Headers.ContentDisposition?.FileNameStar);
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
    }

    [Fact]
    public async Task AnImagePreviewIsInlineSandboxedAndFramableOnlyByThisOriginAndAPdfIsNeverInline()
    {
        var (scope, session) = await SignedInTabAsync("browser-a");
        await using var _ = scope;
        var key = session.Messages.Single(m => m.Subject == "Quarterly report").Key;
        var opened = await session.OpenMessageAsync(key, TestContext.Current.CancellationToken);
        var pngIndex = opened.Read(m => m.BodyParts.ToList().FindIndex(p => p.ContentType.MimeType == "image/png"));
        var pdfIndex = opened.Read(m => m.BodyParts.ToList().FindIndex(p => p.ContentType.MimeType == "application/pdf"));
        var textIndex = opened.Read(m => m.BodyParts.ToList().FindIndex(p => p.ContentType.MimeType == "text/plain"));
        using var browser = _app.CreateBrowser("browser-a");

        using var png = await browser.GetAsync("/" + session.CreateDownloadLink(DownloadTarget.Preview(key, pngIndex)), TestContext.Current.CancellationToken);
        using var text = await browser.GetAsync("/" + session.CreateDownloadLink(DownloadTarget.Preview(key, textIndex)), TestContext.Current.CancellationToken);
        using var pdf = await browser.GetAsync("/" + session.CreateDownloadLink(DownloadTarget.Preview(key, pdfIndex)), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, png.StatusCode);
        Assert.Equal("image/png", png.Content.Headers.ContentType?.MediaType);
        Assert.Equal("inline", png.Content.Headers.ContentDisposition?.DispositionType);
        Assert.Equal("SAMEORIGIN", png.Headers.GetValues("X-Frame-Options").Single());
        Assert.StartsWith("sandbox;", png.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
        Assert.Equal(AttachmentMessages.Png, await png.Content.ReadAsByteArrayAsync(TestContext.Current.CancellationToken));
        Assert.Equal(HttpStatusCode.NoContent, text.StatusCode); // only raster images are ever shown inline
        Assert.Equal(HttpStatusCode.NoContent, pdf.StatusCode); // a PDF cannot be shown sandboxed: it is a download
    }

    [Fact]
    public async Task ALinkFromAnotherBrowsersSessionIsNoContent()
    {
        var (scopeA, sessionA) = await SignedInTabAsync("browser-a");
        await using var _ = scopeA;
        var (scopeB, sessionB) = await SignedInTabAsync("browser-b", "other", "other-secret");
        await using var __ = scopeB;
        var linkOfB = sessionB.CreateDownloadLink(DownloadTarget.RawMessage(sessionB.Messages[0].Key));
        var linkOfA = sessionA.CreateDownloadLink(DownloadTarget.RawMessage(sessionA.Messages[0].Key));
        using var browserA = _app.CreateBrowser("browser-a");
        using var noCookie = _app.CreateBrowser(null);

        using var stolen = await browserA.GetAsync("/" + linkOfB, TestContext.Current.CancellationToken);
        using var bare = await noCookie.GetAsync("/" + linkOfA, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.NoContent, stolen.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, bare.StatusCode);
        Assert.Equal(0L, stolen.Content.Headers.ContentLength ?? (await stolen.Content.ReadAsByteArrayAsync(TestContext.Current.CancellationToken)).LongLength);
    }

    [Fact]
    public async Task ALinkIssuedBeforeSignOutIsNoContent()
    {
        var (scope, session) = await SignedInTabAsync("browser-a");
        await using var _ = scope;
        var link = session.CreateDownloadLink(DownloadTarget.RawMessage(session.Messages[0].Key));
        await session.SignOutAsync(TestContext.Current.CancellationToken);
        using var browser = _app.CreateBrowser("browser-a");

        using var response = await browser.GetAsync("/" + link, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
    }

    [Fact]
    public async Task AnExpiredLinkIsNoContent()
    {
        var (scope, session) = await SignedInTabAsync("browser-a");
        await using var _ = scope;
        var link = session.CreateDownloadLink(DownloadTarget.RawMessage(session.Messages[0].Key));
        _app.Time.Advance(TimeSpan.FromMinutes(3));
        using var browser = _app.CreateBrowser("browser-a");

        using var response = await browser.GetAsync("/" + link, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
    }

    [Fact]
    public async Task AGuessedTokenIsNoContent()
    {
        using var browser = _app.CreateBrowser("browser-a");

        using var response = await browser.GetAsync("/download/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
    }

    [Fact]
    public async Task ADownloadOfAMessageTheServerNoLongerHasIsNoContentAndThePageIsTold()
    {
        var (scope, session) = await SignedInTabAsync("browser-a");
        await using var _ = scope;
        var link = session.CreateDownloadLink(DownloadTarget.RawMessage(session.Messages[0].Key));
        _demo.Faults.ReplaceReply("RETR", "-ERR No such message\r\n");
        using var browser = _app.CreateBrowser("browser-a");

        using var response = await browser.GetAsync("/" + link, TestContext.Current.CancellationToken);
        _demo.Faults.Clear();

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Equal(MailboxNoticeKind.DownloadFailed, session.Notice?.Kind);
        Assert.NotNull(session.Account); // the visit goes on, nothing was committed
        Assert.Equal(0, _demo.QuitCount);
    }

    [Fact]
    public async Task ADownloadOnAConnectionThatDroppedSignsInAgainLikeAnyCommand()
    {
        var (scope, session) = await SignedInTabAsync("browser-a");
        await using var _ = scope;
        var raw = _demo.GetMessages(DemoPop3Server.DemoUserName)[2];
        var link = session.CreateDownloadLink(DownloadTarget.RawMessage(session.Messages[0].Key));
        _demo.Disconnect(DemoPop3Server.DemoUserName);
        using var browser = _app.CreateBrowser("browser-a");

        using var response = await browser.GetAsync("/" + link, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(raw.Content.ToArray(), await response.Content.ReadAsByteArrayAsync(TestContext.Current.CancellationToken));
        Assert.Equal(2, _demo.TotalSessionCount);
    }

    [Fact]
    public async Task DisposingTheCircuitScopeKeepsTheVisitForAReloadThenQuits()
    {
        var (scope, _) = await SignedInTabAsync("browser-a");
        var before = _demo.QuitCount;

        await scope.DisposeAsync();
        Assert.Equal(before, _demo.QuitCount);
        _app.Time.Advance(TimeSpan.FromSeconds(60));

        await _demo.WaitForQuitAsync(before + 1, TestContext.Current.CancellationToken).WaitAsync(TimeSpan.FromSeconds(15), TestContext.Current.CancellationToken);
    }

    private async Task<(AsyncServiceScopeHolder Scope, MailboxSession Session)> SignedInTabAsync(string browserKey, string user = DemoPop3Server.DemoUserName, string password = DemoPop3Server.DemoPassword)
    {
        var (scope, session) = _app.CreateTab(browserKey);
        var result = await session.SignInAsync(new SignInRequest(user, password, "Test"), TestContext.Current.CancellationToken);
        Assert.True(result.Succeeded, result.Error.ToString());
        return (scope, session);
    }
}
