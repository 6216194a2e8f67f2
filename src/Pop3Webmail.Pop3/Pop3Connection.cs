using System.Buffers;
using System.Net.Sockets;
using System.Security.Authentication;
using Microsoft.Extensions.Logging;

namespace Pop3Webmail.Pop3;

/// <summary>
/// The connection layer: owns the transport, the session state, the command/response cycle, the bound of the data
/// block being read and the timeouts (<see cref="Pop3Pipeline"/> runs many commands over it). Every failure that
/// leaves the reply stream in an unknown state closes the transport first and is then reported as a
/// <see cref="Pop3ProtocolException"/> (or cancellation).
/// </summary>
internal sealed class Pop3Connection : IDisposable
{
    private readonly Pop3ClientOptions _options;
    private readonly Pop3ProtocolLog _log;
    private readonly Pop3CommandClock _clock = new();
    private readonly Pop3DataBlock _data = new();
    private Stream _stream;
    private Pop3LineReader _reader;
    private long _receivedByEarlierReaders;
    private Pop3BodyStream? _openBody;
    private int _busy;

    public Pop3Connection(Stream stream, Pop3ClientOptions options, ILogger logger)
    {
        _stream = stream;
        _options = options;
        _log = new Pop3ProtocolLog(logger);
        _reader = new Pop3LineReader(stream);
    }

    public Pop3SessionState State { get; set; } = Pop3SessionState.Authorization;

    public Pop3ClientOptions Options => _options;

    public bool IsClosed => State == Pop3SessionState.Closed;

    public Stream Transport => _stream;

    /// <summary>Every byte received on this connection, across a STLS upgrade: what transfer deadlines earn time with.</summary>
    public long Received => _receivedByEarlierReaders + _reader.Received;

    /// <summary>
    /// Swaps the transport after STLS. Anything the server sent after its +OK and before the handshake would be
    /// unauthenticated plaintext pretending to be protected (RFC 2595 §4 / the STARTTLS injection class of
    /// attacks), so it is a protocol error.
    /// </summary>
    public void ReplaceTransport(Stream secured)
    {
        if (_reader.Buffered != 0)
        {
            Close();
            throw new Pop3ProtocolException("The server sent data after accepting STLS and before the TLS handshake.");
        }

        _receivedByEarlierReaders += _reader.Received;
        _reader.Dispose();
        _stream = secured;
        _reader = new Pop3LineReader(secured);
    }

    /// <summary>Starts a public operation: serializes callers and sets up the deadline and I/O timers.</summary>
    public Pop3Operation Begin(Pop3Deadline deadline, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(IsClosed, this);
        if (Interlocked.Exchange(ref _busy, 1) != 0)
        {
            throw new InvalidOperationException("A POP3 client runs one operation at a time; await the previous one first.");
        }

        return new Pop3Operation(this, deadline, cancellationToken);
    }

    /// <summary>The operation is over: the next one may begin.</summary>
    public void EndOperation() => Volatile.Write(ref _busy, 0);

    /// <summary>Reads the greeting (RFC 1939 §4). A -ERR greeting means the server refuses service: fatal.</summary>
    public async ValueTask<Pop3Response> ReadGreetingAsync(Pop3Operation operation)
    {
        var greeting = await ReadResponseAsync(operation).ConfigureAwait(false);
        if (!greeting.IsOk)
        {
            Close();
            throw new Pop3ProtocolException($"The POP3 server refused the connection: {greeting.Text}", greeting.Code, greeting.Text);
        }

        return greeting;
    }

    /// <summary>Sends one command and reads its status line. For a multi-line +OK the data block is left open.</summary>
    public async ValueTask<Pop3Response> ExecuteAsync(Pop3Command command, Pop3Operation operation)
    {
        await SendAsync(command, operation).ConfigureAwait(false);
        return await ReadResponseAsync(operation).ConfigureAwait(false);
    }

