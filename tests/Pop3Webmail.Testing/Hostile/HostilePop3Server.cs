using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Pop3Webmail.Testing.Hostile;

/// <summary>Writes one line of an endless reply into <paramref name="destination"/>; false when it does not fit.</summary>
public delegate bool HostileLineWriter(Span<byte> destination, long lineNumber, out int written);

/// <summary>
/// A hostile POP3 server on the IPv4 loopback: every client connection plays the script, which reads the client's
/// commands and answers, and can flood a reply as fast as the socket takes it until the client hangs up. Connections
/// are numbered from 1, so a script can attack a reconnect differently from the first connection. Floods are written
/// from one reused buffer, so the server's own allocations do not blur the client's memory measurement.
/// </summary>
public sealed class HostilePop3Server : IAsyncDisposable
{
    private readonly TcpListener _listener;
    private readonly Func<HostileConnection, Task> _play;
    private readonly Lock _lock = new();
    private readonly List<Task> _connections = [];
    private readonly List<Socket> _sockets = [];
    private readonly Task _accepting;
    private long _written;

    private HostilePop3Server(TcpListener listener, Func<HostileConnection, Task> play)
    {
        _listener = listener;
        _play = play;
        _accepting = AcceptAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>Every byte written to clients so far.</summary>
    public long BytesWritten => Interlocked.Read(ref _written);

    /// <summary>Connections accepted so far.</summary>
    public int ConnectionCount
    {
        get
        {
            lock (_lock)
            {
                return _connections.Count;
            }
        }
    }

    /// <summary>
    /// Completes when the script of every connection accepted so far has ended: the client hung up during a flood, or
    /// the script finished.
    /// </summary>
    public Task Finished
    {
        get
        {
            lock (_lock)
            {
                return Task.WhenAll(_connections);
            }
        }
    }

    public static HostilePop3Server Start(Func<HostileConnection, Task> play)
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return new HostilePop3Server(listener, play);
    }

    /// <summary>Stops listening and cuts every connection still open, so no script outlives the test.</summary>
    public async ValueTask DisposeAsync()
    {
        _listener.Stop();
        await _accepting;
        Task[] connections;
        lock (_lock)
        {
            foreach (var socket in _sockets)
            {
                socket.Dispose();
            }

            connections = [.. _connections];
        }

        foreach (var connection in connections)
        {
            try
            {
                await connection;
            }
            catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException or OperationCanceledException)
            {
                // The script was cut short by the client or by the end of the test.
            }
        }
    }

    private async Task AcceptAsync()
    {
        while (true)
        {
            Socket socket;
            try
            {
                socket = await _listener.AcceptSocketAsync();
            }
            catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
            {
                return; // Stopped.
            }

            lock (_lock)
            {
                _sockets.Add(socket);
                _connections.Add(ServeAsync(socket, _connections.Count + 1));
            }
        }
    }

    private async Task ServeAsync(Socket socket, int number)
    {
        // Off the accept loop: a script that floods must not delay the next connection.
        await Task.Yield();
        socket.NoDelay = true;
        await using var stream = new NetworkStream(socket, ownsSocket: true);
        using var connection = new HostileConnection(stream, number, bytes => Interlocked.Add(ref _written, bytes));
        try
        {
            await _play(connection);
        }
        catch (IOException)
        {
            // The client closed the connection in the middle of a reply: what a bounded client must do.
        }
    }
}

/// <summary>The server side of one hostile connection.</summary>
public sealed class HostileConnection(NetworkStream stream, int number, Action<int> counted) : IDisposable
{
    private readonly byte[] _lineBuffer = new byte[1024];
    private readonly SemaphoreSlim _trickleGate = new(0);
    private readonly TaskCompletionSource _ended = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _lineLength;

    /// <summary>Which connection to the server this is, from 1.</summary>
    public int Number { get; } = number;

    /// <summary>Completes when the script of this connection has ended (the server has stopped writing to it).</summary>
    public Task Ended => _ended.Task;

