using System.Net;
using System.Net.Sockets;

namespace Pop3Webmail.Testing;

/// <summary>
/// A client's TCP stream that counts what the client writes and reads. Writes: with pipelining many commands share one
/// write, without it every command is a write of its own; the count is what proves PIPELINING was used (RFC 2449 §6.6).
/// Reads: how far past a bound a client read, and an event to wait on until it has read so much (not a sleep).
/// <see cref="Closed"/> completes when the client has let go of the stream.
/// </summary>
public sealed class CountingStream(NetworkStream inner) : Stream
{
    private readonly TaskCompletionSource _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _read;
    private TaskCompletionSource _readProgress = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public int Writes { get; private set; }

    public long BytesWritten { get; private set; }

    public long BytesRead => Interlocked.Read(ref _read);

    /// <summary>Completes once the stream has been disposed (the client closed the connection).</summary>
    public Task Closed => _closed.Task;

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
    public static async Task<CountingStream> ConnectAsync(int port, CancellationToken cancellationToken)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(IPAddress.Loopback, port, cancellationToken);
            return new CountingStream(new NetworkStream(socket, ownsSocket: true));
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>Completes once the client has read at least <paramref name="bytes"/> bytes in total.</summary>
    public async Task ReadAtLeastAsync(long bytes, CancellationToken cancellationToken)
    {
        while (true)
        {
            var progress = Volatile.Read(ref _readProgress);
            if (BytesRead >= bytes)
            {
                return;
            }

            await progress.Task.WaitAsync(cancellationToken);
        }
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer) => CountRead(inner.Read(buffer));

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        CountRead(await inner.ReadAsync(buffer, cancellationToken));

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
            _closed.TrySetResult();
        }

        base.Dispose(disposing);
    }

    private void Count(int length)
    {
        Writes++;
        BytesWritten += length;
    }

    private int CountRead(int read)
    {
        Interlocked.Add(ref _read, read);
        Interlocked.Exchange(ref _readProgress, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
        return read;
    }
}
