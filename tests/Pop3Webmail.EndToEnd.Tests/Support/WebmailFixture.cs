using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Components.Server;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Pop3Webmail.Testing;

namespace Pop3Webmail.EndToEnd.Tests.Support;

/// <summary>The browser scenarios run one after another on one app, one Chromium and one Dovecot (a 2-core machine).</summary>
[CollectionDefinition(Name)]
public sealed class BrowserCollectionDefinition : ICollectionFixture<WebmailFixture>
{
    public const string Name = "Browser";
}

/// <summary>
/// What the browser scenarios share: a private Dovecot where each test creates its own mailbox, a second Dovecot
/// with <c>pop3_lock_session</c> (mailbox-in-use errors), a port where nothing answers (server down), the webmail
/// configured with all three as an operator would (STARTTLS with the certificate pinned), and one Chromium.
/// Nothing starts when Dovecot or Chromium is missing; each test then skips or fails through <see cref="Require"/>.
/// </summary>
public sealed class WebmailFixture : IAsyncLifetime
{
    public const string DovecotServerName = "Dovecot";
    public const string LockingServerName = "Locking Dovecot";
    public const string OfflineServerName = "Offline server";
    public const string BusyUser = "busy";
    public const string BusyPassword = "busy-password";

    /// <summary>How long a circuit whose browser vanished is kept (3 minutes by default): short, so scenarios can wait it out.</summary>
    internal static readonly TimeSpan CircuitRetention = TimeSpan.FromSeconds(10);

    /// <summary>How long a visit outlives its closed tab for a reload to take it back (60 s by default): short here too.</summary>
    internal static readonly TimeSpan ResumeGrace = TimeSpan.FromSeconds(3);

    /// <summary>The date of every test mailbox's first message; later ones follow hour by hour.</summary>
    internal static readonly DateTimeOffset FirstDate = new(2026, 3, 2, 9, 0, 0, TimeSpan.FromHours(3));

    /// <summary>The mailbox state stores of the apps this run starts (each in a folder of its own), deleted at the end.</summary>
    private readonly string _stateRoot = Path.Combine(Path.GetTempPath(), "p3w-e2e-state-" + Guid.NewGuid().ToString("N")[..12]);
    private int _accounts;
    private DovecotServer? _dovecot;
    private DovecotServer? _lockingDovecot;
    private Socket? _offline;
    private WebmailApp? _app;
    private IPlaywright? _playwright;
    private IBrowser? _browser;

    internal string? UnavailableReason { get; private set; }

    internal DovecotServer Dovecot => _dovecot ?? throw NotStarted();

    internal DovecotServer LockingDovecot => _lockingDovecot ?? throw NotStarted();

    internal WebmailApp App => _app ?? throw NotStarted();

    internal IPlaywright Playwright => _playwright ?? throw NotStarted();

    internal IBrowser Browser => _browser ?? throw NotStarted();

    /// <summary>A port on 127.0.0.1 that is bound but not listening: every connection is refused.</summary>
    internal int OfflinePort => ((IPEndPoint)(_offline ?? throw NotStarted()).LocalEndPoint!).Port;

    public async ValueTask InitializeAsync()
    {
        UnavailableReason = RealServers.DovecotUnavailableReason ?? Chromium.UnavailableReason;
        if (UnavailableReason is not null)
        {
            return;
        }

        var dovecot = DovecotServer.StartAsync(new DovecotServerOptions());
        var lockingDovecot = DovecotServer.StartAsync(new DovecotServerOptions
        {
            LockSession = true,
            Users = [new DovecotUser(BusyUser, BusyPassword, new MailboxBuilder().Add(MessageFactory.Plain("Held open", "The mailbox is in use.", FirstDate)))],
        });
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
        _lockingDovecot = await lockingDovecot;
        _offline = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        _offline.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        _app = WebmailApp.Start(AppSettings(), services =>
            services.Configure<CircuitOptions>(o => o.DisconnectedCircuitRetentionPeriod = CircuitRetention));
    }

