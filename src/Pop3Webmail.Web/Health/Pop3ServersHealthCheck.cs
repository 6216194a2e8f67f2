using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Pop3Webmail.Web.Session;

namespace Pop3Webmail.Web.Health;

/// <summary>
/// Readiness: every server on the login page (the configured ones, or the demo mailbox) answers with a POP3
/// greeting. A result is reused for <see cref="HealthOptions.CacheDuration"/>, and concurrent requests share one
/// probe round, so however often /readyz is polled the mail servers see at most one connection each per period.
/// Servers that users type in themselves (<c>AllowCustomServer</c>) are theirs, not the app's, and are not probed.
/// </summary>
internal sealed partial class Pop3ServersHealthCheck : IHealthCheck, IDisposable
{
    private readonly MailServerCatalog _catalog;
    private readonly Pop3GreetingProbe _probe;
    private readonly TimeProvider _time;
    private readonly HealthOptions _options;
    private readonly ILogger<Pop3ServersHealthCheck> _logger;
    private readonly SemaphoreSlim _round = new(1, 1);
    private CachedResult? _cached;

    public Pop3ServersHealthCheck(
        MailServerCatalog catalog,
        Pop3GreetingProbe probe,
        TimeProvider timeProvider,
        IOptions<HealthOptions> options,
        ILogger<Pop3ServersHealthCheck> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _catalog = catalog;
        _probe = probe;
        _time = timeProvider;
        _options = options.Value;
        _logger = logger;
    }

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (Fresh() is { } cached)
        {
            return cached;
        }

        await _round.WaitAsync(cancellationToken);
        try
        {
            // Whoever waited for a round in progress takes its result instead of starting another.
            if (Fresh() is { } justProbed)
            {
                return justProbed;
            }

            var result = await ProbeAllAsync(cancellationToken);
            Volatile.Write(ref _cached, new CachedResult(result, _time.GetTimestamp()));
            return result;
        }
        finally
        {
            _round.Release();
        }
    }

    public void Dispose() => _round.Dispose();

    private HealthCheckResult? Fresh() =>
        Volatile.Read(ref _cached) is { } cached && _time.GetElapsedTime(cached.Timestamp) < _options.CacheDuration ? cached.Result : null;

    private async Task<HealthCheckResult> ProbeAllAsync(CancellationToken cancellationToken)
    {
        var servers = _catalog.Servers;
        if (servers.Count == 0)
        {
            LogNoServer();
            return HealthCheckResult.Unhealthy("No POP3 server is configured.");
        }

        var results = await Task.WhenAll(servers.Select(s => _probe.ProbeAsync(s, _options.ProbeTimeout, cancellationToken)));
        var unreachable = 0;
        for (var i = 0; i < servers.Count; i++)
        {
            if (!results[i].Reachable)
            {
                unreachable++;
                LogUnreachable(servers[i].Name, results[i].Problem);
            }
        }

        return unreachable == 0
            ? HealthCheckResult.Healthy($"{servers.Count} POP3 server(s) reachable.")
            : HealthCheckResult.Unhealthy($"{unreachable} of {servers.Count} POP3 server(s) unreachable.");
    }

    [LoggerMessage(EventId = 400, Level = LogLevel.Warning, Message = "Readiness: POP3 server {ServerName} is not reachable ({Problem})")]
    private partial void LogUnreachable(string serverName, string? problem);

    [LoggerMessage(EventId = 401, Level = LogLevel.Warning, Message = "Readiness: no POP3 server to probe")]
    private partial void LogNoServer();

    private sealed record CachedResult(HealthCheckResult Result, long Timestamp);
}
