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

    /// <summary>The idle sign-out in force, or null when there is none.</summary>
    public TimeSpan? EffectiveIdleSignOut => IdleSignOut ?? (Kiosk ? TimeSpan.FromMinutes(5) : null);
}

/// <summary>Brute-force limits on sign-in attempts (every attempt counts, successful or not).</summary>
public sealed class MailRateLimitOptions
{
    [Range(1, 10_000)]
    public int AttemptsPerUser { get; init; } = 5;

    [Range(1, 100_000)]
    public int AttemptsPerClient { get; init; } = 20;

    public TimeSpan Window { get; init; } = TimeSpan.FromMinutes(1);
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
    /// loopback address: on a real network a cleartext password is a leaked password.
    /// </summary>
    public bool AllowPlaintextAuthentication { get; init; }

    public int EffectivePort => Port != 0 ? Port : Security == Pop3Security.Tls ? Pop3ClientOptions.DefaultTlsPort : Pop3ClientOptions.DefaultPort;
}
