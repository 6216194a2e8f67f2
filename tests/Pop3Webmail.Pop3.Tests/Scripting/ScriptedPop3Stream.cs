using System.Text;

namespace Pop3Webmail.Pop3.Tests.Scripting;

/// <summary>
/// An in-memory duplex stream that plays the server side of a <see cref="Pop3Script"/>. Every client write is
/// checked command by command against the script (exact bytes, whole commands per write, no command sent before
/// the reply to the previous one was read unless pipelining is allowed); replies are handed out in the chunking
/// of a <see cref="ReplyShape"/>. A mismatch throws <see cref="ScriptMismatchException"/> (which the client does
/// not mistake for a transport failure) and is remembered, so <see cref="AssertCompleted"/> reports it too.
/// Nothing here waits on a clock: a hanging server blocks a read on a task that only cancellation or disposal
/// completes.
/// </summary>
public sealed class ScriptedPop3Stream : Stream
{
    /// <summary>A run of a hostile server that needs more I/O calls than this is looping, not working.</summary>
    private const int HostileOperationBudget = 2_000_000;

    private readonly Lock _lock = new();
    private readonly IReadOnlyList<ScriptStep> _steps;
    private readonly ReplyShape _shape;
    private readonly Random _random;
    private readonly bool _hostile;
    private readonly byte[]?[] _serverBytes;
    private readonly bool[] _consumed;
    private readonly int[] _commandSize;
    private readonly int[] _replyEnd;
    private readonly List<string> _clientLines = [];
    private readonly List<long> _servedWhenWritten = [];
    private readonly TaskCompletionSource _readBlocked = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private TaskCompletionSource? _hang;
    private int _serverPosition;
    private int _serverOffset;
    private int _clientPosition;
    private long _served;
    private long _operations;
    private string? _failure;
    private bool _disposed;

    public ScriptedPop3Stream(Pop3Script script, ReplyShape shape, int seed = 7919)
        : this(script.Steps, shape, seed, hostile: false)
    {
    }

    private ScriptedPop3Stream(IReadOnlyList<ScriptStep> steps, ReplyShape shape, int seed, bool hostile)
    {
        _steps = steps;
        _shape = shape;
        _random = new Random(seed);
        _hostile = hostile;
        _serverBytes = new byte[]?[steps.Count];
        Flights = steps.Count > 0 && steps[0] is ServerStep ? 1 : 0;
        _consumed = new bool[steps.Count];
        _commandSize = new int[steps.Count];
        _replyEnd = new int[steps.Count];
        for (var i = 0; i < steps.Count; i++)
        {
            var end = i + 1;
            while (end < steps.Count && steps[end] is ServerStep)
            {
                end++;
            }

            _replyEnd[i] = end;
        }
    }

    /// <summary>
    /// A hostile server for fuzzing: all of <paramref name="serverBytes"/> is readable at once (sent verbatim, no
    /// line-ending change), then end of stream; client writes are counted but not judged. It never blocks.
    /// </summary>
    public static ScriptedPop3Stream Hostile(byte[] serverBytes, ReplyShape shape, int seed) =>
        new([new ServerStep(serverBytes, null)], shape, seed, hostile: true);

    /// <summary>Lets the client send commands before earlier replies were read (RFC 2449 §6.6 PIPELINING).</summary>
    public bool AllowPipelining { get; init; }

    /// <summary>The server closes the connection after this many bytes (fault injection); later reads see EOF.</summary>
    public long ServerCutAt { get; init; } = long.MaxValue;

    /// <summary>Completes when a read first blocks on a <see cref="Pop3Script.Hang"/> step.</summary>
    public Task ReadBlocked => _readBlocked.Task;

    public bool IsDisposed
    {
        get
        {
            lock (_lock)
            {
                return _disposed;
            }
        }
    }

    /// <summary>The command lines the client wrote (without CRLF), in order.</summary>
    public IReadOnlyList<string> ClientLines
    {
        get
        {
            lock (_lock)
            {
                return [.. _clientLines];
            }
        }
    }

    public int WriteCount { get; private set; }

    /// <summary>How many server bytes the client had read when it wrote the command <paramref name="line"/> (without CRLF).</summary>
    public long ServedWhenWritten(string line)
    {
        lock (_lock)
        {
            var index = _clientLines.IndexOf(line);
            return index >= 0 ? _servedWhenWritten[index] : throw new InvalidOperationException($"The client never sent {Show(line)}.");
        }
    }

    /// <summary>
    /// Round trips the client has paid for: waiting for the greeting, and every write made while the server was idle
    /// (every reply it could give already read), so the client waited for the server with nothing more to send. A
    /// write that finds replies still unread overlaps them and costs no round trip of its own. Meaningful with the
    /// one-byte shapes, where what the client has read from the stream is what it has parsed.
    /// </summary>
    public int Flights { get; private set; }

