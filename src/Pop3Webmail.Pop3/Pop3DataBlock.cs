namespace Pop3Webmail.Pop3;

/// <summary>
/// The bound of the data block being read (RFC 1939 §3): where it started in the reader's consumed-byte count and
/// how much it may hold. Reads are capped so that going past the bound shows after one small read, not after a
/// large buffer full, let alone a whole drain, of hostile bytes.
/// </summary>
internal sealed class Pop3DataBlock
{
    /// <summary>The ".\r\n" that ends a data block is not counted against its limit.</summary>
    private const int TerminatorBytes = 3;

    private long _start;
    private Pop3DataLimit _limit;

    public void Begin(long consumed, Pop3DataLimit limit)
    {
        _start = consumed;
        _limit = limit;
    }

    /// <summary>Tightens the bound once the reply's handler knows more (STAT's count for LIST).</summary>
    public void Narrow(Pop3DataLimit limit)
    {
        if (limit.MaxBytes < _limit.MaxBytes)
        {
            _limit = limit;
        }
    }

    /// <summary>How many bytes a read may ask for: one more than the block may still hold.</summary>
    public int Cap(int length, long consumed) => (int)Math.Min(length, Math.Max(0, _limit.MaxBytes + TerminatorBytes - (consumed - _start)) + 1);

    /// <summary>The error to close the connection with when the block has gone past its bound, else null.</summary>
    public Pop3LimitExceededException? Exceeded(long consumed)
    {
        if (consumed - _start <= _limit.MaxBytes + TerminatorBytes)
        {
            return null;
        }

        var limit = _limit;
        return new Pop3LimitExceededException(
            limit.Limit,
            limit.MaxBytes,
            limit.MessageNumber,
            limit.MessageNumber is { } number
                ? $"The server sent more than {limit.MaxBytes} bytes for message {number} ({limit.Limit}); the connection was closed."
                : $"The server sent a reply of more than {limit.MaxBytes} bytes ({limit.Limit}); the connection was closed.");
    }
}
