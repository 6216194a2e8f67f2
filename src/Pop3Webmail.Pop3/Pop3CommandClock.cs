using System.Diagnostics;

namespace Pop3Webmail.Pop3;

/// <summary>
/// Times every command from the write that carries it to the end of its reply (the status line, or the data block
/// of a multi-line +OK) for <see cref="Pop3Telemetry"/>. Replies come in command order (RFC 2449 §6.6), so a queue
/// of start times is all the bookkeeping needed, pipelined or not.
/// </summary>
internal sealed class Pop3CommandClock
{
    private readonly Queue<Running> _sent = new();
    private Running? _awaitingData;

    public void Sent(Pop3Command command) =>
        _sent.Enqueue(new Running(Pop3Telemetry.TagFor(command.Verb), command.MultiLine, Stopwatch.GetTimestamp()));

    /// <summary>A status line arrived: it ends its command, unless a data block follows.</summary>
    public void Answered(Pop3Response response)
    {
        if (_sent.TryDequeue(out var command))
        {
            if (response.IsOk && command.MultiLine)
            {
                _awaitingData = command;
            }
            else
            {
                command.Record();
            }
        }
    }

    /// <summary>The data block's terminating "." was read: its command is complete.</summary>
    public void DataEnded()
    {
        _awaitingData?.Record();
        _awaitingData = null;
    }

    /// <summary>The connection closed: commands still running never complete.</summary>
    public void Clear()
    {
        _sent.Clear();
        _awaitingData = null;
    }

    private readonly record struct Running(string Tag, bool MultiLine, long Started)
    {
        public void Record() => Pop3Telemetry.RecordCommand(Tag, Started);
    }
}
