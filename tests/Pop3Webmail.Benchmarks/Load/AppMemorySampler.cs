using System.Diagnostics.Tracing;
using Microsoft.Diagnostics.NETCore.Client;
using Microsoft.Diagnostics.Tracing;
using Pop3Webmail.Testing;

namespace Pop3Webmail.Benchmarks.Load;

/// <summary>
/// Watches the app process from outside while the load runs: its resident set (VmRSS) and its managed heap (the
/// runtime's gc-heap-size counter, read over EventPipe as dotnet-counters does), once a second. Keeps the first
/// sample, the peak and the last.
/// </summary>
internal sealed class AppMemorySampler : IAsyncDisposable
{
    private const double Megabyte = 1024 * 1024;

    private readonly WebmailProcess _app;
    private readonly EventPipeSession _session;
    private readonly Task _reading;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _sampling;
    private readonly Lock _gate = new();
    private double? _heapBytes;

    public AppMemorySampler(WebmailProcess app)
    {
        _app = app;
        var client = new DiagnosticsClient(app.ProcessId);
        _session = client.StartEventPipeSession(
            new EventPipeProvider("System.Runtime", EventLevel.Informational, 0, new Dictionary<string, string> { ["EventCounterIntervalSec"] = "1" }),
            requestRundown: false);
        _reading = Task.Run(ReadCounters);
        _sampling = Task.Run(SampleAsync);
    }

    public MemoryReading Resident { get; } = new();

    public MemoryReading ManagedHeap { get; } = new();

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try
        {
            await _sampling;
        }
        catch (OperationCanceledException)
        {
            // how sampling ends
        }

        await _session.StopAsync(CancellationToken.None);
        await _reading;
        _session.Dispose();
        _stop.Dispose();
    }

    private void ReadCounters()
    {
        using var source = new EventPipeEventSource(_session.EventStream);
        source.Dynamic.All += e =>
        {
            if (e.EventName == "EventCounters"
                && e.PayloadValue(0) is IDictionary<string, object> outer
                && outer.TryGetValue("Payload", out var inner) && inner is IDictionary<string, object> counter
                && counter.TryGetValue("Name", out var name) && (string)name == "gc-heap-size"
                && counter.TryGetValue("Mean", out var mean))
            {
                lock (_gate)
                {
                    _heapBytes = Convert.ToDouble(mean, System.Globalization.CultureInfo.InvariantCulture) * Megabyte;
                }
            }
        };
        source.Process();
    }

    private async Task SampleAsync()
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
        do
        {
            Resident.Add(_app.ResidentBytes());
            lock (_gate)
            {
                if (_heapBytes is { } heap)
                {
                    ManagedHeap.Add(heap);
                }
            }
        }
        while (await timer.WaitForNextTickAsync(_stop.Token));
    }
}

/// <summary>Samples of one memory figure: the first, the peak and the last, in bytes.</summary>
internal sealed class MemoryReading
{
    private readonly Lock _gate = new();

    public double? First { get; private set; }

    public double? Peak { get; private set; }

    public double? Last { get; private set; }

    public int Count { get; private set; }

    public void Add(double bytes)
    {
        lock (_gate)
        {
            First ??= bytes;
            Peak = Math.Max(Peak ?? bytes, bytes);
            Last = bytes;
            Count++;
        }
    }
}
