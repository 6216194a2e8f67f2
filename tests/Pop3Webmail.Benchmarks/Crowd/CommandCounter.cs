using System.Diagnostics.Metrics;

namespace Pop3Webmail.Benchmarks.Crowd;

/// <summary>
/// Counts what the app's meters report while a crowd runs: POP3 commands by verb (the library's
/// <c>pop3.client.command.duration</c>, one measurement per command), reconnects (<c>pop3webmail.reconnects</c>) and
/// lookups in the remembered mailboxes (<c>pop3webmail.store.lookups</c>, one per listed message of a visit whose
/// remembered mailbox opened).
/// </summary>
internal sealed class CommandCounter : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly Dictionary<string, long> _commands = new(StringComparer.Ordinal);
    private long _reconnects;
    private long _storeLookups;

    public CommandCounter()
    {
        _listener.InstrumentPublished = static (instrument, listener) =>
        {
            if (instrument.Name is "pop3.client.command.duration" or "pop3webmail.reconnects" or "pop3webmail.store.lookups")
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
            else
            {
                Interlocked.Add(ref _storeLookups, value);
            }
        });
        _listener.Start();
    }

    public long Reconnects => Interlocked.Read(ref _reconnects);

    /// <summary>Visits whose remembered mailbox opened, when every mailbox holds <paramref name="messagesPerMailbox"/> messages.</summary>
    public long VisitsRemembering(int messagesPerMailbox) => Interlocked.Read(ref _storeLookups) / messagesPerMailbox;

    public long Commands(string verb)
    {
        lock (_commands)
        {
            return _commands.GetValueOrDefault(verb);
        }
    }

    public void Dispose() => _listener.Dispose();
}
