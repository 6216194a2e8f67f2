using System.Buffers;

namespace Pop3Webmail.Pop3;

/// <summary>
/// The reader layer: turns the server's byte stream into status lines (bounded) and multi-line data
/// (streamed, dot-unstuffed, unbounded line length). It owns one buffer and does no protocol interpretation.
/// Errors are thrown as <see cref="Pop3ProtocolException"/>; closing the connection is the caller's job.
/// </summary>
internal sealed class Pop3LineReader : IDisposable
{
    private const byte Cr = (byte)'\r';
    private const byte Lf = (byte)'\n';
    private const byte Dot = (byte)'.';

    private readonly Stream _stream;
    private byte[] _buffer;
    private int _start;
    private int _end;
    private DataState _dataState = DataState.Idle;

    public Pop3LineReader(Stream stream, int bufferSize = 16 * 1024)
    {
        _stream = stream;
        _buffer = ArrayPool<byte>.Shared.Rent(bufferSize);
    }

    private enum DataState
    {
        /// <summary>No multi-line data is being read.</summary>
        Idle,
        LineStart,
        MidLine,
        /// <summary>A '.' was seen at the start of a line (RFC 1939 §3: stuffing or the terminator).</summary>
        DotAtLineStart,
        /// <summary>".\r" was seen at the start of a line.</summary>
        DotCr,
    }

    /// <summary>True while a multi-line body has been started but its terminating "." line not yet consumed.</summary>
    public bool InData => _dataState != DataState.Idle;

    /// <summary>Number of bytes received but not yet consumed (pipelined replies waiting their turn).</summary>
    public int Buffered => _end - _start;

    /// <summary>Every byte this reader has taken from the stream.</summary>
    public long Received { get; private set; }

    /// <summary>Every byte consumed as lines or data so far: the difference of two readings is what a reply used.</summary>
    public long Consumed => Received - Buffered;

    /// <summary>
    /// Reads one line without its terminator. CRLF and bare LF both end a line (servers with bare LF exist).
    /// The returned memory is valid until the next call on this reader.
    /// </summary>
    public async ValueTask<ReadOnlyMemory<byte>> ReadLineAsync(int maxLength, CancellationToken cancellationToken)
    {
        var scanned = 0;
        while (true)
        {
            var available = _buffer.AsSpan(_start + scanned, _end - _start - scanned);
            var lf = available.IndexOf(Lf);
            if (lf >= 0)
            {
                var length = scanned + lf;
                var lineStart = _start;
                _start += length + 1;
                if (length > 0 && _buffer[lineStart + length - 1] == Cr)
                {
                    length--;
                }

                if (length > maxLength)
                {
                    throw new Pop3ProtocolException($"The server sent a line longer than {maxLength} octets.");
                }

                return new ReadOnlyMemory<byte>(_buffer, lineStart, length);
            }

            scanned = _end - _start;
            // +1 for a CR that may still be followed by the LF.
            if (scanned > maxLength + 1)
            {
                throw new Pop3ProtocolException($"The server sent a line longer than {maxLength} octets.");
            }

            if (await FillAsync(maxLength + 2, cancellationToken).ConfigureAwait(false) == 0)
            {
                throw new Pop3ProtocolException(scanned == 0
                    ? "The server closed the connection."
                    : "The server closed the connection in the middle of a reply.");
            }
        }
    }

    /// <summary>Marks the start of a multi-line data block (RFC 1939 §3) after its +OK status line was read.</summary>
    public void BeginData() => _dataState = DataState.LineStart;

    /// <summary>Ends a data block whose lines were read with <see cref="ReadLineAsync"/> up to the "." line.</summary>
    public void EndData() => _dataState = DataState.Idle;

    /// <summary>
    /// Copies dot-unstuffed data into <paramref name="destination"/>. Returns 0 once the terminating "." line
    /// has been consumed; line endings are passed through as the server sent them.
    /// </summary>
    public async ValueTask<int> ReadDataAsync(Memory<byte> destination, CancellationToken cancellationToken)
    {
        if (destination.IsEmpty || _dataState == DataState.Idle)
        {
            return 0;
        }

        while (true)
        {
            var produced = Decode(destination.Span);
            if (produced > 0 || _dataState == DataState.Idle)
            {
                return produced;
            }

            if (await FillAsync(0, cancellationToken).ConfigureAwait(false) == 0)
            {
                throw new Pop3ProtocolException("The server closed the connection in the middle of a message.");
            }
        }
    }

