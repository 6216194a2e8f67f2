namespace Pop3Webmail.Web.Session.Visit;

/// <summary>
/// Finds where a message's header block ends — at the first empty line (RFC 5322 §2.1; CRLF or the bare LF some
/// servers send) — in bytes that arrive in pieces, so a block past a bound is refused before anything parses it.
/// Pure bookkeeping: the caller feeds it what it received.
/// </summary>
internal sealed class MessageHeaderScanner
{
    private long _lineLength;
    private byte _previous = (byte)'\n';

    /// <summary>Octets of the header block seen so far, its empty line included once found.</summary>
    public long HeaderLength { get; private set; }

    /// <summary>True once the empty line that ends the header block has been seen.</summary>
    public bool Ended { get; private set; }

    /// <summary>Scans the next piece of the message; does nothing once the header block has ended.</summary>
    public void Scan(ReadOnlySpan<byte> received)
    {
        while (!Ended && !received.IsEmpty)
        {
            var lf = received.IndexOf((byte)'\n');
            if (lf < 0)
            {
                _lineLength += received.Length;
                _previous = received[^1];
                HeaderLength += received.Length;
                return;
            }

            var length = _lineLength + lf;
            var beforeLf = lf > 0 ? received[lf - 1] : _previous;
            HeaderLength += lf + 1;
            Ended = length == 0 || (length == 1 && beforeLf == '\r');
            _lineLength = 0;
            _previous = (byte)'\n';
            received = received[(lf + 1)..];
        }
    }
}
