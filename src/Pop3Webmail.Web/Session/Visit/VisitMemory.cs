using System.Threading.Channels;
using Pop3Webmail.Pop3;
using Pop3Webmail.Web.MailboxState;

namespace Pop3Webmail.Web.Session.Visit;

/// <summary>
/// What a visit remembers of the mailbox between visits (read flags, "new since your last visit", the inbox rows by
/// UIDL), over the encrypted mailbox state store. Reads happen once, at sign-in; writes are queued and done one at a
/// time in the background, so the store never holds up the wire or a click. The store failing never fails the visit:
/// the visit simply goes on without memory.
/// </summary>
internal sealed partial class VisitMemory : IAsyncDisposable
{
    private static readonly TimeSpan FlushBudget = TimeSpan.FromSeconds(10);
    private readonly IMailboxMemory? _memory;
    private readonly ILogger _logger;
    private readonly Channel<Func<IMailboxMemory, Task>> _writes = Channel.CreateUnbounded<Func<IMailboxMemory, Task>>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Task _writer;
    private volatile bool _failed;
    private int _disposed;

    public VisitMemory(IMailboxMemory? memory, ILogger logger)
    {
        _memory = memory;
        _logger = logger;
        _writer = memory is null ? Task.CompletedTask : Task.Run(WriteAsync);
    }

    /// <summary>A memory that keeps nothing: the store is off, or the visit has not opened its memory yet.</summary>
    public static VisitMemory None { get; } = new(null, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance);

    /// <summary>True when the mailbox is remembered at all (the store is on and working).</summary>
    public bool IsOpen => _memory is not null;

    /// <summary>True when a previous visit is remembered (so messages it did not know are new).</summary>
    public bool IsRevisit => _memory?.PreviousVisit is not null;

    /// <summary>The messages remembered from earlier visits, by UIDL (empty without memory).</summary>
    public IReadOnlyDictionary<string, RememberedMessage> Remembered => _memory?.Messages ?? EmptyMessages;

    private static IReadOnlyDictionary<string, RememberedMessage> EmptyMessages { get; } = new Dictionary<string, RememberedMessage>();

    /// <summary>Opens the memory of a mailbox whose password the server has just accepted; none when the store is off or failing.</summary>
    public static async Task<VisitMemory> OpenAsync(IMailboxStateStore store, MailServer server, string userName, string password, ILogger logger, CancellationToken cancellationToken)
    {
        try
        {
            return new VisitMemory(await store.OpenAsync(server.Id, userName, password, cancellationToken), logger);
        }
        catch (MailboxStateUnavailableException ex)
        {
            LogUnavailable(logger, ex.GetType().Name);
            return None;
        }
    }

    /// <summary>The summary a remembered message gives for listed message <paramref name="number"/>, if its size still matches.</summary>
    public Pop3MessageSummary? Recall(string uid, int number, long size) =>
        Remembered.TryGetValue(uid, out var remembered) && remembered.Size == size
            ? new Pop3MessageSummary
            {
                MessageNumber = number,
                Size = size,
                Uid = uid,
                From = remembered.From,
                FromAddress = remembered.FromAddress,
                To = remembered.To,
                Subject = remembered.Subject,
                Date = remembered.Date,
                MessageId = remembered.MessageId,
                HasAttachments = remembered.HasAttachments,
                Importance = remembered.Importance,
            }
            : null;

    /// <summary>Remembers newly read summaries of messages with a unique UIDL.</summary>
    public void Remember(IReadOnlyCollection<(string Uid, Pop3MessageSummary Summary, bool Read)> messages)
    {
        if (messages.Count > 0)
        {
            var rows = messages.Select(static m => new RememberedMessage(
                m.Uid, m.Summary.Size, m.Summary.From, m.Summary.FromAddress, m.Summary.To, m.Summary.Subject, m.Summary.Date,
                m.Summary.MessageId, m.Summary.HasAttachments, m.Summary.Importance, m.Read)).ToArray();
            Enqueue(memory => memory.RememberAsync(rows));
        }
    }

    public void SetRead(string uid, bool read) => Enqueue(memory => memory.SetReadAsync(uid, read));

    /// <summary>Forgets messages deleted on QUIT or no longer on the server.</summary>
    public void Forget(IReadOnlyCollection<string> uids)
    {
        if (uids.Count > 0)
        {
            Enqueue(memory => memory.ForgetAsync(uids));
        }
    }

    /// <summary>Records this visit as the one the next visit's "new" marks count from.</summary>
    public void RecordVisit() => Enqueue(static memory => memory.RecordVisitAsync());

    /// <summary>Finishes the queued writes (bounded) and lets go of the memory and its key.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _writes.Writer.TryComplete();
        try
        {
            await _writer.WaitAsync(FlushBudget);
        }
        catch (TimeoutException)
        {
            LogUnavailable(_logger, nameof(TimeoutException));
        }

        if (_memory is not null)
        {
            await _memory.DisposeAsync();
        }
    }

    private void Enqueue(Func<IMailboxMemory, Task> write)
    {
        if (_memory is not null && !_failed)
        {
            _writes.Writer.TryWrite(write);
        }
    }

    private async Task WriteAsync()
    {
        await foreach (var write in _writes.Reader.ReadAllAsync())
        {
            if (_failed)
            {
                continue;
            }

            try
            {
                await write(_memory!);
            }
            catch (MailboxStateUnavailableException ex)
            {
                // Remembering is a convenience: a failing store is logged once, and the visit goes on without it.
                _failed = true;
                LogUnavailable(_logger, ex.GetType().Name);
            }
        }
    }

    [LoggerMessage(EventId = 260, Level = LogLevel.Warning, Message = "The mailbox state store is unavailable ({ErrorType}); this visit goes on without remembering")]
    private static partial void LogUnavailable(ILogger logger, string errorType);
}
