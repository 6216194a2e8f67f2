using Pop3Webmail.Web.Session;

namespace Pop3Webmail.Web.Downloads;

/// <summary>
/// Where a download's bytes come from: the signed-in visit that issued the link. The endpoint, not the source,
/// writes the HTTP response, so the session knows nothing of HTTP.
/// </summary>
public interface IDownloadSource
{
    /// <summary>
    /// Opens what <paramref name="target"/> names, on the session's connection (a dropped connection is re-established
    /// first, like for any command); null when the message or part is gone. Throws <see cref="MailboxException"/> when
    /// the server cannot be reached.
    /// </summary>
    Task<DownloadContent?> OpenDownloadAsync(DownloadTarget target, CancellationToken cancellationToken);

    /// <summary>A download could not be delivered; the session tells the user inside the app.</summary>
    void ReportDownloadFailed();
}

/// <summary>
/// An opened download: what to call the file and how to write its bytes. Disposing it gives back what it holds (the
/// wire while a raw message streams from the server, or the hold on a parsed message).
/// </summary>
public sealed class DownloadContent(string contentType, string fileName, bool inline, Func<Stream, CancellationToken, Task> write, IAsyncDisposable? held) : IAsyncDisposable
{
    public string ContentType { get; } = contentType;

    public string FileName { get; } = fileName;

    /// <summary>Shown inline in the app's preview frame (previewable images and PDFs only) rather than saved.</summary>
    public bool Inline { get; } = inline;

    public Task WriteToAsync(Stream destination, CancellationToken cancellationToken) => write(destination, cancellationToken);

    public ValueTask DisposeAsync() => held?.DisposeAsync() ?? ValueTask.CompletedTask;
}
