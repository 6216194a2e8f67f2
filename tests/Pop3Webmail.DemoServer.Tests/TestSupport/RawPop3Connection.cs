using System.Net.Sockets;
using System.Text;

namespace Pop3Webmail.DemoServer.Tests.TestSupport;

/// <summary>A bare socket to the demo server, for checks on the exact bytes; every read is bounded by a safety timeout.</summary>
internal sealed class RawPop3Connection : IAsyncDisposable
{
    private static readonly TimeSpan SafetyTimeout = TimeSpan.FromSeconds(15);

    private readonly Socket _socket;
    private readonly NetworkStream _stream;
    private readonly byte[] _buffer = new byte[64 * 1024];
    private int _start;
    private int _end;

    private RawPop3Connection(Socket socket)
    {
        _socket = socket;
        _stream = new NetworkStream(socket, ownsSocket: true);
    }

    public static async Task<RawPop3Connection> ConnectAsync(DemoPop3Server server)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        using var timeout = Timeout();
        await socket.ConnectAsync(server.EndPoint, timeout.Token);
        return new RawPop3Connection(socket);
    }

    /// <summary>Connects, reads the greeting and logs in with USER/PASS; returns the login reply.</summary>
    public static async Task<RawPop3Connection> LoginAsync(DemoPop3Server server, string userName = DemoPop3Server.DemoUserName, string password = DemoPop3Server.DemoPassword)
    {
        var connection = await ConnectAsync(server);
        Assert.StartsWith("+OK ", await connection.ReadLineAsync(), StringComparison.Ordinal);
        await connection.SendAsync($"USER {userName}\r\nPASS {password}\r\n");
        Assert.Equal("+OK Send your password", await connection.ReadLineAsync());
        Assert.StartsWith("+OK Logged in", await connection.ReadLineAsync(), StringComparison.Ordinal);
        return connection;
    }

    public async Task SendAsync(string text) => await SendAsync(Encoding.UTF8.GetBytes(text));

    public async Task SendAsync(byte[] bytes)
    {
        using var timeout = Timeout();
        await _stream.WriteAsync(bytes, timeout.Token);
    }

    /// <summary>The next line without its CRLF (Latin-1, so every byte survives), or null at the end of the stream.</summary>
    public async Task<string?> ReadLineAsync()
    {
        var line = await ReadRawLineAsync();
        return line is null ? null : Encoding.Latin1.GetString(line.AsSpan(0, line.Length - 2));
    }

    /// <summary>The data block of a multi-line reply exactly as sent (still dot-stuffed), without the "." line.</summary>
    public async Task<byte[]> ReadDataBlockAsync()
    {
        using var block = new MemoryStream();
        while (await ReadRawLineAsync() is { } line)
        {
            if (line.AsSpan().SequenceEqual(".\r\n"u8))
            {
                return block.ToArray();
            }

            block.Write(line);
        }

        throw new EndOfStreamException("The connection closed inside a multi-line reply.");
    }

    /// <summary>Everything the server sends until it closes the connection.</summary>
    public async Task<byte[]> ReadToEndAsync()
    {
        using var all = new MemoryStream();
        all.Write(_buffer, _start, _end - _start);
        _start = _end = 0;
        using var timeout = Timeout();
        await _stream.CopyToAsync(all, timeout.Token);
        return all.ToArray();
    }

    public ValueTask DisposeAsync()
    {
        _stream.Dispose();
        _socket.Dispose();
        return ValueTask.CompletedTask;
    }

    private async Task<byte[]?> ReadRawLineAsync()
    {
        while (true)
        {
            var lf = Array.IndexOf(_buffer, (byte)'\n', _start, _end - _start);
            if (lf >= 0)
            {
                var line = _buffer[_start..(lf + 1)];
                _start = lf + 1;
                Assert.True(line.Length >= 2 && line[^2] == '\r', "Every line from the server ends with CRLF.");
                return line;
            }

            if (_start > 0)
            {
                Array.Copy(_buffer, _start, _buffer, 0, _end - _start);
                _end -= _start;
                _start = 0;
            }

            Assert.True(_end < _buffer.Length, "The server sent a line longer than the test buffer.");
            using var timeout = Timeout();
            var read = await _stream.ReadAsync(_buffer.AsMemory(_end), timeout.Token);
            if (read == 0)
            {
                Assert.True(_end == 0, "The connection closed in the middle of a line.");
                return null;
            }

            _end += read;
        }
    }

    private static CancellationTokenSource Timeout()
    {
        var source = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        source.CancelAfter(SafetyTimeout);
        return source;
    }
}
