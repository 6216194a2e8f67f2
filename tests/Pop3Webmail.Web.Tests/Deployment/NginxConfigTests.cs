using System.Net;
using System.Net.WebSockets;
using System.Text;
using System.Text.RegularExpressions;
using Pop3Webmail.Testing;

namespace Pop3Webmail.Web.Tests.Deployment;

/// <summary>
/// deploy/nginx/pop3webmail.conf itself (not a copy) in a private nginx in front of two stand-in app instances:
/// HTTP and the circuit WebSocket pass through, a browser sticks to one instance by its affinity cookie, browsers
/// spread over both, forwarded headers arrive, /metrics stays inside, and a stopped instance's browsers move on.
/// </summary>
public sealed partial class NginxConfigTests : IAsyncLifetime
{
    private const string AffinityCookie = "pop3webmail_affinity";
    private EchoBackend _first = null!;
    private EchoBackend _second = null!;
    private NginxServer _nginx = null!;
    private HttpClient _client = null!;

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        RealServers.RequireOrSkip(NginxServer.UnavailableReason);
        _first = await EchoBackend.StartAsync("first");
        _second = await EchoBackend.StartAsync("second");
        _nginx = await NginxServer.StartAsync(
            RepositoryFiles.PathOf("deploy/nginx/pop3webmail.conf"),
            port => new Dictionary<string, string>
            {
                ["pop3webmail/listen.conf"] = $"listen 127.0.0.1:{port};\nserver_name localhost;\n",
                ["pop3webmail/upstreams.conf"] = $"server {_first.Endpoint} max_fails=1 fail_timeout=10s;\nserver {_second.Endpoint} max_fails=1 fail_timeout=10s;\n",
            },
            Cancellation);
        _client = new HttpClient(new SocketsHttpHandler { UseCookies = false, AllowAutoRedirect = false, UseProxy = false }) { BaseAddress = _nginx.Address };
    }

    public async ValueTask DisposeAsync()
    {
        _client?.Dispose();
        if (_nginx is not null)
        {
            await _nginx.DisposeAsync();
        }

        foreach (var backend in new[] { _first, _second }.Where(b => b is not null))
        {
            await backend.DisposeAsync();
        }
    }

    [Fact]
    public async Task ABrowserGetsARandomAffinityCookieAndStaysOnOneInstanceWithIt()
    {
        using var first = await _client.GetAsync("/login", Cancellation);
        var setCookie = Assert.Single(first.Headers.GetValues("Set-Cookie"), c => c.StartsWith(AffinityCookie + "=", StringComparison.Ordinal));
        var value = AffinityValue().Match(setCookie).Groups["value"].Value;
        var instance = FirstLine(await first.Content.ReadAsStringAsync(Cancellation));

        var later = new List<string>();
        for (var i = 0; i < 10; i++)
        {
            using var response = await SendAsync("/inbox", value);
            Assert.False(response.Headers.Contains("Set-Cookie")); // the cookie is set once, never rotated
            later.Add(FirstLine(await response.Content.ReadAsStringAsync(Cancellation)));
        }

        Assert.Matches("^[0-9a-f]{32}$", value);
        Assert.Contains("HttpOnly", setCookie, StringComparison.Ordinal);
        Assert.Contains("Secure", setCookie, StringComparison.Ordinal);
        Assert.Contains("SameSite=Lax", setCookie, StringComparison.Ordinal);
        Assert.All(later, name => Assert.Equal(instance, name));
    }

    [Fact]
    public async Task NewBrowsersAreSpreadOverBothInstances()
    {
        var instances = new HashSet<string>();
        for (var i = 0; i < 40 && instances.Count < 2; i++)
        {
            using var response = await _client.GetAsync("/login", Cancellation);
            instances.Add(FirstLine(await response.Content.ReadAsStringAsync(Cancellation)));
        }

        Assert.Equal(["first", "second"], instances.Order());
    }

    [Fact]
    public async Task TheCircuitWebSocketIsUpgradedAndReachesTheBrowsersInstance()
    {
        var (cookie, instance) = await PinAsync();
        using var socket = new ClientWebSocket();
        socket.Options.SetRequestHeader("Cookie", $"{AffinityCookie}={cookie}");

        await socket.ConnectAsync(new Uri($"ws://127.0.0.1:{_nginx.Port}/_blazor?id=circuit"), Cancellation);
        await socket.SendAsync(Encoding.UTF8.GetBytes("ping"), WebSocketMessageType.Text, endOfMessage: true, Cancellation);
        var buffer = new byte[256];
        var received = await socket.ReceiveAsync(buffer, Cancellation);
        await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, null, Cancellation);

        Assert.Equal($"{instance}:ping", Encoding.UTF8.GetString(buffer, 0, received.Count));
    }

    [Fact]
    public async Task TheAppSeesTheOriginalHostSchemeAndClientAddress()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/login");
        request.Headers.Host = "mail.example.org";

        using var response = await _client.SendAsync(request, Cancellation);
        var echoed = await response.Content.ReadAsStringAsync(Cancellation);

        Assert.Contains("host=mail.example.org\n", echoed, StringComparison.Ordinal);
        Assert.Contains("for=127.0.0.1\n", echoed, StringComparison.Ordinal);
        Assert.Contains("proto=http\n", echoed, StringComparison.Ordinal);
        Assert.Contains("forwarded-host=mail.example.org\n", echoed, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MetricsAreNeverProxiedToTheApp()
    {
        using var response = await _client.GetAsync("/metrics", Cancellation);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.DoesNotContain("/metrics", _first.RequestedPaths.Concat(_second.RequestedPaths));
    }

    [Fact]
    public async Task WhenABrowsersInstanceStopsItsRequestsGoToTheOtherOne()
    {
        var (cookie, instance) = await PinAsync();
        var (stopped, other) = instance == _first.Name ? (_first, _second) : (_second, _first);

        await stopped.StopAsync();
        using var response = await SendAsync("/login", cookie);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(other.Name, FirstLine(await response.Content.ReadAsStringAsync(Cancellation)));
    }

    /// <summary>A fresh browser's affinity cookie and the instance it landed on.</summary>
    private async Task<(string Cookie, string Instance)> PinAsync()
    {
        using var response = await _client.GetAsync("/login", Cancellation);
        var setCookie = response.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith(AffinityCookie + "=", StringComparison.Ordinal));
        return (AffinityValue().Match(setCookie).Groups["value"].Value, FirstLine(await response.Content.ReadAsStringAsync(Cancellation)));
    }

    private Task<HttpResponseMessage> SendAsync(string path, string affinity)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Add("Cookie", $"{AffinityCookie}={affinity}");
        return _client.SendAsync(request, Cancellation);
    }

    private static string FirstLine(string text) => text.Split('\n')[0];

    [GeneratedRegex("^pop3webmail_affinity=(?<value>[^;]*);")]
    private static partial Regex AffinityValue();
}