    /// <summary>Reads the client's next command line (without CRLF); null when the client has closed.</summary>
    public async Task<string?> ReadCommandAsync()
    {
        while (true)
        {
            var lf = Array.IndexOf(_lineBuffer, (byte)'\n', 0, _lineLength);
            if (lf >= 0)
            {
                var line = Encoding.ASCII.GetString(_lineBuffer, 0, lf).TrimEnd('\r');
                Buffer.BlockCopy(_lineBuffer, lf + 1, _lineBuffer, 0, _lineLength - lf - 1);
                _lineLength -= lf + 1;
                return line;
            }

            var read = await stream.ReadAsync(_lineBuffer.AsMemory(_lineLength));
            if (read == 0)
            {
                return null;
            }

            _lineLength += read;
        }
    }

    /// <summary>Reads one command, which must start with <paramref name="verb"/>, and answers it.</summary>
    public async Task AnswerAsync(string verb, string reply)
    {
        var command = await ReadCommandAsync();
        if (command is null || !command.StartsWith(verb, StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"The hostile script expected {verb} but the client sent {command ?? "nothing"}.");
        }

        await SendAsync(reply);
    }

    /// <summary>Greeting, CAPA (USER, TOP, UIDL; no PIPELINING, so the client speaks one command at a time), USER/PASS, CAPA.</summary>
    public async Task SignInAsync()
    {
        const string capa = "+OK\r\nUSER\r\nTOP\r\nUIDL\r\n.\r\n";
        await SendAsync("+OK hostile POP3 server ready\r\n");
        await AnswerAsync("CAPA", capa);
        await AnswerAsync("USER", "+OK\r\n");
        await AnswerAsync("PASS", "+OK\r\n");
        await AnswerAsync("CAPA", capa);
    }

    public async Task SendAsync(string text)
    {
        var bytes = Encoding.ASCII.GetBytes(text);
        await SendAsync(bytes);
    }

    public async Task SendAsync(ReadOnlyMemory<byte> bytes)
    {
        await stream.WriteAsync(bytes);
        counted(bytes.Length);
    }

    /// <summary>
    /// Writes lines from <paramref name="line"/>, numbered from <paramref name="first"/>, until <paramref name="last"/>
    /// is out or the client hangs up.
    /// </summary>
    public async Task FloodLinesAsync(HostileLineWriter line, long last = long.MaxValue, long first = 1)
    {
        var buffer = new byte[64 * 1024];
        var next = first;
        while (next <= last)
        {
            var filled = 0;
            while (next <= last && line(buffer.AsSpan(filled), next, out var written))
            {
                filled += written;
                next++;
            }

            await stream.WriteAsync(buffer.AsMemory(0, filled));
            counted(filled);
        }
    }

    /// <summary>Writes <paramref name="pattern"/> over and over, <paramref name="total"/> bytes or until the client hangs up.</summary>
    public async Task FloodAsync(byte pattern, long total = long.MaxValue, bool lines = false)
    {
        var buffer = new byte[64 * 1024];
        buffer.AsSpan().Fill(pattern);
        if (lines)
        {
            for (var end = 77; end < buffer.Length; end += 78)
            {
                buffer[end - 1] = (byte)'\r';
                buffer[end] = (byte)'\n';
            }
        }

        var chunk = lines ? buffer.Length - (buffer.Length % 78) : buffer.Length;
        for (long sent = 0; sent < total; sent += chunk)
        {
            var length = (int)Math.Min(chunk, total - sent);
            await stream.WriteAsync(buffer.AsMemory(0, length));
            counted(length);
        }
    }

    /// <summary>Sends one byte of <paramref name="pattern"/> each time <see cref="ReleaseTrickle"/> is called.</summary>
    public async Task TrickleAsync(byte pattern, CancellationToken cancellationToken)
    {
        var one = new[] { pattern };
        while (true)
        {
            await _trickleGate.WaitAsync(cancellationToken);
            await stream.WriteAsync(one, cancellationToken);
            counted(1);
        }
    }

    public void ReleaseTrickle() => _trickleGate.Release();

    public void Dispose()
    {
        _trickleGate.Dispose();
        _ended.TrySetResult();
    }
}
