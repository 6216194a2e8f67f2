namespace Pop3Webmail.Web.Health;

/// <summary>The <c>Health</c> configuration section: how <c>/readyz</c> probes the configured POP3 servers.</summary>
public sealed class HealthOptions
{
    public const string SectionName = "Health";

    /// <summary>
    /// How long a readiness result is reused. Orchestrators and load balancers poll every few seconds, each round is
    /// a connection to every mail server, and the mail servers are not ours to load.
    /// </summary>
    public TimeSpan CacheDuration { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>The longest wait for one server's greeting, TCP connect and TLS handshake included.</summary>
    public TimeSpan ProbeTimeout { get; init; } = TimeSpan.FromSeconds(5);
}