    /// <summary>Every byte the client has read from the server so far.</summary>
    public long BytesServed
    {
        get
        {
            lock (_lock)
            {
                return _served;
            }
        }
    }

    /// <summary>Most commands in one write.</summary>
    public int MaxCommandsPerWrite { get; private set; }

    /// <summary>Most commands written whose replies the server had not yet fully delivered, seen at any write.</summary>
    public int MaxOutstandingCommands { get; private set; }

    /// <summary>Most command octets written whose replies the server had not yet fully delivered.</summary>
    public int MaxOutstandingBytes { get; private set; }

    public override bool CanRead => true;

    public override bool CanWrite => true;

    public override bool CanSeek => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    /// <summary>Fails unless the client wrote every scripted command and read every scripted server byte.</summary>
    public void AssertCompleted()
    {
        lock (_lock)
        {
            if (_failure is not null)
            {
                Assert.Fail(_failure);
            }

            var current = Current();
            for (var i = 0; i < _steps.Count; i++)
            {
                if (_steps[i] is ClientStep step && !_consumed[i])
                {
                    Assert.Fail($"The client never sent {step.Description}.");
                }
            }

            if (current is ServerStep)
            {
                var pending = _serverBytes[_serverPosition]!.AsSpan(_serverOffset);
                Assert.Fail($"The client never read the server's {Show(pending)}.");
            }
        }
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        TaskCompletionSource? hang;
        int read;
        lock (_lock)
        {
            read = ReadCore(buffer, out hang);
        }

        if (hang is not null)
        {
            hang.Task.GetAwaiter().GetResult();
        }

        return read;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        TaskCompletionSource? hang;
        int read;
        lock (_lock)
        {
            read = ReadCore(buffer.Span, out hang);
        }

        return hang is null ? ValueTask.FromResult(read) : WaitForeverAsync(hang, cancellationToken);
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        lock (_lock)
        {
            WriteCore(buffer);
        }
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
    {
        Write(buffer.AsSpan(offset, count));
        return Task.CompletedTask;
    }

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        Write(buffer.Span);
        return ValueTask.CompletedTask;
    }

    public override void Flush()
    {
    }

    public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    /// <summary>Bytes shown in a failure message: quoted, with CR, LF and other controls visible, cut when long.</summary>
    public static string Show(ReadOnlySpan<byte> bytes) => Show(Encoding.Latin1.GetString(bytes[..Math.Min(bytes.Length, 300)]) + (bytes.Length > 300 ? "…" : string.Empty));

    public static string Show(string text)
    {
        var builder = new StringBuilder("\"");
        foreach (var c in text)
        {
            builder.Append(c switch
            {
                '\r' => "\\r",
                '\n' => "\\n",
                '\0' => "\\0",
                '"' => "\\\"",
                _ when char.IsControl(c) => $"\\x{(int)c:X2}",
                _ => c.ToString(),
            });
        }

        return builder.Append('"').ToString();
    }

    protected override void Dispose(bool disposing)
    {
        TaskCompletionSource? hang;
        lock (_lock)
        {
            _disposed = true;
            hang = _hang;
        }

        hang?.TrySetException(new ObjectDisposedException(nameof(ScriptedPop3Stream)));
        base.Dispose(disposing);
    }

    private static async ValueTask<int> WaitForeverAsync(TaskCompletionSource hang, CancellationToken cancellationToken)
    {
        await hang.Task.WaitAsync(cancellationToken);
        return 0;
    }

    private int ReadCore(Span<byte> destination, out TaskCompletionSource? hang)
    {
        hang = null;
        ObjectDisposedException.ThrowIf(_disposed, this);
        CountOperation();
        if (destination.IsEmpty)
        {
            return 0;
        }

        var remainingBeforeCut = ServerCutAt - _served;
        if (remainingBeforeCut <= 0)
        {
            return 0;
        }

        var want = (int)Math.Min(Math.Min(destination.Length, _shape.NextChunk(_random)), remainingBeforeCut);
        var written = 0;
        ScriptStep? step;
        while ((step = Current()) is ServerStep && written < want)
        {
            var bytes = _serverBytes[_serverPosition]!;
            var count = Math.Min(want - written, bytes.Length - _serverOffset);
            bytes.AsSpan(_serverOffset, count).CopyTo(destination[written..]);
            _serverOffset += count;
            written += count;
        }

        _served += written;
        if (written > 0)
        {
            return written;
        }

        switch (step)
        {
            case null when _hostile:
            case CloseStep:
                return 0;
            case null:
                throw Fail("The client read past the end of the script: it expected more from the server.");
            case HangStep:
                _hang ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                hang = _hang;
                _readBlocked.TrySetResult();
                return 0;
            case ClientStep expected:
                throw Fail($"The client waits for the server, but the script expects it to send {expected.Description} first.");
            default:
                throw new InvalidOperationException("Unknown script step.");
        }
    }