    /// <summary>Sends a command and throws <see cref="Pop3CommandException"/> on -ERR (connection stays usable).</summary>
    public async ValueTask<Pop3Response> ExecuteOkAsync(Pop3Command command, Pop3Operation operation)
    {
        var response = await ExecuteAsync(command, operation).ConfigureAwait(false);
        return response.Kind switch
        {
            Pop3ResponseKind.Ok => response,
            Pop3ResponseKind.Err => throw new Pop3CommandException(command.Verb, response.Code, response.Text),
            // A SASL continuation outside AUTH (RFC 5034 §4): client and server no longer agree on the conversation.
            _ => throw Fail(new Pop3ProtocolException($"The server answered {command.Verb} with an unexpected continuation."), operation),
        };
    }

    /// <summary>Reads and parses one status line.</summary>
    public async ValueTask<Pop3Response> ReadResponseAsync(Pop3Operation operation)
    {
        var line = await ReadLineAsync(operation).ConfigureAwait(false);
        Pop3Response response;
        try
        {
            response = Pop3Response.Parse(line.Span);
        }
        catch (Pop3ProtocolException ex)
        {
            throw Fail(ex, operation);
        }

        _log.Reply(response, operation.Secret);
        _clock.Answered(response);
        return response;
    }

    /// <summary>
    /// Reads one line of a multi-line text reply (after <see cref="BeginData"/>); null at the terminating "."
    /// (RFC 1939 §3), which also ends the data block.
    /// </summary>
    public async ValueTask<ReadOnlyMemory<byte>?> ReadDataLineAsync(Pop3Operation operation)
    {
        var line = await ReadLineAsync(operation).ConfigureAwait(false);
        CheckDataLimit(operation);
        if (line.Length > 0 && line.Span[0] == (byte)'.')
        {
            if (line.Length == 1)
            {
                _reader.EndData();
                _clock.DataEnded();
                return null;
            }

            line = line[1..];
        }

        return line;
    }

