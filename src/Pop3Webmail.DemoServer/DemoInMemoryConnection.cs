using System.Threading.Channels;

namespace Pop3Webmail.DemoServer;

/// <summary>
/// Two ends of an in-memory, full-duplex byte stream: what one end writes, the other reads, in order. Disposing an end
/// ends the stream for the other (its reads return 0), as closing a socket would. It lets tests run thousands of POP3
/// sessions against the demo server without a TCP port each.
/// </summary>
internal static class DemoInMemoryConnection
{
    public static (Stream Client, Stream Server) Create()
    {
        var toServer = Channel.CreateUnbounded<byte[]>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = false });
        var toClient = Channel.CreateUnbounded<byte[]>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = false });
        var client = new End(toClient.Reader, toServer.Writer);
        var server = new End(toServer.Reader, toClient.Writer);
        client.Peer = server;
        server.Peer = client;
        return (client, server);
    }

    private sealed class End(ChannelReader<byte[]> incoming, ChannelWriter<byte[]> outgoing) : Stream
    {
        private ReadOnlyMemory<byte> _current;
        private int _disposed;

        public End? Peer { get; set; }

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        public override void Flush()
        {
        }

        public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (buffer.IsEmpty)
            {
                return 0;
            }

            while (_current.IsEmpty)
            {
                try
                {
                    if (!await incoming.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
                    {
                        return 0;
                    }
                }
                catch (ChannelClosedException)
                {
                    return 0;
                }

                if (incoming.TryRead(out var chunk))
                {
                    _current = chunk;
                }
            }

            var count = Math.Min(buffer.Length, _current.Length);
            _current.Span[..count].CopyTo(buffer.Span);
            _current = _current[count..];
            return count;
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
            if (!buffer.IsEmpty && !outgoing.TryWrite(buffer.ToArray()))
            {
                throw new IOException("The other end of the connection is closed.");
            }
        }

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            cancellationToken.ThrowIfCancellationRequested();
            Write(buffer.Span);
            return ValueTask.CompletedTask;
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        {
            cancellationToken.ThrowIfCancellationRequested();
            Write(buffer.AsSpan(offset, count));
            return Task.CompletedTask;
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                // The peer reads what is still buffered, then the end of the stream; its writes to us now fail.
                outgoing.TryComplete();
                Peer?.Outgoing.TryComplete();
            }

            base.Dispose(disposing);
        }

        private ChannelWriter<byte[]> Outgoing => outgoing;
    }
}
