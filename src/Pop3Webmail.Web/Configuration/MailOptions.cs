using System.ComponentModel.DataAnnotations;
using Pop3Webmail.Pop3;

namespace Pop3Webmail.Web.Configuration;

/// <summary>The <c>Mail</c> configuration section: which servers users may sign in to and how sessions behave.</summary>
public sealed class MailOptions
{
    public const string SectionName = "Mail";

    /// <summary>The servers offered on the login page. Empty means: run the built-in demo mailbox.</summary>
    public List<MailServerOptions> Servers { get; init; } = [];

    /// <summary>Never send DELE: the inbox can be read but nothing is deleted (e.g. a shared archive mailbox).</summary>
    public bool ReadOnly { get; init; }

    /// <summary>
    /// How long the connection may sit silent before a NOOP. RFC 1939 §3 lets a server log an idle client out after
    /// 10 minutes, so the default of 4 minutes leaves a wide margin for a slow network.
    /// </summary>
    public TimeSpan KeepAliveInterval { get; init; } = TimeSpan.FromMinutes(4);

    /// <summary>The shared-PC profile: idle sign-out, short circuit retention, nothing kept in the browser.</summary>
    public bool Kiosk { get; init; }

    /// <summary>
    /// How long without user activity before a kiosk session signs out (null: the kiosk default of 5 minutes;
    /// outside kiosk mode only when set explicitly).
    /// </summary>
    public TimeSpan? IdleSignOut { get; init; }