    private void WriteCore(ReadOnlySpan<byte> data)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        CountOperation();
        WriteCount++;
        if (_hostile)
        {
            return;
        }

        if (Current() is not ServerStep)
        {
            Flights++;
        }

        var offset = 0;
        var commands = 0;
        while (offset < data.Length)
        {
            var rest = data[offset..];
            var index = NextClientStep();
            if (index < 0)
            {
                throw Fail($"The client wrote {Show(FirstLine(rest))} after the last command the script expects.");
            }

            if (!AllowPipelining)
            {
                Current();
                if (_serverPosition != index)
                {
                    throw Fail($"The client sent {Show(FirstLine(rest))} before it had read the whole reply to its previous command (pipelining is off in this script).");
                }
            }

            var step = (ClientStep)_steps[index];
            int length;
            if (step.Exact is { } exact)
            {
                if (rest.Length < exact.Length && exact.AsSpan().StartsWith(rest))
                {
                    throw Fail($"The client split the command {step.Description} across writes: this write ends after {Show(rest)}.");
                }

                if (!rest.StartsWith(exact))
                {
                    throw Fail($"Expected the client to send {step.Description} but it sent {Show(FirstLine(rest))}.");
                }

                length = exact.Length;
            }
            else
            {
                var lineEnd = rest.IndexOf("\r\n"u8);
                if (lineEnd < 0)
                {
                    throw Fail($"Expected {step.Description} as one whole line, but the write ended inside {Show(rest)}.");
                }

                var line = Encoding.UTF8.GetString(rest[..lineEnd]);
                if (!step.Accept!(line))
                {
                    throw Fail($"Expected {step.Description} but the client sent {Show(line + "\r\n")}.");
                }

                length = lineEnd + 2;
            }

            _clientLines.Add(Encoding.UTF8.GetString(rest[..(length - 2)]));
            _servedWhenWritten.Add(_served);
            _consumed[index] = true;
            _commandSize[index] = length;
            _clientPosition = index + 1;
            offset += length;
            commands++;
        }

        MaxCommandsPerWrite = Math.Max(MaxCommandsPerWrite, commands);
        MeasureOutstanding();
    }

    /// <summary>Counts, from the server's side, the commands received whose replies are not yet fully sent.</summary>
    private void MeasureOutstanding()
    {
        Current();
        var commands = 0;
        var bytes = 0;
        for (var i = 0; i < _steps.Count; i++)
        {
            if (_consumed[i] && _serverPosition < _replyEnd[i])
            {
                commands++;
                bytes += _commandSize[i];
            }
        }

        MaxOutstandingCommands = Math.Max(MaxOutstandingCommands, commands);
        MaxOutstandingBytes = Math.Max(MaxOutstandingBytes, bytes);
    }

    /// <summary>Moves the server cursor past finished steps and returns the step it rests on (null at the end).</summary>
    private ScriptStep? Current()
    {
        while (_serverPosition < _steps.Count)
        {
            var step = _steps[_serverPosition];
            if (step is ClientStep && _consumed[_serverPosition])
            {
                _serverPosition++;
                continue;
            }

            if (step is ServerStep server)
            {
                var bytes = _serverBytes[_serverPosition] ??= _hostile ? server.Bytes! : _shape.Adapt(server.Bytes ?? server.Compute!());
                if (_serverOffset >= bytes.Length)
                {
                    _serverPosition++;
                    _serverOffset = 0;
                    continue;
                }
            }

            return step;
        }

        return null;
    }

    private int NextClientStep()
    {
        for (var i = _clientPosition; i < _steps.Count; i++)
        {
            if (_steps[i] is ClientStep && !_consumed[i])
            {
                return i;
            }
        }

        return -1;
    }

    private void CountOperation()
    {
        if (_hostile && ++_operations > HostileOperationBudget)
        {
            throw Fail($"The client made more than {HostileOperationBudget} I/O calls on a bounded script: it is looping.");
        }
    }

    private ScriptMismatchException Fail(string message)
    {
        _failure ??= message;
        return new ScriptMismatchException(message);
    }

    private static ReadOnlySpan<byte> FirstLine(ReadOnlySpan<byte> bytes)
    {
        var lf = bytes.IndexOf((byte)'\n');
        return lf < 0 ? bytes : bytes[..(lf + 1)];
    }
}

/// <summary>The client did something the script does not allow. Deliberately not an IOException.</summary>
public sealed class ScriptMismatchException(string message) : Exception(message);
