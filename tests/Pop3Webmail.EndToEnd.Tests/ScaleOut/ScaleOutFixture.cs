using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using Microsoft.Playwright;
using Pop3Webmail.EndToEnd.Tests.Support;
using Pop3Webmail.Testing;

namespace Pop3Webmail.EndToEnd.Tests.ScaleOut;

/// <summary>The scale-out scenarios share one setup and run one after another (they stop and kill its instances).</summary>
[CollectionDefinition(Name)]
public sealed class ScaleOutCollectionDefinition : ICollectionFixture<ScaleOutFixture>
{
    public const string Name = "Scale-out";
}

/// <summary>
/// Two instances of the real app, each its own process, behind a private nginx that runs the shipped
/// <c>deploy/nginx/pop3webmail.conf</c> itself, set up as docs/deployment.md tells an operator to: one Data Protection
/// key ring shared by both (the default key folder under a HOME both processes share, as the shared volume of the
/// deployment guide), the mailbox state store on one PostgreSQL (same connection string and installation secret), and
/// one Dovecot that locks a mailbox while a session holds it (<c>pop3_lock_session</c>). Chromium reaches the app only
/// through nginx. Each browser is placed on an instance by its nginx affinity cookie (a value nginx was seen to route
/// there), as a browser that has been there before would be.
/// </summary>
public sealed class ScaleOutFixture : IAsyncLifetime
{
    public const string AffinityCookie = "pop3webmail_affinity";
    public const string ServerName = "Dovecot";

    /// <summary>How long a visit outlives its closed tab (60 s by default): short, so scenarios leave nothing behind for long.</summary>
    internal static readonly TimeSpan ResumeGrace = TimeSpan.FromSeconds(3);

    private static readonly TimeSpan RoutingTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(100);
    private readonly HttpClient _http = new(new SocketsHttpHandler { UseCookies = false, AllowAutoRedirect = false, UseProxy = false }) { Timeout = TimeSpan.FromSeconds(30) };
    private readonly Dictionary<AppInstance, string> _affinity = [];
    private int _accounts;
    private DovecotServer? _dovecot;
    private PostgreSqlServer? _postgres;
    private string? _home;
    private AppInstance[] _instances = [];
    private NginxServer? _nginx;
    private IPlaywright? _playwright;
    private IBrowser? _browser;

    internal string? UnavailableReason { get; private set; }

    internal DovecotServer Dovecot => _dovecot ?? throw NotStarted();

    internal NginxServer Nginx => _nginx ?? throw NotStarted();

    /// <summary>The two instances, "A" and "B".</summary>
    internal IReadOnlyList<AppInstance> Instances => _instances;

    internal HttpClient Http => _http;

    internal IBrowser Browser => _browser ?? throw NotStarted();

    /// <summary>The shared Data Protection key ring: the folder both instances use by default under their shared HOME.</summary>
    internal string KeyRingDirectory => Path.Combine(_home ?? throw NotStarted(), ".aspnet", "DataProtection-Keys");

    public async ValueTask InitializeAsync()
    {
        UnavailableReason = RealServers.DovecotUnavailableReason ?? Chromium.UnavailableReason ?? NginxServer.UnavailableReason
            ?? PostgreSqlInstallation.UnavailableReason
            ?? (File.Exists(WebmailProcess.AppPath) ? null : $"The app is not built at {WebmailProcess.AppPath}.");
        if (UnavailableReason is not null)
        {
            return;
        }

        var dovecot = DovecotServer.StartAsync(new DovecotServerOptions { LockSession = true });
        var postgres = PostgreSqlServer.StartAsync();
        _playwright = await Microsoft.Playwright.Playwright.CreateAsync();
        try
        {
            _browser = await _playwright.Chromium.LaunchAsync(Chromium.LaunchOptions);
        }
        catch (PlaywrightException ex)
        {
            UnavailableReason = "Chromium did not start: " + ex.Message;
        }

        _dovecot = await dovecot;
        _postgres = await postgres;
        _home = Directory.CreateTempSubdirectory("p3w-scaleout-home-").FullName;
        var environment = InstanceEnvironment(_dovecot, _postgres, _home);
        var ports = LoopbackPorts.PickFree(4);
        _instances = [new AppInstance("A", ports[0], ports[2], environment), new AppInstance("B", ports[1], ports[3], environment)];

        // One after the other: the first page an instance renders protects its state with the key ring, so the first
        // instance creates the ring's key and the second finds it there.
        foreach (var instance in _instances)
        {
            await instance.StartAsync();
            using var page = await _http.GetAsync(new Uri(instance.BaseAddress, "login"));
            page.EnsureSuccessStatusCode();
        }

        _nginx = await NginxServer.StartAsync(
            RepositoryFiles.PathOf("deploy/nginx/pop3webmail.conf"),
            port => new Dictionary<string, string>
            {
                ["pop3webmail/listen.conf"] = string.Create(CultureInfo.InvariantCulture, $"listen 127.0.0.1:{port};\nserver_name localhost;\n"),

                // As docs/deployment.md has it: an instance that refuses a connection is left alone for 10 s.
                ["pop3webmail/upstreams.conf"] = string.Concat(_instances.Select(i => $"server {i.Endpoint} max_fails=1 fail_timeout=10s;\n")),
            });
        await FindAffinitiesAsync();
    }

