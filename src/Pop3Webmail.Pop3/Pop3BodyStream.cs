namespace Pop3Webmail.Pop3;

/// <summary>
/// A RETR or TOP data block as a read-only stream, dot-unstuffed as it arrives (RFC 1939 §3), so a message can be
/// parsed or copied straight from the socket without being held in memory. The stream ends at the "." line.
/// It is valid until the next command on the client: that command drains whatever was left unread, and
/// disposing the stream early is allowed (it does no I/O).
/// </summary>
public sealed class Pop3BodyStream : Stream
{
    private readonly Pop3Operation? _operation;
    private readonly Pop3Deadline? _deadline;
    private Pop3Connection? _connection;
    private long _position;

    /// <summary>A body read by a handler within the bulk operation (pipelined RETR/TOP) it belongs to.</summary>
    internal Pop3BodyStream(Pop3Connection connection, int messageNumber, Pop3Operation operation)
    {
        _connection = connection;
        _operation = operation;
        MessageNumber = messageNumber;
    }

    /// <summary>
    /// A body handed to the caller: every read is an operation of its own, all under the deadline of the command that
    /// opened the body, so a slow server cannot stretch one message over many reads without end.
    /// </summary>
    internal Pop3BodyStream(Pop3Connection connection, int messageNumber, Pop3Deadline deadline)
    {
        _connection = connection;
        _deadline = deadline;
        MessageNumber = messageNumber;
    }

    public int MessageNumber { get; }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => _position;
        set => throw new NotSupportedException();
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var connection = Current();
        if (buffer.IsEmpty || !connection.InData)
        {
            return 0;
        }

        int read;
        if (_operation is not null)
        {
            read = await connection.ReadDataAsync(buffer, _operation).ConfigureAwait(false);
        }
        else
        {
            using var operation = connection.Begin(_deadline!, cancellationToken);
            read = await connection.ReadDataAsync(buffer, operation).ConfigureAwait(false);
        }

        _position += read;
        return read;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var connection = Current();
        if (buffer.IsEmpty || !connection.InData)
        {
            return 0;
        }

        int read;
        if (_operation is not null)
        {
            read = connection.ReadData(buffer, _operation);
        }
        else
        {
            using var operation = connection.Begin(_deadline!, CancellationToken.None);
            read = connection.ReadData(buffer, operation);
        }

        _position += read;
        return read;
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    /// <summary>Called by the connection when a later command took over the reply stream.</summary>
    internal void Detach() => _connection = null;

    protected override void Dispose(bool disposing)
    {
        // No I/O here: the next command drains the rest.
        _connection = null;
        base.Dispose(disposing);
    }

    private Pop3Connection Current() =>
        _connection ?? throw new ObjectDisposedException(nameof(Pop3BodyStream), "The message stream is closed, or a later command on the client superseded it.");
}
