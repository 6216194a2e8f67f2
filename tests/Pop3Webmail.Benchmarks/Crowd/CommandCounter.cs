using System.Diagnostics.Metrics;

namespace Pop3Webmail.Benchmarks.Crowd;

/// <summary>
/// Counts what the app's meters report while a crowd is held: POP3 commands by verb (the library's
/// <c>pop3.client.command.duration</c>, one measurement per command) and reconnects (<c>pop3webmail.reconnects</c>).
/// </summary>
internal sealed class CommandCounter : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly Dictionary<string, long> _commands = new(StringComparer.Ordinal);
    private long _reconnects;

    public CommandCounter()
    {
        _listener.InstrumentPublished = static (instrument, listener) =>
        {
            if (instrument.Name is "pop3.client.command.duration" or "pop3webmail.reconnects")
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<double>((_, _, tags, _) =>
        {
            foreach (var tag in tags)
            {
                if (tag is { Key: "pop3.command", Value: string verb })
                {
                    lock (_commands)
                    {
                        _commands[verb] = _commands.GetValueOrDefault(verb) + 1;
                    }
                }
            }
        });
        _listener.SetMeasurementEventCallback<long>((instrument, value, _, _) =>
        {
            if (instrument.Name == "pop3webmail.reconnects")
            {
                Interlocked.Add(ref _reconnects, value);
            }
        });
        _listener.Start();
    }

    public long Reconnects => Interlocked.Read(ref _reconnects);

    public long Commands(string verb)
    {
        lock (_commands)
        {
            return _commands.GetValueOrDefault(verb);
        }
    }

    public void Dispose() => _listener.Dispose();
}
