using Microsoft.Extensions.Options;
using Pop3Webmail.Web.Configuration;

namespace Pop3Webmail.Web.Session;

/// <summary>
/// The servers offered on the login page: the configured ones, or, with none configured, the in-process demo
/// mailbox once it has started.
/// </summary>
public sealed class MailServerCatalog
{
    private readonly MailServer[] _configured;
    private volatile MailServer? _demo;

    public MailServerCatalog(IOptions<MailOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _configured = options.Value.Servers.Select(MailServer.FromOptions).ToArray();
    }

    public IReadOnlyList<MailServer> Servers => _demo is { } demo ? [demo] : _configured;

    /// <summary>True when no server is configured, so the app runs the demo mailbox instead.</summary>
    public bool UsesDemo => _configured.Length == 0;

    /// <summary>The demo mailbox's sign-in, for the login page's hint; null when not running the demo.</summary>
    public DemoCredentials? DemoCredentials { get; private set; }

    public MailServer? Find(string? id) =>
        Servers.FirstOrDefault(s => string.Equals(s.Id, id, StringComparison.Ordinal))
        ?? (Servers.Count == 1 && string.IsNullOrEmpty(id) ? Servers[0] : null);

    /// <summary>Called by the demo host once its server listens.</summary>
    public void UseDemo(MailServer server, DemoCredentials credentials)
    {
        if (!UsesDemo)
        {
            throw new InvalidOperationException("Servers are configured; the demo mailbox is not used.");
        }

        DemoCredentials = credentials;
        _demo = server;
    }
}