    public async ValueTask DisposeAsync()
    {
        // The apps first: stopping them ends their visits while Dovecot still listens.
        foreach (var instance in _instances)
        {
            await instance.DisposeAsync();
        }

        if (_nginx is not null)
        {
            await _nginx.DisposeAsync();
        }

        if (_browser is not null)
        {
            await _browser.CloseAsync();
        }

        _playwright?.Dispose();
        if (_dovecot is not null)
        {
            await _dovecot.DisposeAsync();
        }

        if (_postgres is not null)
        {
            await _postgres.DisposeAsync();
        }

        if (_home is not null)
        {
            Directory.Delete(_home, recursive: true);
        }

        _http.Dispose();
    }

    /// <summary>Skips the test, or fails it when real servers are required, unless everything the setup needs is here.</summary>
    internal void Require() => RealServers.RequireOrSkip(UnavailableReason);

    /// <summary>
    /// Starts again whatever instance an earlier scenario stopped or killed, and waits until nginx routes that instance's
    /// browsers to it again (nginx leaves an instance that refused a connection alone for its fail_timeout); then waits
    /// until no visit of an earlier scenario is still open on either instance.
    /// </summary>
    internal async Task ReadyAsync(CancellationToken cancellationToken)
    {
        foreach (var instance in _instances.Where(i => !i.IsRunning))
        {
            await instance.StartAsync(cancellationToken);
            await PollAsync(async () => await RoutedInstanceAsync(_affinity[instance], cancellationToken) == instance, $"nginx routing to {instance} again", cancellationToken);
        }

        foreach (var instance in _instances)
        {
            await PollAsync(async () => await instance.ActiveSessionsAsync(_http, cancellationToken) == 0, $"no visit left open on {instance}", cancellationToken);
        }
    }

    /// <summary>An account with <paramref name="messages"/> (POP3 order: the last is the newest) on the locking Dovecot.</summary>
    internal MailAccount CreateAccount(string purpose, params TestMessage[] messages) =>
        MailAccount.Create(Dovecot, string.Create(CultureInfo.InvariantCulture, $"{purpose}-{Interlocked.Increment(ref _accounts)}"), messages);

    /// <summary>A new browser (its own cookies) whose affinity cookie makes nginx send it to <paramref name="instance"/>.</summary>
    internal async Task<WebmailTab> OpenBrowserAsync(AppInstance instance)
    {
        var tab = await WebmailTab.OpenAsync(Browser, Nginx.Address);
        await tab.Context.AddCookiesAsync([new Cookie { Name = AffinityCookie, Value = _affinity[instance], Url = Nginx.Address.ToString() }]);
        return tab;
    }

    /// <summary>Polls an external state (a process, a scrape endpoint, a log) until it holds; bounded.</summary>
    internal static async Task PollAsync(Func<Task<bool>> condition, string what, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        while (!await condition())
        {
            if (clock.Elapsed > RoutingTimeout)
            {
                throw new TimeoutException($"Waited {RoutingTimeout.TotalSeconds} s for {what}.");
            }

            await Task.Delay(PollInterval, cancellationToken);
        }
    }

    /// <summary>
    /// The settings an operator gives every instance (docs/deployment.md, "Several instances"), as environment variables.
    /// </summary>
    private static Dictionary<string, string> InstanceEnvironment(DovecotServer dovecot, PostgreSqlServer postgres, string home)
    {
        var environment = WebmailFixture.ServerSettings(0, ServerName, dovecot).ToDictionary(s => s.Key.Replace(":", "__", StringComparison.Ordinal), s => s.Value!);

        // Data Protection keeps its key ring in ~/.aspnet/DataProtection-Keys: one folder for both, as the shared volume.
        environment["HOME"] = home;
        environment["Mail__State__Provider"] = "PostgreSql";
        environment["Mail__State__ConnectionString"] = postgres.ConnectionString();
        environment["Mail__State__InstallationSecret"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        environment["Mail__ResumeGracePeriod"] = ResumeGrace.ToString("c", CultureInfo.InvariantCulture);
        environment["ForwardedHeaders__KnownProxies__0"] = "127.0.0.1";

        // Every scenario signs in from 127.0.0.1; the per-network brute-force budget is not what they test.
        environment["Mail__RateLimits__FailuresPerNetwork"] = "100000";
        return environment;
    }

    /// <summary>One affinity value per instance: random ones (as nginx issues them), tried until each instance has one.</summary>
    private async Task FindAffinitiesAsync()
    {
        for (var attempt = 0; _affinity.Count < _instances.Length; attempt++)
        {
            if (attempt == 64)
            {
                throw new InvalidOperationException("nginx sent 64 random affinity values to the same instance.");
            }

            var value = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
            var instance = await RoutedInstanceAsync(value, CancellationToken.None);
            if (instance is not null)
            {
                _affinity.TryAdd(instance, value);
            }
        }
    }

    /// <summary>Which instance nginx sends a browser with this affinity cookie to, as its access log records it.</summary>
    private async Task<AppInstance?> RoutedInstanceAsync(string affinity, CancellationToken cancellationToken)
    {
        var probe = "/healthz?probe=" + Guid.NewGuid().ToString("N");
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(Nginx.Address, probe));
        request.Headers.Add("Cookie", $"{AffinityCookie}={affinity}");
        using var response = await _http.SendAsync(request, cancellationToken);
        NginxAccess? logged = null;
        await PollAsync(() => Task.FromResult((logged = Nginx.ReadAccessLog().LastOrDefault(e => e.Uri == probe)) is not null), "nginx to log " + probe, cancellationToken);
        return _instances.SingleOrDefault(i => i.Endpoint == logged!.Upstream);
    }

    private static InvalidOperationException NotStarted() => new("The scale-out fixture did not start (see Require()).");
}
