using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Pop3Webmail.DemoServer;
using Pop3Webmail.EndToEnd.Tests.Support;
using Pop3Webmail.Testing;

namespace Pop3Webmail.EndToEnd.Tests.Health;

/// <summary>/healthz and /readyz over HTTP, against real and scripted POP3 servers.</summary>
public sealed class ReadinessTests
{
    [Fact]
    public async Task LivenessAnswersWhileReadinessReportsAMailServerThatIsDown()
    {
        using var offline = BoundButNotListening();
        await using var app = WebmailApp.Start(Server("Down", "127.0.0.1", PortOf(offline), "StartTls"));
        using var http = app.CreateHttpClient();

        using var live = await http.GetAsync("healthz", TestContext.Current.CancellationToken);
        using var ready = await http.GetAsync("readyz", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        Assert.Equal("Healthy", await live.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        Assert.True(live.Headers.CacheControl?.NoStore);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        Assert.Equal("Unhealthy", await ready.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)); // no server names for anonymous callers
    }

    [Fact]
    public async Task ReadinessGreetsEveryDovecotPortButNeverLogsIn()
    {
        RealServers.RequireDovecot();
        await using var dovecot = await DovecotServer.StartAsync(new DovecotServerOptions { Users = [new DovecotUser("ready", "secret")] }, TestContext.Current.CancellationToken);
        await using var app = WebmailApp.Start(
            Server("StartTls", dovecot.Host, dovecot.Port, "StartTls", dovecot.CertificateThumbprint, index: 0)
                .Concat(Server("Tls", dovecot.Host, dovecot.TlsPort, "Tls", dovecot.CertificateThumbprint, index: 1)));
        using var http = app.CreateHttpClient();

        using var ready = await http.GetAsync("readyz", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.Equal("Healthy", await ready.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        Assert.Empty(dovecot.ReadSessions());
        Assert.Empty(dovecot.ReadFailedLogins());
    }

    [Fact]
    public async Task AnImplicitTlsServerWithAnUntrustedCertificateIsNotReady()
    {
        RealServers.RequireDovecot();
        await using var dovecot = await DovecotServer.StartAsync(new DovecotServerOptions(), TestContext.Current.CancellationToken);
        await using var app = WebmailApp.Start(Server("Self-signed, not pinned", dovecot.Host, dovecot.TlsPort, "Tls"));
        using var http = app.CreateHttpClient();

        using var ready = await http.GetAsync("readyz", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
    }

    [Fact]
    public async Task AProbeSendsNoCommandButQuit()
    {
        await using var pop3 = DemoPop3Server.Start();
        await using var app = WebmailApp.Start(Plaintext(pop3));
        using var http = app.CreateHttpClient();

        using var ready = await http.GetAsync("readyz", TestContext.Current.CancellationToken);
        await pop3.WaitUntilAsync(s => s.TotalSessionCount == 1 && s.OpenSessionCount == 0, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.Equal(["QUIT"], pop3.Sessions.Single().Commands);
    }

    [Fact]
    public async Task AServerThatGreetsWithAnErrorIsNotReady()
    {
        await using var pop3 = DemoPop3Server.Start();
        pop3.Faults.GreetingReply = "-ERR [SYS/TEMP] Down for maintenance\r\n";
        await using var app = WebmailApp.Start(Plaintext(pop3));
        using var http = app.CreateHttpClient();

        using var ready = await http.GetAsync("readyz", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
    }

    [Fact]
    public async Task AServerThatAcceptsButNeverGreetsIsNotReadyAfterTheProbeTimeout()
    {
        // The kernel completes the TCP handshake from the backlog; nothing ever accepts or writes.
        using var silent = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        silent.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        silent.Listen(8);
        await using var app = WebmailApp.Start(Server("Silent", "127.0.0.1", PortOf(silent), "StartTls")
            .Append(new("Health:ProbeTimeout", "00:00:00.300")));
        using var http = app.CreateHttpClient();

        using var ready = await http.GetAsync("readyz", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
    }

    [Fact]
    public async Task AResultIsReusedForTheCacheDurationThenTheServersAreProbedAgain()
    {
        await using var pop3 = DemoPop3Server.Start();
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var app = WebmailApp.Start(Plaintext(pop3).Append(new("Health:CacheDuration", "00:00:10")),
            services => services.AddSingleton<TimeProvider>(clock));
        using var http = app.CreateHttpClient();

        var first = await ReadinessAsync(http);
        pop3.Faults.GreetingReply = "-ERR going down\r\n";
        var cached = await ReadinessAsync(http);
        var probesWithinTheCacheDuration = pop3.TotalSessionCount;
        clock.Advance(TimeSpan.FromSeconds(10));
        var fresh = await ReadinessAsync(http);

        Assert.Equal(HttpStatusCode.OK, first);
        Assert.Equal(HttpStatusCode.OK, cached);
        Assert.Equal(1, probesWithinTheCacheDuration);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, fresh);
        Assert.Equal(2, pop3.TotalSessionCount);
    }

    [Fact]
    public async Task WithNoServerConfiguredTheDemoMailboxMakesTheAppReady()
    {
        await using var app = WebmailApp.Start([]);
        using var http = app.CreateHttpClient();

        using var ready = await http.GetAsync("readyz", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
    }

    internal static IEnumerable<KeyValuePair<string, string?>> Server(string name, string host, int port, string security, string? pin = null, int index = 0)
    {
        var prefix = string.Create(CultureInfo.InvariantCulture, $"Mail:Servers:{index}:");
        yield return new(prefix + "Name", name);
        yield return new(prefix + "Host", host);
        yield return new(prefix + "Port", port.ToString(CultureInfo.InvariantCulture));
        yield return new(prefix + "Security", security);
        if (pin is not null)
        {
            yield return new(prefix + "CertificateThumbprint", pin);
        }
    }

    internal static Socket BoundButNotListening()
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return socket;
    }

    internal static int PortOf(Socket socket) => ((IPEndPoint)socket.LocalEndPoint!).Port;

    private static IEnumerable<KeyValuePair<string, string?>> Plaintext(DemoPop3Server pop3) =>
        Server("Demo", pop3.Host, pop3.Port, "None").Append(new("Mail:Servers:0:AllowPlaintextAuthentication", "true"));

    private static async Task<HttpStatusCode> ReadinessAsync(HttpClient http)
    {
        using var response = await http.GetAsync("readyz", TestContext.Current.CancellationToken);
        return response.StatusCode;
    }
}
