using MimeKit;

namespace Pop3Webmail.Web.Session.Visit;

/// <summary>
/// Checks, before MimeKit builds a message, that no header block inside it — of a MIME part (RFC 2046 §5.1.1: a body
/// part starts with its own header fields) or of an attached message — is longer than a summary's header may be.
/// MimeKit keeps every header of every part in memory even when it reads bodies lazily from a spool file: one part with
/// a 50 MB header block costs some 250 MB of heap. The check reads the message once with MimeKit's event reader, which
/// keeps nothing, and counts the octets it takes from the stream while it is inside a header block; past the bound it
/// stops at once, so a hostile part costs at most the bound.
/// </summary>
internal static class MimeHeaderBound
{
    /// <summary>True when every header block of the message in <paramref name="content"/> (read from its position) is within <paramref name="maxHeaderBytes"/>.</summary>
    public static async Task<bool> HoldsAsync(Stream content, long maxHeaderBytes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(content);
        var counting = new HeaderOctets(content, maxHeaderBytes);
        try
        {
            await new Reader(counting).ReadMessageAsync(cancellationToken);
            return true;
        }
        catch (HeaderBlockTooLongException)
        {
            return false;
        }
    }

    /// <summary>Tells the counting stream where header blocks begin and end (the check reads asynchronously only).</summary>
    private sealed class Reader(HeaderOctets counting) : MimeReader(counting)
    {
        protected override Task OnHeadersBeginAsync(long beginOffset, int beginLineNumber, CancellationToken cancellationToken)
        {
            counting.InHeaders = true;
            return Task.CompletedTask;
        }

        protected override Task OnHeadersEndAsync(long headersBeginOffset, int headersBeginLineNumber, long headersEndOffset, int headersEndLineNumber, CancellationToken cancellationToken)
        {
            counting.InHeaders = false;
            return Task.CompletedTask;
        }
    }

    /// <summary>
    /// Passes the message through and counts what the reader takes while it is in a header block. The reader reads
    /// ahead by a buffer, so a count may include a buffer of the octets around a block: far below any bound that
    /// matters (a header block a summary may have is 256 KiB by default).
    /// </summary>
    private sealed class HeaderOctets(Stream inner, long maxHeaderBytes) : Stream
    {
        private bool _inHeaders;
        private long _count;

        public bool InHeaders
        {
            get => _inHeaders;
            set
            {
                if (value && !_inHeaders)
                {
                    _count = 0;
                }

                _inHeaders = value;
            }
        }

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        public override int Read(byte[] buffer, int offset, int count) => Count(inner.Read(buffer, offset, count));

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            Count(await inner.ReadAsync(buffer, cancellationToken));

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        private int Count(int read)
        {
            if (_inHeaders && (_count += read) > maxHeaderBytes)
            {
                throw new HeaderBlockTooLongException();
            }

            return read;
        }
    }

    private sealed class HeaderBlockTooLongException : Exception;
}
