using MimeKit;

namespace Pop3Webmail.Web.Session;

/// <summary>
/// A view's hold on an opened message. The parsed message (and, for a large one, the temporary file it is read
/// from lazily) belongs to the session's cache; each reader borrows it through one of these and gives it back with
/// <see cref="Dispose"/>. The content is freed only when the cache has let go and the last hold is returned, so a
/// download on an HTTP thread and the page that shows the message can never pull it from under each other.
/// </summary>
public sealed class OpenedMessage : IDisposable
{
    private readonly OpenedMessageContent _content;
    private int _disposed;

    internal OpenedMessage(OpenedMessageContent content) => _content = content;

    public string Key => _content.Key;

    /// <summary>The inbox row of the message (its size, sender and subject as listed).</summary>
    public InboxItem Item => _content.Item;

    /// <summary>True when the message was large enough to be parsed from a temporary file.</summary>
    public bool SpooledToDisk => _content.SpooledToDisk;

    /// <summary>
    /// Reads the parsed message. Reads are one at a time: a spooled message is parsed lazily from one file, which two
    /// readers must never seek at once. A read keeps the content alive until it is done, even when this hold is let
    /// go meanwhile (a view that moved on to another message while the last one was still rendering).
    /// </summary>
    public async Task<T> ReadAsync<T>(Func<MimeMessage, CancellationToken, Task<T>> read, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(read);
        using var reading = HoldForRead();
        return await _content.ReadAsync(read, cancellationToken);
    }

    /// <summary>Reads the parsed message synchronously (rendering), one reader at a time.</summary>
    public T Read<T>(Func<MimeMessage, T> read)
    {
        ArgumentNullException.ThrowIfNull(read);
        using var reading = HoldForRead();
        return _content.Read(read);
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _content.Dispose();
        }
    }

    private OpenedMessage HoldForRead()
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);

        // This hold still counts, so a new one can only fail when this one is given back at the same moment on
        // another thread: a disposed hold, as above.
        return _content.TryHold() ?? throw new ObjectDisposedException(nameof(OpenedMessage));
    }
}

/// <summary>
/// The content behind <see cref="OpenedMessage"/> holds: one parsed message with a reference count. The cache that
/// created it holds the first reference; every hold adds one; the message and its spool file are disposed when the
/// count reaches zero, and a count that reached zero never comes back (no hold on freed content).
/// </summary>
internal sealed class OpenedMessageContent : IDisposable
{
    private readonly MimeMessage _message;
    private readonly Stream? _spool;
    private readonly SemaphoreSlim _access = new(1, 1);
    private int _references = 1;

    public OpenedMessageContent(string key, InboxItem item, MimeMessage message, Stream? spool)
    {
        Key = key;
        Item = item;
        _message = message;
        _spool = spool;
    }

    public string Key { get; }

    public InboxItem Item { get; }

    public bool SpooledToDisk => _spool is not null;

    /// <summary>The temporary file behind a spooled message, for diagnostics and tests.</summary>
    public string? SpoolPath => (_spool as FileStream)?.Name;

    /// <summary>True once every holder (the cache included) has let go and the content is freed.</summary>
    public bool IsReleased => Volatile.Read(ref _references) == 0;

    /// <summary>A new hold, or null when the content was already freed.</summary>
    public OpenedMessage? TryHold()
    {
        var current = Volatile.Read(ref _references);
        while (current > 0)
        {
            var seen = Interlocked.CompareExchange(ref _references, current + 1, current);
            if (seen == current)
            {
                return new OpenedMessage(this);
            }

            current = seen;
        }

        return null;
    }

    /// <summary>Gives back one reference: the creator's own, or a hold's.</summary>
    public void Dispose()
    {
        if (Interlocked.Decrement(ref _references) == 0)
        {
            _message.Dispose();
            _spool?.Dispose();
            _access.Dispose();
        }
    }

    public async Task<T> ReadAsync<T>(Func<MimeMessage, CancellationToken, Task<T>> read, CancellationToken cancellationToken)
    {
        await _access.WaitAsync(cancellationToken);
        try
        {
            return await read(_message, cancellationToken);
        }
        finally
        {
            _access.Release();
        }
    }

    public T Read<T>(Func<MimeMessage, T> read)
    {
        _access.Wait();
        try
        {
            return read(_message);
        }
        finally
        {
            _access.Release();
        }
    }
}
