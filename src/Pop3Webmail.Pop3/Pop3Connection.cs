using System.Buffers;
using System.Net.Sockets;
using System.Security.Authentication;
using Microsoft.Extensions.Logging;

namespace Pop3Webmail.Pop3;

/// <summary>
/// The connection layer: owns the transport, the session state, the command/response cycle, the pipeline and
/// the timeouts. Every failure that leaves the reply stream in an unknown state closes the transport first and
/// is then reported as a <see cref="Pop3ProtocolException"/> (or cancellation).
/// </summary>
internal sealed partial class Pop3Connection : IDisposable
{
    private readonly Pop3ClientOptions _options;
    private readonly ILogger _logger;
    private Stream _stream;
    private Pop3LineReader _reader;
    private Pop3BodyStream? _openBody;
    private int _busy;

    public Pop3Connection(Stream stream, Pop3ClientOptions options, ILogger logger)
    {
        _stream = stream;
        _options = options;
        _logger = logger;
        _reader = new Pop3LineReader(stream);
    }

    public Pop3SessionState State { get; set; } = Pop3SessionState.Authorization;

    public bool IsClosed => State == Pop3SessionState.Closed;

    public Stream Transport => _stream;

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

        _reader.Dispose();
        _stream = secured;
        _reader = new Pop3LineReader(secured);
    }

    /// <summary>Starts a public operation: serializes callers and sets up the operation and I/O timers.</summary>
    public Operation Begin(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(IsClosed, this);
        if (Interlocked.Exchange(ref _busy, 1) != 0)
        {
            throw new InvalidOperationException("A POP3 client runs one operation at a time; await the previous one first.");
        }

        return new Operation(this, cancellationToken);
    }

    /// <summary>Reads the greeting (RFC 1939 §4). A -ERR greeting means the server refuses service: fatal.</summary>
    public async ValueTask<Pop3Response> ReadGreetingAsync(Operation operation)
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
    public async ValueTask<Pop3Response> ExecuteAsync(Pop3Command command, Operation operation)
    {
        await SendAsync([command], 0, 1, operation).ConfigureAwait(false);
        return await ReadResponseAsync(operation).ConfigureAwait(false);
    }

    /// <summary>Sends a command and throws <see cref="Pop3CommandException"/> on -ERR (connection stays usable).</summary>
    public async ValueTask<Pop3Response> ExecuteOkAsync(Pop3Command command, Operation operation)
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

    /// <summary>
    /// Runs many commands in a windowed pipeline (RFC 2449 §6.6): at most <see cref="Pop3ClientOptions.PipelineWindow"/>
    /// commands and <see cref="Pop3ClientOptions.PipelineMaxBytes"/> octets are outstanding, the window is topped up
    /// as replies arrive, and every write holds whole commands. With <paramref name="pipelined"/> false it is one
    /// command per round trip. <paramref name="onReply"/> sees each status in order and may read the data block of a
    /// multi-line +OK; whatever it leaves unread is drained.
    /// </summary>
    public async ValueTask PipelineAsync(
        IReadOnlyList<Pop3Command> commands,
        bool pipelined,
        Func<int, Pop3Response, ValueTask> onReply,
        Operation operation)
    {
        var window = pipelined ? Math.Max(1, _options.PipelineWindow) : 1;
        var sent = 0;
        var received = 0;
        var outstandingBytes = 0;
        while (received < commands.Count)
        {
            var outstanding = sent - received;
            if (sent < commands.Count && (outstanding == 0 || outstanding <= window / 2))
            {
                var bytes = 0;
                var end = sent;
                while (end < commands.Count && end - received < window)
                {
                    // Commands still unanswered occupy the server's input buffer too, so they count against the limit.
                    var size = commands[end].ByteCount;
                    if (end > received && outstandingBytes + bytes + size > _options.PipelineMaxBytes)
                    {
                        break;
                    }

                    bytes += size;
                    end++;
                }

                if (end > sent)
                {
                    await SendAsync(commands, sent, end - sent, operation).ConfigureAwait(false);
                    outstandingBytes += bytes;
                    sent = end;
                }
            }

            var response = await ReadResponseAsync(operation).ConfigureAwait(false);
            if (response.Kind == Pop3ResponseKind.Continuation)
            {
                throw Fail(new Pop3ProtocolException("The server sent a continuation where a status line was expected."), operation);
            }

            if (response.IsOk && commands[received].MultiLine)
            {
                _reader.BeginData();
            }

            try
            {
                await onReply(received, response).ConfigureAwait(false);
            }
            catch
            {
                // Replies to commands already sent are still on their way; unread, they would be taken for the
                // replies of later commands. The connection cannot be kept in step, so it is closed.
                Close();
                throw;
            }

            if (_reader.InData)
            {
                await DrainAsync(operation).ConfigureAwait(false);
            }

            outstandingBytes -= commands[received].ByteCount;
            received++;
        }
    }

    /// <summary>Reads and parses one status line.</summary>
    public async ValueTask<Pop3Response> ReadResponseAsync(Operation operation)
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

        LogReply(response, operation.Secret);
        return response;
    }

    /// <summary>Reads one line of a multi-line text reply; null at the terminating "." (RFC 1939 §3).</summary>
    public async ValueTask<ReadOnlyMemory<byte>?> ReadDataLineAsync(Operation operation)
    {
        var line = await ReadLineAsync(operation).ConfigureAwait(false);
        if (line.Length > 0 && line.Span[0] == (byte)'.')
        {
            if (line.Length == 1)
            {
                return null;
            }

            line = line[1..];
        }

        return line;
    }

    public async ValueTask<int> ReadDataAsync(Memory<byte> destination, Operation operation)
    {
        try
        {
            operation.ArmIoTimer();
            return await _reader.ReadDataAsync(destination, operation.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (IsTransportFailure(ex))
        {
            throw Fail(ex, operation);
        }
    }

    public int ReadData(Span<byte> destination)
    {
        try
        {
            return _reader.ReadData(destination);
        }
        catch (Exception ex) when (IsTransportFailure(ex))
        {
            throw Fail(ex, null);
        }
    }

    public bool InData => _reader.InData;

    public void BeginData() => _reader.BeginData();

    /// <summary>Closes a data block that was read line by line up to its "." line.</summary>
    public void EndData() => _reader.EndData();

    public async ValueTask DrainAsync(Operation operation)
    {
        try
        {
            operation.ArmIoTimer();
            await _reader.DrainDataAsync(operation.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (IsTransportFailure(ex))
        {
            throw Fail(ex, operation);
        }
    }

    /// <summary>Registers the body stream handed to the caller; the next command drains what it left unread.</summary>
    public void SetOpenBody(Pop3BodyStream body) => _openBody = body;

    public async ValueTask SettleOpenBodyAsync(Operation operation)
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

    /// <summary>Closes the transport without any protocol I/O (house rule: disposal never talks).</summary>
    public void Close()
    {
        if (State == Pop3SessionState.Closed)
        {
            return;
        }

        State = Pop3SessionState.Closed;
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
    public Exception Fail(Exception error, Operation? operation)
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

    private async ValueTask<ReadOnlyMemory<byte>> ReadLineAsync(Operation operation)
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

    private async ValueTask SendAsync(IReadOnlyList<Pop3Command> commands, int first, int count, Operation operation)
    {
        var size = 0;
        for (var i = first; i < first + count; i++)
        {
            size += commands[i].ByteCount;
        }

        var buffer = ArrayPool<byte>.Shared.Rent(size);
        try
        {
            var written = 0;
            for (var i = first; i < first + count; i++)
            {
                written += commands[i].WriteTo(buffer.AsSpan(written));
                LogCommand(commands[i]);
            }

            operation.ArmIoTimer();
            await _stream.WriteAsync(buffer.AsMemory(0, written), operation.Token).ConfigureAwait(false);
            await _stream.FlushAsync(operation.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (IsTransportFailure(ex))
        {
            throw Fail(ex, operation);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    public void LogReply(Pop3Response response, string? secret)
    {
        if (response.Kind == Pop3ResponseKind.Continuation)
        {
            // SASL challenges can carry account details; only their presence is logged.
            LogChallenge();
        }
        else
        {
            // A server may echo the password it was sent (e.g. "-ERR bad password hunter2"): never log it.
            var text = secret is not null && response.Text.Contains(secret, StringComparison.Ordinal)
                ? response.Text.Replace(secret, "********", StringComparison.Ordinal)
                : response.Text;
            LogServer(response.Kind == Pop3ResponseKind.Ok ? "+OK" : "-ERR", response.Code, text);
        }
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Debug, Message = "C: {Command}")]
    private partial void LogCommand(Pop3Command command);

    [LoggerMessage(EventId = 2, Level = LogLevel.Debug, Message = "S: {Indicator} [{Code}] {Text}")]
    private partial void LogServer(string indicator, Pop3ResponseCode code, string text);

    [LoggerMessage(EventId = 3, Level = LogLevel.Debug, Message = "S: + (challenge)")]
    private partial void LogChallenge();

    /// <summary>
    /// One public operation: the caller's token, the whole-operation deadline and the per-I/O timer, all folded
    /// into one token so every read and write observes the earliest of them.
    /// </summary>
    internal sealed class Operation : IDisposable
    {
        private readonly Pop3Connection _connection;
        private readonly CancellationTokenSource _timer;
        private readonly CancellationTokenRegistration _registration;
        private readonly TimeProvider _time;
        private readonly long _started;
        private bool _ioTimedOut;

        public Operation(Pop3Connection connection, CancellationToken callerToken)
        {
            _connection = connection;
            _time = connection._options.TimeProvider;
            CallerToken = callerToken;
            _timer = new CancellationTokenSource(Timeout.InfiniteTimeSpan, _time);
            _registration = callerToken.UnsafeRegister(static state => ((CancellationTokenSource)state!).Cancel(), _timer);
            _started = _time.GetTimestamp();
            Token = _timer.Token;
        }

        public CancellationToken Token { get; }

        public CancellationToken CallerToken { get; }

        /// <summary>The password or token this operation sends, if any; server replies echoing it are logged redacted.</summary>
        public string? Secret { get; set; }

        public string TimedOutMessage => _ioTimedOut
            ? "The POP3 server did not respond in time; the connection was closed."
            : "The POP3 operation took longer than allowed; the connection was closed.";

        /// <summary>Restarts the I/O timer, capped by what remains of the operation's own limit.</summary>
        public void ArmIoTimer()
        {
            var io = _connection._options.IoTimeout;
            var op = _connection._options.OperationTimeout;
            if (op == Timeout.InfiniteTimeSpan && io == Timeout.InfiniteTimeSpan)
            {
                return;
            }

            var remaining = op == Timeout.InfiniteTimeSpan ? TimeSpan.MaxValue : op - _time.GetElapsedTime(_started);
            if (remaining <= TimeSpan.Zero)
            {
                _ioTimedOut = false;
                _timer.Cancel();
                return;
            }

            _ioTimedOut = io != Timeout.InfiniteTimeSpan && io <= remaining;
            _timer.CancelAfter(_ioTimedOut ? io : remaining);
        }

        public void Dispose()
        {
            _registration.Dispose();
            _timer.Dispose();
            Volatile.Write(ref _connection._busy, 0);
        }
    }
}

/// <summary>RFC 1939 §3 session states, plus Closed once the transport is gone.</summary>
public enum Pop3SessionState
{
    Authorization,
    Transaction,
    Closed,
}