    /// <summary>Synchronous twin of <see cref="ReadDataAsync"/> for callers that read streams synchronously.</summary>
    public int ReadData(Span<byte> destination)
    {
        if (destination.IsEmpty || _dataState == DataState.Idle)
        {
            return 0;
        }

        while (true)
        {
            var produced = Decode(destination);
            if (produced > 0 || _dataState == DataState.Idle)
            {
                return produced;
            }

            if (Fill() == 0)
            {
                throw new Pop3ProtocolException("The server closed the connection in the middle of a message.");
            }
        }
    }

    public void Dispose()
    {
        var buffer = Interlocked.Exchange(ref _buffer, []);
        if (buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>
    /// The dot-unstuffing state machine over buffered bytes. It consumes input and writes output without I/O;
    /// whole line runs are copied at once, so the per-byte work happens only at line starts.
    /// </summary>
    private int Decode(Span<byte> destination)
    {
        var written = 0;
        while (_start < _end && written < destination.Length && _dataState != DataState.Idle)
        {
            switch (_dataState)
            {
                case DataState.LineStart:
                    if (_buffer[_start] == Dot)
                    {
                        _start++;
                        _dataState = DataState.DotAtLineStart;
                    }
                    else
                    {
                        _dataState = DataState.MidLine;
                    }

                    break;

                case DataState.DotAtLineStart:
                    var afterDot = _buffer[_start];
                    if (afterDot == Lf)
                    {
                        _start++;
                        _dataState = DataState.Idle;
                    }
                    else if (afterDot == Cr)
                    {
                        _start++;
                        _dataState = DataState.DotCr;
                    }
                    else
                    {
                        // RFC 1939 §3: a line starting with '.' had it doubled; the first one is removed.
                        _dataState = DataState.MidLine;
                    }

                    break;

                case DataState.DotCr:
                    if (_buffer[_start] == Lf)
                    {
                        _start++;
                        _dataState = DataState.Idle;
                    }
                    else
                    {
                        // ".\r" followed by something else: a stuffed line whose content starts with a bare CR.
                        destination[written++] = Cr;
                        _dataState = DataState.MidLine;
                    }

                    break;

                default:
                    var run = _buffer.AsSpan(_start, Math.Min(_end - _start, destination.Length - written));
                    var lf = run.IndexOf(Lf);
                    if (lf >= 0)
                    {
                        run = run[..(lf + 1)];
                        _dataState = DataState.LineStart;
                    }

                    run.CopyTo(destination[written..]);
                    written += run.Length;
                    _start += run.Length;
                    break;
            }
        }

        return written;
    }

    private async ValueTask<int> FillAsync(int needed, CancellationToken cancellationToken)
    {
        PrepareFill(needed);
        var read = await _stream.ReadAsync(_buffer.AsMemory(_end), cancellationToken).ConfigureAwait(false);
        Advance(read);
        return read;
    }

    private int Fill()
    {
        PrepareFill(0);
        var read = _stream.Read(_buffer.AsSpan(_end));
        Advance(read);
        return read;
    }

    private void Advance(int read)
    {
        _end += read;
        Received += read;
        Pop3Telemetry.RecordReceived(read);
    }

    /// <summary>Makes room at the end of the buffer: compacts, and grows only when a status line needs it.</summary>
    private void PrepareFill(int needed)
    {
        if (_start == _end)
        {
            _start = _end = 0;
        }
        else if (_start > 0 && _buffer.Length - _end < _buffer.Length / 2)
        {
            // Compact before the free tail gets small, not only when it is gone: a fill only ever reads into the
            // tail, and a nearly full buffer would turn the next reads into a run of tiny socket (or TLS) reads.
            // What is moved is the unconsumed rest of a line, so the copy is short.
            Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
            _end -= _start;
            _start = 0;
        }

        if (_end == _buffer.Length && needed > _buffer.Length)
        {
            var larger = ArrayPool<byte>.Shared.Rent(Math.Max(needed, _buffer.Length * 2));
            Buffer.BlockCopy(_buffer, _start, larger, 0, _end - _start);
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = larger;
            _end -= _start;
            _start = 0;
        }
    }
}
