using System.Text;

namespace Pop3Webmail.DemoServer;

/// <summary>
/// Buffers replies and writes them in large chunks; the session flushes only when it is about to wait for the
/// client, so a pipelined batch of commands gets its replies in one go. Enforces
/// <see cref="DemoPop3Faults.DropAfterBytesSent"/>: the octets up to the limit are sent, then the session is ended.
/// </summary>
internal sealed class DemoPop3ReplyWriter(Stream transport, long? dropAfterBytes)
{
    private const int BufferSize = 16 * 1024;

    private readonly byte[] _buffer = new byte[BufferSize];
    private int _count;
    private long _sent;

    public ValueTask WriteLineAsync(string line, CancellationToken cancellationToken) =>
        WriteAsync(Encoding.UTF8.GetBytes(line + "\r\n"), cancellationToken);

    public async ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        while (!data.IsEmpty)
        {
            var chunk = Math.Min(data.Length, BufferSize - _count);
            data.Span[..chunk].CopyTo(_buffer.AsSpan(_count));
            _count += chunk;
            data = data[chunk..];
            if (_count == BufferSize)
            {
                await FlushAsync(cancellationToken).ConfigureAwait(false);
            }
        }
    }

    public async ValueTask FlushAsync(CancellationToken cancellationToken)
    {
        if (dropAfterBytes is { } limit && _sent + _count >= limit)
        {
            await transport.WriteAsync(_buffer.AsMemory(0, (int)(limit - _sent)), cancellationToken).ConfigureAwait(false);
            await transport.FlushAsync(cancellationToken).ConfigureAwait(false);
            throw new DemoPop3InjectedDropException();
        }

        if (_count == 0)
        {
            return;
        }

        await transport.WriteAsync(_buffer.AsMemory(0, _count), cancellationToken).ConfigureAwait(false);
        _sent += _count;
        _count = 0;
    }
}

/// <summary>A fault asked for the connection to be closed now.</summary>
internal sealed class DemoPop3InjectedDropException : Exception
{
    public DemoPop3InjectedDropException()
        : base("Fault injection closed the connection.")
    {
    }
}