    public async ValueTask<int> ReadDataAsync(Memory<byte> destination, Pop3Operation operation)
    {
        int read;
        try
        {
            operation.ArmIoTimer();
            read = await _reader.ReadDataAsync(destination[.._data.Cap(destination.Length, _reader.Consumed)], operation.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (IsTransportFailure(ex))
        {
            throw Fail(ex, operation);
        }

        return AfterDataRead(read, operation);
    }

    public int ReadData(Span<byte> destination, Pop3Operation operation)
    {
        int read;
        try
        {
            operation.ArmIoTimer();
            read = _reader.ReadData(destination[.._data.Cap(destination.Length, _reader.Consumed)]);
        }
        catch (Exception ex) when (IsTransportFailure(ex))
        {
            throw Fail(ex, operation);
        }

        return AfterDataRead(read, operation);
    }

    public bool InData => _reader.InData;

    /// <summary>Starts reading the data block of a multi-line +OK, bounded by <paramref name="limit"/>.</summary>
    public void BeginData(Pop3DataLimit limit)
    {
        _reader.BeginData();
        _data.Begin(_reader.Consumed, limit);
    }

    /// <summary>Tightens the current data block's limit once the reply's handler knows more (STAT's count for LIST).</summary>
    public void NarrowDataLimit(Pop3DataLimit limit) => _data.Narrow(limit);

    /// <summary>Reads and discards the rest of the current data block (within its limit), keeping replies in step.</summary>
    public async ValueTask DrainAsync(Pop3Operation operation)
    {
        var scratch = ArrayPool<byte>.Shared.Rent(16 * 1024);
        try
        {
            while (await ReadDataAsync(scratch, operation).ConfigureAwait(false) > 0)
            {
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(scratch);
        }
    }

    /// <summary>Registers the body stream handed to the caller; the next command drains what it left unread.</summary>
    public void SetOpenBody(Pop3BodyStream body) => _openBody = body;

    public async ValueTask SettleOpenBodyAsync(Pop3Operation operation)
    {
        if (_openBody is { } body)
        {
            _openBody = null;
            body.Detach();
            if (_reader.InData)
            {
                await DrainAsync(operation).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Closes the transport without any protocol I/O: disposal never talks.</summary>
    public void Close()
    {
        if (State == Pop3SessionState.Closed)
        {
            return;
        }

        State = Pop3SessionState.Closed;
        _clock.Clear();
        _openBody?.Detach();
        _openBody = null;
        try
        {
            _stream.Dispose();
        }
        catch (IOException)
        {
            // The peer may already be gone; closing is best effort.
        }

        _reader.Dispose();
    }

    public void Dispose() => Close();

    /// <summary>Closes the connection and turns <paramref name="error"/> into what the caller should see.</summary>
    public Exception Fail(Exception error, Pop3Operation? operation)
    {
        Close();
        if (error is OperationCanceledException && operation is not null)
        {
            if (operation.CallerToken.IsCancellationRequested)
            {
                return new OperationCanceledException("The POP3 operation was canceled; the connection was closed.", error, operation.CallerToken);
            }

            return new Pop3TimeoutException(operation.TimedOutMessage, error);
        }

        return error switch
        {
            Pop3Exception => error,
            AuthenticationException => new Pop3SecurityException("The TLS handshake with the POP3 server failed: " + error.Message, error),
            _ => new Pop3ProtocolException("The connection to the POP3 server was lost: " + error.Message, error),
        };
    }

    public static bool IsTransportFailure(Exception ex) =>
        ex is IOException or SocketException or ObjectDisposedException or OperationCanceledException
            or Pop3ProtocolException or AuthenticationException;

    private async ValueTask<ReadOnlyMemory<byte>> ReadLineAsync(Pop3Operation operation)
    {
        try
        {
            operation.ArmIoTimer();
            return await _reader.ReadLineAsync(_options.MaxLineLength, operation.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (IsTransportFailure(ex))
        {
            throw Fail(ex, operation);
        }
    }

    private ValueTask SendAsync(Pop3Command command, Pop3Operation operation)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(command.ByteCount);
        var written = Stage(command, buffer);
        return WriteAsync(buffer, written, operation);
    }

    /// <summary>Writes commands <paramref name="first"/> to <paramref name="first"/> + <paramref name="count"/> - 1 of the queue in one write.</summary>
    public ValueTask SendAsync(Pop3CommandQueue queue, int first, int count, Pop3Operation operation)
    {
        var size = 0;
        for (var i = first; i < first + count; i++)
        {
            size += queue[i].Command.ByteCount;
        }

        var buffer = ArrayPool<byte>.Shared.Rent(size);
        var written = 0;
        for (var i = first; i < first + count; i++)
        {
            written += Stage(queue[i].Command, buffer.AsSpan(written));
        }

        return WriteAsync(buffer, written, operation);
    }

    /// <summary>Puts one command into the write buffer, logs it and starts its clock.</summary>
    private int Stage(Pop3Command command, Span<byte> destination)
    {
        _log.Command(command);
        _clock.Sent(command);
        return command.WriteTo(destination);
    }

    /// <summary>One write per command or per pipeline batch, so a command is never split (RFC 2449 §6.6).</summary>
    private async ValueTask WriteAsync(byte[] rented, int length, Pop3Operation operation)
    {
        try
        {
            operation.ArmIoTimer();
            await _stream.WriteAsync(rented.AsMemory(0, length), operation.Token).ConfigureAwait(false);
            await _stream.FlushAsync(operation.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (IsTransportFailure(ex))
        {
            throw Fail(ex, operation);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    private int AfterDataRead(int read, Pop3Operation operation)
    {
        CheckDataLimit(operation);
        if (!_reader.InData)
        {
            _clock.DataEnded(); // The terminator may have come with the last bytes of data, not on a read of its own.
        }

        return read;
    }

    private void CheckDataLimit(Pop3Operation operation)
    {
        if (_data.Exceeded(_reader.Consumed) is { } exceeded)
        {
            throw Fail(exceeded, operation);
        }
    }
}
