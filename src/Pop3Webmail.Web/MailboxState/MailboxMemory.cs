namespace Pop3Webmail.Web.MailboxState;

/// <summary>
/// One visit's handle on a mailbox's remembered state (see <see cref="IMailboxMemory"/>). Operations run one at a time;
/// the in-memory copy changes only after the database has accepted the write.
/// </summary>
internal sealed partial class MailboxMemory : IMailboxMemory
{
    private readonly MailboxStateDatabase _database;
    private readonly MailboxStateGuard _guard;
    private readonly MailboxKeys _keys;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly long _mailboxId;
    private readonly Dictionary<string, RememberedMessage> _current;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private bool _gone;
    private bool _disposed;

    public MailboxMemory(
        MailboxStateDatabase database,
        MailboxStateGuard guard,
        MailboxKeys keys,
        long mailboxId,
        DateTimeOffset? previousVisit,
        Dictionary<string, RememberedMessage> messages,
        TimeProvider time,
        ILogger logger)
    {
        _database = database;
        _guard = guard;
        _keys = keys;
        _mailboxId = mailboxId;
        _time = time;
        _logger = logger;
        PreviousVisit = previousVisit;
        Messages = messages.AsReadOnly();
        _current = new Dictionary<string, RememberedMessage>(messages, StringComparer.Ordinal);
    }

    public DateTimeOffset? PreviousVisit { get; }

    public IReadOnlyDictionary<string, RememberedMessage> Messages { get; }

    public Task RememberAsync(IReadOnlyCollection<RememberedMessage> messages, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var accepted = new Dictionary<string, RememberedMessage>(StringComparer.Ordinal);
        foreach (var message in messages)
        {
            if (RememberedMessageLimits.Apply(message) is { } stored)
            {
                accepted[stored.Uid] = stored;
            }
        }

        return accepted.Count == 0 ? Task.CompletedTask : WriteAsync("remember messages", accepted.Values.ToList(), [], cancellationToken);
    }

    public async Task SetReadAsync(string uid, bool read, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(uid);
        RememberedMessage? changed;
        await _gate.WaitAsync(cancellationToken);
        try
        {
            changed = _current.TryGetValue(uid, out var message) && message.Read != read ? message with { Read = read } : null;
        }
        finally
        {
            _gate.Release();
        }

        if (changed is not null)
        {
            await WriteAsync("remember a read flag", [changed], [], cancellationToken);
        }
    }

    public Task ForgetAsync(IReadOnlyCollection<string> uids, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(uids);
        var forgotten = uids.Where(RememberedMessageLimits.IsValidUid).Distinct(StringComparer.Ordinal).ToList();
        return forgotten.Count == 0 ? Task.CompletedTask : WriteAsync("forget messages", [], forgotten, cancellationToken);
    }

    public async Task RecordVisitAsync(CancellationToken cancellationToken = default)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_gone)
            {
                return;
            }

            var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
            _gone = !await _guard.RunAsync("record the visit", token => _database.RecordVisitAsync(_mailboxId, now, token), cancellationToken);
        }
        finally
        {
            _gate.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _gate.WaitAsync();
        try
        {
            if (!_disposed)
            {
                _disposed = true;
                _keys.Dispose();
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// Writes and then updates the in-memory copy. A message that changed between the caller's read and this write is
    /// written as the caller meant it: the last write wins, as it would in the database.
    /// </summary>
    private async Task WriteAsync(string action, IReadOnlyList<RememberedMessage> upserts, IReadOnlyList<string> deletes, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_gone)
            {
                return;
            }

            var rows = upserts.Select(_keys.Protect).ToList();
            var rowIds = deletes.Select(_keys.RowId).ToList();
            if (!await _guard.RunAsync(action, token => _database.WriteRowsAsync(_mailboxId, rows, rowIds, token), cancellationToken))
            {
                // Rebuilt by a sign-in with another password, or purged: this visit's key no longer fits.
                _gone = true;
                LogMailboxGone(_logger);
                return;
            }

            foreach (var message in upserts)
            {
                _current[message.Uid] = message;
            }

            foreach (var uid in deletes)
            {
                _current.Remove(uid);
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    [LoggerMessage(EventId = 601, Level = LogLevel.Debug, Message = "The remembered mailbox was rebuilt or purged during the visit; this visit's writes are ignored")]
    private static partial void LogMailboxGone(ILogger logger);
}
