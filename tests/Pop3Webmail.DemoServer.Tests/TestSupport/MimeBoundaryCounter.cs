using MimeKit;

namespace Pop3Webmail.DemoServer.Tests.TestSupport;

/// <summary>
/// Counts multiparts and their closing boundaries as MimeKit's reader meets them: MimeKit's parser is lenient and
/// silently accepts a multipart that never ends, so the object model alone cannot prove a message is well formed.
/// </summary>
internal sealed class MimeBoundaryCounter(Stream stream) : MimeReader(stream, MimeFormat.Entity)
{
    public int Multiparts { get; private set; }

    public int EndBoundaries { get; private set; }

    protected override void OnMultipartBegin(ContentType contentType, long beginOffset, int beginLineNumber, CancellationToken cancellationToken)
    {
        Multiparts++;
        base.OnMultipartBegin(contentType, beginOffset, beginLineNumber, cancellationToken);
    }

    protected override void OnMultipartEndBoundaryEnd(long beginOffset, int lineNumber, long endOffset, CancellationToken cancellationToken)
    {
        EndBoundaries++;
        base.OnMultipartEndBoundaryEnd(beginOffset, lineNumber, endOffset, cancellationToken);
    }
}
