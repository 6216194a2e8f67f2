using System.Collections.Concurrent;
using Pop3Webmail.EndToEnd.Tests.Support;
using Pop3Webmail.Testing;

namespace Pop3Webmail.EndToEnd.Tests.Browser;

/// <summary>The production shape: HTTPS at a reverse proxy, the app under /mail behind it, trusting only that proxy.</summary>
[Collection(BrowserCollectionDefinition.Name)]
public sealed class PathBaseTests(WebmailFixture fixture)
{
    [Fact(Timeout = 60_000)]
    public async Task UnderASubPathBehindATlsProxyEverythingStaysBelowTheSubPath()
    {
        fixture.Require();
        var settings = WebmailFixture.ServerSettings(0, WebmailFixture.DovecotServerName, fixture.Dovecot).Concat(
        [
            new("PathBase", "/mail"),
            new("ForwardedHeaders:KnownProxies:0", "127.0.0.1"),
        ]);
        await using var app = WebmailApp.Start(settings);
        await using var proxy = await TlsReverseProxy.StartAsync("/mail", app.BaseAddress);
        var site = new Uri(proxy.BaseAddress, "mail/");
        var message = MessageFactory.Plain("Behind the proxy", "Served under /mail.", WebmailFixture.FirstDate);
        var account = fixture.CreateAccount("proxied", message);
        await using var tab = await WebmailTab.OpenAsync(fixture.Browser, site, ignoreHttpsErrors: true);
        var requests = new ConcurrentQueue<string>();
        var failures = new ConcurrentQueue<string>();
        var webSockets = new ConcurrentQueue<string>();
        tab.Page.Request += (_, request) => requests.Enqueue(request.Url);
        tab.Page.Response += (_, response) =>
        {
            if (response.Status >= 400)
            {
                failures.Enqueue(response.Status + " " + response.Url);
            }
        };
        tab.Page.WebSocket += (_, socket) => webSockets.Enqueue(socket.Url);

        await tab.GotoAsync(string.Empty);
        var loginUrl = tab.Page.Url;
        await tab.SignInAsync(account);
        var inboxUrl = tab.Page.Url;
        await tab.OpenMessageAsync(message.Subject);
        var eml = await tab.Page.RunAndWaitForDownloadAsync(() => tab.Page.Locator(".message-download").ClickAsync());
        var emlBytes = await File.ReadAllBytesAsync(await eml.PathAsync(), TestContext.Current.CancellationToken);
        var browserBinding = (await tab.Context.CookiesAsync()).Single(c => c.Name == "p3w-browser");
        await tab.SignOutAsync();
        var signedOutUrl = tab.Page.Url;

        Assert.Equal(new Uri(site, "login?returnUrl=%2F").ToString(), loginUrl);
        Assert.Equal(new Uri(site, "inbox").ToString(), inboxUrl);
        Assert.StartsWith(new Uri(site, "login").ToString(), signedOutUrl, StringComparison.Ordinal);
        Assert.Equal(message.Content, emlBytes);
        Assert.All(requests.Where(u => !u.StartsWith("data:", StringComparison.Ordinal)), url => Assert.StartsWith(site.ToString(), url, StringComparison.Ordinal));
        Assert.Empty(failures);
        Assert.Contains(webSockets, url => url.StartsWith("wss://" + site.Authority + "/mail/_blazor", StringComparison.Ordinal));

        // The app believed the proxy's X-Forwarded-Proto: it knows the browser talks HTTPS and marks its cookie Secure.
        Assert.True(browserBinding.Secure);
        var session = await account.WaitForEndedSessionAsync(cancellationToken: TestContext.Current.CancellationToken);
        Assert.True(session.LoggedOut, session.DisconnectReason);
    }
}
