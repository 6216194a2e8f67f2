using Microsoft.Extensions.Hosting.Internal;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Pop3Webmail.DemoServer;
using Pop3Webmail.Pop3;
using Pop3Webmail.Web.Configuration;
using Pop3Webmail.Web.Downloads;
using Pop3Webmail.Web.Mail;
using Pop3Webmail.Web.MailboxState;
using Pop3Webmail.Web.Scheduling;
using Pop3Webmail.Web.Security;
using Pop3Webmail.Web.Session;
using Pop3Webmail.Web.Session.SignIn;
using Pop3Webmail.Web.Session.TabResume;
using Pop3Webmail.Web.Session.Visit;
using Pop3Webmail.Web.Telemetry;
using Pop3Webmail.Web.Tests.Telemetry;

namespace Pop3Webmail.Web.Tests.Support;

/// <summary>
/// Wires real mailbox sessions (the production classes, not fakes) to one server, with a fake clock for the
/// keep-alive and idle timers and an application lifetime the test can stop.
/// </summary>
internal sealed class SessionHarness : IAsyncDisposable
{
    public const string ServerId = "test";
    private readonly List<MailboxSession> _sessions = [];

    /// <param name="server">The POP3 server sessions sign in to.</param>
    /// <param name="options">The app's mail options; null: defaults without the mailbox state store.</param>
    /// <param name="loggerFactory">Where logs go; null: nowhere.</param>
    /// <param name="connector">How servers are reached; null: over TCP.</param>
    /// <param name="store">The mailbox state store sign-ins use; null: the real one, in <see cref="StateDirectory"/>.</param>
    public SessionHarness(MailServer server, MailOptions? options = null, ILoggerFactory? loggerFactory = null, IPop3Connector? connector = null, IMailboxStateStore? store = null)
    {
        LoggerFactory = loggerFactory ?? NullLoggerFactory.Instance;
        Server = server;
        // Remembering mailboxes costs a key derivation per sign-in; tests that do not ask for it go without.
        Options = options ?? new MailOptions { RememberMailbox = false };
        var mailOptions = Microsoft.Extensions.Options.Options.Create(WithServer(Options, server, StateDirectory));
        Lifetime = new ApplicationLifetime(NullLogger<ApplicationLifetime>.Instance);
        Catalog = new MailServerCatalog(mailOptions);
        Registry = new MailboxSessionRegistry(Lifetime, NullLogger<MailboxSessionRegistry>.Instance);
        Throttle = new SignInThrottle(mailOptions, Time);
        Downloads = new DownloadTokenStore(Time, mailOptions);
        // No failure floor: the tests of CustomServerDialer prove it; here it would only make tests wait.
        Connector = connector ?? new Pop3Connector(new CustomServerDialer(Options.AllowPrivateNetworks, TimeProvider.System, TimeSpan.Zero), LoggerFactory);
        Renderer = new MessageRenderer(Microsoft.Extensions.Options.Options.Create(new MailRenderingOptions()));
        MailOptions = mailOptions;
        ResumeTickets = new ResumeTickets(Time);
        Scheduler = new MailWorkScheduler(Microsoft.Extensions.Options.Options.Create(new MailSchedulerOptions()), Time, Telemetry.Telemetry);
        Visits = new VisitServices(Connector, Scheduler, Downloads, Renderer, Telemetry.Telemetry, mailOptions, Time, LoggerFactory);
        Store = new MailboxStateStore(mailOptions, Time, LoggerFactory.CreateLogger<MailboxStateStore>());
        SignIn = new SignInFlow(Catalog, Registry, Throttle, Visits, store ?? Store, LoggerFactory.CreateLogger<SignInFlow>());
    }

    public MailServer Server { get; }

    public ILoggerFactory LoggerFactory { get; }

    public MailOptions Options { get; }

    public IOptions<MailOptions> MailOptions { get; }

    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 3, 2, 9, 0, 0, TimeSpan.Zero));

    public ApplicationLifetime Lifetime { get; }

    public MailServerCatalog Catalog { get; }

    public MailboxSessionRegistry Registry { get; }

    public SignInThrottle Throttle { get; }

    public DownloadTokenStore Downloads { get; }

    public IPop3Connector Connector { get; }

    /// <summary>The mailbox state store, on SQLite in a folder of this harness's own.</summary>
    public MailboxStateStore Store { get; }

    public string StateDirectory { get; } = Path.Combine(Path.GetTempPath(), "p3w-harness-" + Guid.NewGuid().ToString("N"));

    public ResumeTickets ResumeTickets { get; }

    /// <summary>The sessions' metrics and spans, captured for assertions.</summary>
    public TelemetryCapture Telemetry { get; } = new();

    public MailWorkScheduler Scheduler { get; }

    public VisitServices Visits { get; }

    public SignInFlow SignIn { get; }

    public MessageRenderer Renderer { get; }

    public static SessionHarness ForDemo(DemoPop3Server demo, MailOptions? options = null, ILoggerFactory? loggerFactory = null, IMailboxStateStore? store = null) =>
        new(new MailServer(ServerId, "Test demo", demo.Host, demo.Port, Pop3Security.None, AllowPlaintextAuthentication: true), options, loggerFactory, store: store);

    public MailboxSession CreateSession(string clientAddress = "192.0.2.10", string browserKey = "browser-1")
    {
        var session = new MailboxSession(SignIn, Registry, ResumeTickets,
            new BrowserContext { ClientAddress = clientAddress, BrowserKey = browserKey },
            new SessionCorrelation(), MailOptions, LoggerFactory.CreateLogger<MailboxSession>());
        _sessions.Add(session);
        return session;
    }

    public static SignInRequest Demo(string password = DemoPop3Server.DemoPassword, string user = DemoPop3Server.DemoUserName) =>
        new(user, password, ServerId);

    public async ValueTask DisposeAsync()
    {
        foreach (var session in _sessions)
        {
            await session.DisposeAsync();
        }

        // Closed circuits leave their visits for the resume grace period, which the fake clock never ends.
        await Registry.StopAllAsync();

        Registry.Dispose();
        await Store.DisposeAsync();
        Telemetry.Dispose();
        if (Directory.Exists(StateDirectory))
        {
            Directory.Delete(StateDirectory, recursive: true);
        }

    }

    private static MailOptions WithServer(MailOptions options, MailServer server, string stateDirectory) => new()
    {
        Servers =
        [
            new MailServerOptions
            {
                Name = server.Id,
                Host = server.Host,
                Port = server.Port,
                Security = server.Security,
                CertificateThumbprint = server.CertificateThumbprint,
                AllowPlaintextAuthentication = server.AllowPlaintextAuthentication,
            },
        ],
        ReadOnly = options.ReadOnly,
        KeepAliveInterval = options.KeepAliveInterval,
        Kiosk = options.Kiosk,
        IdleSignOut = options.IdleSignOut,
        IdleWarning = options.IdleWarning,
        LargeMessageThreshold = options.LargeMessageThreshold,
        AllowCustomServer = options.AllowCustomServer,
        AllowPrivateNetworks = options.AllowPrivateNetworks,
        DownloadLinkLifetime = options.DownloadLinkLifetime,
        RateLimits = options.RateLimits,
        ResumeGracePeriod = options.ResumeGracePeriod,
        RememberMailbox = options.RememberMailbox,
        State = new MailStateOptions
        {
            DataDirectory = stateDirectory,
            KeyDerivationIterations = options.State.KeyDerivationIterations,
            InstallationSecret = options.State.InstallationSecret,
        },
    };
}
