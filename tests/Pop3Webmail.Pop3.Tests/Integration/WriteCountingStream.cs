using System.Net.Sockets;

namespace Pop3Webmail.Pop3.Tests.Integration;

/// <summary>
/// A TCP stream that counts the writes the client makes: with pipelining many commands share one write, without it
/// every command is a write of its own. The count is what proves PIPELINING was used (RFC 2449 §6.6).
/// </summary>
internal sealed class WriteCountingStream(NetworkStream inner) : Stream
{
    public int Writes { get; private set; }

    public long BytesWritten { get; private set; }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    /// <summary>Connects to <paramref name="port"/> on the IPv4 loopback.</summary>
    public static async Task<WriteCountingStream> ConnectAsync(int port, CancellationToken cancellationToken)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(System.Net.IPAddress.Loopback, port, cancellationToken);
            return new WriteCountingStream(new NetworkStream(socket, ownsSocket: true));
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);

    public override int Read(Span<byte> buffer) => inner.Read(buffer);

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        inner.ReadAsync(buffer, offset, count, cancellationToken);

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        inner.ReadAsync(buffer, cancellationToken);

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        Count(buffer.Length);
        inner.Write(buffer);
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        Count(buffer.Length);
        return inner.WriteAsync(buffer, cancellationToken);
    }

    public override void Flush() => inner.Flush();

    public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
        }

        base.Dispose(disposing);
    }

    private void Count(int length)
    {
        Writes++;
        BytesWritten += length;
    }
}

/// <summary>Records progress reports synchronously, in order (Progress&lt;T&gt; would post them asynchronously).</summary>
internal sealed class ProgressRecorder : IProgress<Pop3Progress>
{
    private readonly List<Pop3Progress> _reports = [];

    public IReadOnlyList<Pop3Progress> Reports => _reports;

    public void Report(Pop3Progress value) => _reports.Add(value);
}
