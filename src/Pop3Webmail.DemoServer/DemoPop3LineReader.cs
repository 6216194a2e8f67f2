using System.Text;

namespace Pop3Webmail.DemoServer;

/// <summary>
/// Splits the client's byte stream into command lines. Every line already received is handed out before the
/// transport is read again, which is what lets pipelined commands (RFC 2449 §6.6) be answered in one write.
/// </summary>
internal sealed class DemoPop3LineReader(Stream transport, int capacity)
{
    private readonly byte[] _buffer = new byte[capacity];
    private int _start;
    private int _end;

    /// <summary>
    /// The next line without its CRLF (a bare LF is accepted too), or null when the client closed the connection.
    /// <paramref name="beforeWaiting"/> runs only when no complete line is buffered, just before the transport is read.
    /// </summary>
    /// <exception cref="DemoPop3LineTooLongException">The line, CRLF included, is longer than <paramref name="maxLength"/>.</exception>
    public async ValueTask<string?> ReadLineAsync(int maxLength, Func<CancellationToken, ValueTask> beforeWaiting, CancellationToken cancellationToken)
    {
        while (true)
        {
            var lf = _buffer.AsSpan(_start, _end - _start).IndexOf((byte)'\n');
            if (lf >= 0)
            {
                if (lf + 1 > maxLength)
                {
                    throw new DemoPop3LineTooLongException();
                }

                var line = _buffer.AsSpan(_start, lf);
                _start += lf + 1;
                return Encoding.UTF8.GetString(line.EndsWith("\r"u8) ? line[..^1] : line);
            }

            if (_end - _start >= maxLength)
            {
                throw new DemoPop3LineTooLongException();
            }

            if (_start > 0)
            {
                _buffer.AsSpan(_start, _end - _start).CopyTo(_buffer);
                _end -= _start;
                _start = 0;
            }

            await beforeWaiting(cancellationToken).ConfigureAwait(false);
            var read = await transport.ReadAsync(_buffer.AsMemory(_end), cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                return null;
            }

            _end += read;
        }
    }
}

internal sealed class DemoPop3LineTooLongException : Exception
{
    public DemoPop3LineTooLongException()
        : base("The client sent a line longer than the server accepts.")
    {
    }
}
