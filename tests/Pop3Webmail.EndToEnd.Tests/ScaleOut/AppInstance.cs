using System.Globalization;
using Pop3Webmail.Testing;

namespace Pop3Webmail.EndToEnd.Tests.ScaleOut;

/// <summary>
/// One app instance of the scale-out setup: the real app in its own process on a fixed loopback port (so nginx finds
/// it again after a restart), with its Prometheus endpoint on a management port of its own. It can be stopped as a host
/// stops it (SIGTERM) or killed as a crash does (SIGKILL), and started again.
/// </summary>
internal sealed class AppInstance(string name, int port, int managementPort, IReadOnlyDictionary<string, string> environment) : IAsyncDisposable
{
    private WebmailProcess? _process;

    public string Name { get; } = name;

    public int Port { get; } = port;

    /// <summary>"127.0.0.1:PORT", as nginx writes it in its upstreams and logs.</summary>
    public string Endpoint { get; } = string.Create(CultureInfo.InvariantCulture, $"127.0.0.1:{port}");

    public Uri BaseAddress { get; } = new(string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{port}/"));

    public bool IsRunning => _process is { HasExited: false };

    public WebmailProcess Process => _process ?? throw new InvalidOperationException($"Instance {Name} is not running.");

    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        if (_process is not null)
        {
            await _process.DisposeAsync();
            _process = null;
        }

        var settings = new Dictionary<string, string>(environment)
        {
            ["Telemetry__Prometheus__Enabled"] = "true",
            ["Telemetry__Prometheus__Port"] = managementPort.ToString(CultureInfo.InvariantCulture),
            ["Telemetry__Prometheus__BindAddress"] = "127.0.0.1",
        };
        _process = await WebmailProcess.StartAsync(settings, Port, cancellationToken);
    }

    /// <summary>SIGKILL: no shutdown hook runs, so no QUIT (and no RSET) reaches the mail server.</summary>
    public Task KillAsync() => Process.KillAsync();

    /// <summary>SIGTERM: the app's graceful shutdown; returns the exit status.</summary>
    public Task<int> StopAsync(CancellationToken cancellationToken = default) => Process.StopAsync(cancellationToken);

    /// <summary>
    /// What the operator's dashboard shows for this instance: <c>pop3webmail_sessions_active</c> from its scrape
    /// endpoint (0 before the first session was ever opened, when the series does not exist yet).
    /// </summary>
    public async Task<long> ActiveSessionsAsync(HttpClient http, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(http);
        var scrape = await http.GetStringAsync(new Uri(string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{managementPort}/metrics")), cancellationToken);
        const string Series = "pop3webmail_sessions_active";
        long total = 0;
        foreach (var line in scrape.Split('\n'))
        {
            if (line.StartsWith(Series, StringComparison.Ordinal) && line.Length > Series.Length && line[Series.Length] is '{' or ' ')
            {
                var value = line[(line.LastIndexOf('}') is var close and >= 0 ? close + 1 : Series.Length)..].Trim().Split(' ')[0];
                total += long.Parse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
            }
        }

        return total;
    }

    public override string ToString() => $"instance {Name} ({Endpoint})";

    public async ValueTask DisposeAsync()
    {
        if (_process is not null)
        {
            await _process.DisposeAsync();
        }
    }
}