    public async ValueTask DisposeAsync()
    {
        // The app first: stopping it QUITs whatever session is still open, while Dovecot still listens.
        if (_app is not null)
        {
            await _app.DisposeAsync();
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

        if (_lockingDovecot is not null)
        {
            await _lockingDovecot.DisposeAsync();
        }

        _offline?.Dispose();
        if (Directory.Exists(_stateRoot))
        {
            Directory.Delete(_stateRoot, recursive: true);
        }
    }

    /// <summary>Skips the test, or fails it when real servers are required, unless Dovecot and Chromium are here.</summary>
    internal void Require() => RealServers.RequireOrSkip(UnavailableReason);

    /// <summary>The <c>Mail:Servers</c> entry for a private Dovecot: STARTTLS on its plaintext port, its certificate pinned.</summary>
    internal static IEnumerable<KeyValuePair<string, string?>> ServerSettings(int index, string name, DovecotServer server)
    {
        var prefix = string.Create(CultureInfo.InvariantCulture, $"Mail:Servers:{index}:");
        yield return new(prefix + "Name", name);
        yield return new(prefix + "Host", server.Host);
        yield return new(prefix + "Port", server.Port.ToString(CultureInfo.InvariantCulture));
        yield return new(prefix + "Security", "StartTls");
        yield return new(prefix + "CertificateThumbprint", server.CertificateThumbprint);
    }

    /// <summary>
    /// Creates an account with <paramref name="messages"/> (POP3 order: the last is the newest) on the shared
    /// Dovecot. Every test has its own, so what the server saw can be read per test.
    /// </summary>
    internal MailAccount CreateAccount(string purpose, params TestMessage[] messages) => CreateAccountOn(Dovecot, purpose, messages);

    /// <summary>The same, on <paramref name="server"/> (e.g. <see cref="LockingDovecot"/>, which holds the maildrop lock).</summary>
    internal MailAccount CreateAccountOn(DovecotServer server, string purpose, params TestMessage[] messages) =>
        MailAccount.Create(server, string.Create(CultureInfo.InvariantCulture, $"{purpose}-{Interlocked.Increment(ref _accounts)}"), messages);

    internal Task<WebmailTab> OpenTabAsync() => WebmailTab.OpenAsync(Browser, App.BaseAddress);

    /// <summary>
    /// A folder for one app's mailbox state store (<c>Mail:State:DataDirectory</c>), not created yet (the store creates
    /// it at the first sign-in), so no run leaves mailbox memory in the user's profile or shares it with another run.
    /// </summary>
    internal string NewStateDirectory() => Path.Combine(_stateRoot, Guid.NewGuid().ToString("N")[..12]);

    private IEnumerable<KeyValuePair<string, string?>> AppSettings()
    {
        foreach (var setting in ServerSettings(0, DovecotServerName, Dovecot).Concat(ServerSettings(1, LockingServerName, LockingDovecot)))
        {
            yield return setting;
        }

        yield return new("Mail:Servers:2:Name", OfflineServerName);
        yield return new("Mail:Servers:2:Host", "127.0.0.1");
        yield return new("Mail:Servers:2:Port", OfflinePort.ToString(CultureInfo.InvariantCulture));
        yield return new("Mail:Servers:2:Security", "StartTls");

        yield return new("Mail:ResumeGracePeriod", ResumeGrace.ToString("c", CultureInfo.InvariantCulture));
        yield return new("Mail:State:DataDirectory", NewStateDirectory());

        // Every scenario signs in from 127.0.0.1; the per-network brute-force budget is not what they test.
        yield return new("Mail:RateLimits:FailuresPerNetwork", "100000");
    }

    private static InvalidOperationException NotStarted() => new("The end-to-end fixture did not start (see Require()).");
}