    /// <summary>How long before the idle sign-out the countdown warning appears.</summary>
    public TimeSpan IdleWarning { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Messages larger than this are spooled to a temporary file while open instead of held in memory.</summary>
    [Range(0, long.MaxValue)]
    public long LargeMessageThreshold { get; init; } = 4 * 1024 * 1024;

    /// <summary>Lets users type a server of their own. Off by default: the page would otherwise be an open TCP relay.</summary>
    public bool AllowCustomServer { get; init; }

    /// <summary>
    /// Lets a custom server be on loopback, private, link-local or unique-local addresses. Off by default, so a
    /// user cannot make this server probe the intranet it sits in (SSRF).
    /// </summary>
    public bool AllowPrivateNetworks { get; init; }

    /// <summary>
    /// How often the open inbox checks for new mail by itself while its tab is visible (like the "Check for new mail"
    /// button: pending deletions stay pending). Zero turns it off.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "1.00:00:00")]
    public TimeSpan AutoCheckInterval { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>How long a download link issued by a session stays valid.</summary>
    public TimeSpan DownloadLinkLifetime { get; init; } = TimeSpan.FromMinutes(2);

    public MailRateLimitOptions RateLimits { get; init; } = new();

    /// <summary>
    /// How long a visit outlives its browser tab's circuit, so a reload (or a new circuit after a network drop) takes it
    /// back with pending deletions intact. Null: 60 seconds, or 15 in kiosk mode.
    /// </summary>
    public TimeSpan? ResumeGracePeriod { get; init; }

    /// <summary>The resume grace period in force.</summary>
    public TimeSpan EffectiveResumeGracePeriod => ResumeGracePeriod ?? (Kiosk ? TimeSpan.FromSeconds(15) : TimeSpan.FromSeconds(60));

    /// <summary>
    /// Remembers each mailbox between visits on the server (read/unread, "new since your last visit", the inbox rows),
    /// encrypted with a key derived from the user's password (docs/mailbox-state.md). False: nothing is stored.
    /// </summary>
    public bool RememberMailbox { get; init; } = true;

    /// <summary>Where and how the remembered mailbox state is kept.</summary>
    public MailStateOptions State { get; init; } = new();

    /// <summary>The idle sign-out in force, or null when there is none.</summary>
    public TimeSpan? EffectiveIdleSignOut => IdleSignOut ?? (Kiosk ? TimeSpan.FromMinutes(5) : null);
}

/// <summary>
/// Brute-force brakes on sign-in (<see cref="Security.SignInThrottle"/>). Only failed sign-ins count (the server
/// refused the credentials), per browser, per client network and per user; a browser that signed in to a mailbox
/// before is not held back by failures elsewhere.
/// </summary>
public sealed class MailRateLimitOptions
{
    /// <summary>How long failures per browser and per network count, from the first one (a fixed window).</summary>
    public TimeSpan Window { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>Failures one browser (client network + browser-binding cookie) may have in a window.</summary>
    [Range(1, 10_000)]
    public int FailuresPerBrowser { get; init; } = 10;

    /// <summary>
    /// Failures one client network (an IPv4 address, an IPv6 /64) may have in a window. Everyone behind an office
    /// NAT shares it, so it is large; it stops a guesser who discards the cookie.
    /// </summary>
    [Range(1, 1_000_000)]
    public int FailuresPerNetwork { get; init; } = 100;

    /// <summary>
    /// Failures for one user before each further try must wait: counted once for all browsers that have not signed in
    /// to the mailbox before, and apart for each one that has.
    /// </summary>
    [Range(1, 10_000)]
    public int FailuresPerUser { get; init; } = 5;

    /// <summary>The first wait once a user's failures reach <see cref="FailuresPerUser"/>; it doubles with each further failure.</summary>
    public TimeSpan UserBackoff { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The longest wait per user.</summary>
    public TimeSpan MaxUserBackoff { get; init; } = TimeSpan.FromMinutes(15);

    /// <summary>How long a browser that signed in to a mailbox is remembered (in memory only) as that mailbox's known browser.</summary>
    public TimeSpan KnownBrowserLifetime { get; init; } = TimeSpan.FromDays(30);
}

/// <summary>Which database keeps the remembered mailbox state.</summary>
public enum MailStateProvider
{
    /// <summary>An embedded SQLite file in <see cref="MailStateOptions.DataDirectory"/>: one app instance.</summary>
    Sqlite,

    /// <summary>A PostgreSQL database shared by several app instances.</summary>
    PostgreSql,
}

/// <summary>The <c>Mail:State</c> section: the store behind <see cref="MailOptions.RememberMailbox"/>.</summary>
public sealed class MailStateOptions
{
    public MailStateProvider Provider { get; init; } = MailStateProvider.Sqlite;

    /// <summary>
    /// The SQLite store's folder (created owner-only on first use). Null: <c>Pop3Webmail/state</c> under the local
    /// application data folder (~/.local/share on Linux and in the Docker image, %LOCALAPPDATA% on Windows).
    /// </summary>
    public string? DataDirectory { get; init; }

    /// <summary>The PostgreSQL connection string (required for <see cref="MailStateProvider.PostgreSql"/>).</summary>
    public string? ConnectionString { get; init; }

    /// <summary>
    /// Base64 of at least 32 random bytes that keys the mailbox identifiers. Required for PostgreSQL, where every
    /// instance must use the same one; optional for SQLite, which otherwise generates one into its data directory.
    /// </summary>
    public string? InstallationSecret { get; init; }

    /// <summary>Mailboxes not visited for this many days are purged; 0 keeps them until the user changes password.</summary>
    [Range(0, 36_500)]
    public int RetentionDays { get; init; } = 90;

    /// <summary>
    /// PBKDF2-SHA256 iterations of the per-mailbox key; the default costs about 70 ms per sign-in on a 2-core server.
    /// A mailbox stored with another count is rebuilt at its next sign-in.
    /// </summary>
    [Range(100_000, 10_000_000)]
    public int KeyDerivationIterations { get; init; } = 400_000;

    /// <summary>How long one store operation may take before the store counts as unavailable and sign-in goes on without it.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(5);
}

/// <summary>One POP3 server the login page offers.</summary>
public sealed class MailServerOptions
{
    /// <summary>What the user sees in the server picker.</summary>
    [Required]
    public string Name { get; init; } = string.Empty;

    [Required]
    public string Host { get; init; } = string.Empty;

    /// <summary>0 means the default for <see cref="Security"/> (995 for TLS, 110 otherwise).</summary>
    [Range(0, 65535)]
    public int Port { get; init; }

    public Pop3Security Security { get; init; } = Pop3Security.Tls;

    /// <summary>
    /// SHA-256 (or SHA-1) thumbprint of the server certificate. This is the only way to trust a self-signed
    /// certificate: a pin accepts exactly one certificate, whereas "accept any self-signed certificate" would accept
    /// an attacker's just as readily and make TLS decorative.
    /// </summary>
    public string? CertificateThumbprint { get; init; }

    /// <summary>Mechanisms the sign-in may use; empty means every mechanism the library considers safe.</summary>
    public List<Pop3AuthenticationMechanism> AllowedMechanisms { get; init; } = [];

    /// <summary>
    /// Allows passwords in the clear on a connection without TLS. Rejected by validation unless the host is a
    /// loopback address: on a real network a cleartext password is a leaked password. (<see cref="Security"/>
    /// <c>None</c> is refused for any other host too: the mail itself would cross the network unencrypted.)
    /// </summary>
    public bool AllowPlaintextAuthentication { get; init; }

    public int EffectivePort => Port != 0 ? Port : Security == Pop3Security.Tls ? Pop3ClientOptions.DefaultTlsPort : Pop3ClientOptions.DefaultPort;
}
