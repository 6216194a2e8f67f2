using Pop3Webmail.Pop3;
using Pop3Webmail.Web.Scheduling;
using Pop3Webmail.Web.Session.Inbox;
using Pop3Webmail.Web.Session.Wire;
using Pop3Webmail.Web.Telemetry;

namespace Pop3Webmail.Web.Session.Visit;

/// <summary>
/// One signed-in visit to a mailbox: the connection (and with it the server's maildrop lock, RFC 1939 §8), the
/// inbox, the pending deletions and the open message, from a successful sign-in until QUIT. A visit outlives the
/// browser circuit that started it by a short grace period, so a reload re-attaches to it instead of signing out;
/// views reach it through the circuit's <see cref="MailboxSession"/>.
/// </summary>
internal sealed partial class MailboxVisit : IWireOwner, IAsyncDisposable
{
    private static readonly TimeSpan EndBudget = TimeSpan.FromSeconds(10);
    private readonly MailboxWire _wire;
    private readonly InboxIndex _index = new();
    private readonly DeletionLedger _ledger = new();
    private readonly MailboxDeletions _deletions;
    private readonly InboxLoader _loader;
    private readonly OpenedMessageCache _opened;
    private readonly InboxItems _items = new();
    private readonly VisitServices _services;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _lifetime = new();
    private readonly Lock _lock = new();
    private readonly KeepAlive _keepAlive;
    private readonly VisitDownloads _downloads;
    private readonly TrackedSession _tracked;
    private readonly VisitMarks _marks;
    private volatile InboxSnapshot _snapshot = InboxSnapshot.Empty;
    private volatile MailboxNotice? _notice;
    private MailboxNoticeKind _reconnectKind = MailboxNoticeKind.ConnectionRestored;
    private Task<SignOutInfo>? _ending;
    private readonly CircuitHold _hold;

    public MailboxVisit(Pop3Client client, MailboxCredentials credentials, MailboxAccount account, VisitServices services, SessionCorrelationId correlation)
    {
        Correlation = correlation;
        _tracked = services.Telemetry.StartSession();
        _services = services;
        _logger = services.LoggerFactory.CreateLogger<MailboxVisit>();
        Account = account;
        _wire = new MailboxWire(client, credentials, services, services.LoggerFactory.CreateLogger<MailboxWire>()) { Owner = this };
        _wire.StatusChanged += (_, _) => RaiseChanged();
        _deletions = new MailboxDeletions(_index, _ledger);
        _marks = new VisitMarks(_index, services.Telemetry);
        _loader = new InboxLoader(_wire, _index, _ledger, Publish, _marks.Remember, services.Telemetry, correlation, services.Time, services.LoggerFactory.CreateLogger<InboxLoader>());
        _opened = new OpenedMessageCache(services.Options.LargeMessageThreshold);
        _downloads = new VisitDownloads(_wire, _index, _ledger, _loader, _opened, _items, services, ReportDownloadFailed);
        _hold = new CircuitHold(services.Time, EndAsync);
        _keepAlive = new KeepAlive(_wire, services.Options.KeepAliveInterval, services.Time, services.LoggerFactory.CreateLogger<KeepAlive>(), _lifetime.Token);
    }

    /// <summary>Raised (on any thread) whenever the snapshot, the status or the notice changed.</summary>
    public event EventHandler? Changed;

    /// <summary>Raised once, when the visit has ended (QUIT sent or given up).</summary>
    public event EventHandler<SignOutInfo>? Ended;

    public MailboxAccount Account { get; }

    /// <summary>The opaque id its log lines and spans carry (never derived from the user).</summary>
    public SessionCorrelationId Correlation { get; }

    public MailboxCredentials Credentials => _wire.Credentials;

    public InboxSnapshot Snapshot => _snapshot;

    public MailboxNotice? Notice => _notice;

    public bool IsEnded => Volatile.Read(ref _ending) is not null;

    /// <summary>How it ended, once it has.</summary>
    public SignOutInfo? EndInfo => _ending is { IsCompletedSuccessfully: true } ending ? ending.Result : null;

    public MailboxSessionStatus Status => _wire.Status switch
    {
        WireStatus.Reconnecting => MailboxSessionStatus.Reconnecting,
        WireStatus.ConnectionLost => MailboxSessionStatus.ConnectionLost,
        WireStatus.Closed => MailboxSessionStatus.SignedOut,
        _ => MailboxSessionStatus.Ready,
    };

    /// <summary>The background listing, for tests.</summary>
    internal Task LoaderCompletion => _loader.Completion;

    /// <summary>The latest keep-alive round, for tests.</summary>
    internal Task KeepAliveCompletion => _keepAlive.Completion;

    /// <summary>The cached open message's content, for tests.</summary>
    internal OpenedMessageContent? OpenedContent => _opened.Current;

    bool IWireOwner.HasMarks => _ledger.Count > 0;

    /// <summary>True while the user has messages marked for deletion.</summary>
    public bool HasPendingDeletions => _ledger.Count > 0;

    public bool IsRead(string key) => _marks.IsRead(key);

    /// <summary>True for a message that arrived since the previous visit (one the remembered mailbox did not know).</summary>
    public bool IsNew(string key) => _marks.IsNew(key);

    public void SetRead(string key, bool read)
    {
        ArgumentNullException.ThrowIfNull(key);
        _marks.SetRead(key, read);
        RaiseChanged();
    }

    public void DismissNotice()
    {
        _notice = null;
        RaiseChanged();
    }

    /// <summary>
    /// Lists the mailbox, recalls what <paramref name="memory"/> remembers of it and reads the first page of what it
    /// does not, then starts the background listing. With <paramref name="reconnectFirst"/> the connection is replaced
    /// first: a take-over just committed deletions this connection's view (fixed at its login) does not know about.
    /// </summary>
    public async Task OpenAsync(bool reconnectFirst, PendingMemory memory, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(memory);
        using var listing = _services.Telemetry.StartListing(Correlation, ListingKind.FirstPage);
        bool attached;
        using (var lease = await _wire.AcquireAsync(cancellationToken))
        {
            if (reconnectFirst)
            {
                await lease.ReconnectAsync(cancellationToken);
                _notice = null;
            }
            else
            {
                await StepAroundRefusedAsync(lease, () => lease.RunAsync(async (client, ct) =>
                {
                    await _loader.ListAsync(client, ct);
                    return true;
                }, retryAfterReconnect: false, cancellationToken, MailWorkPriority.FirstPage), true, cancellationToken);
            }

            // The memory's key derivation ran while the listing was on its way; what it knows is not read again. One
            // still waiting for its turn behind a crowd's, or still reading a large mailbox, would hold the first page:
            // the page goes ahead, and the memory joins the visit when it opens.
            attached = await memory.TryAttachNowAsync(_marks, _services.Time);

            await StepAroundRefusedAsync(lease, () => lease.RunAsync(async (client, ct) =>
            {
                await _loader.LoadFirstPageAsync(client, ct);
                return true;
            }, retryAfterReconnect: false, cancellationToken, MailWorkPriority.FirstPage), true, cancellationToken);
        }

        listing.Complete(OperationOutcome.Succeeded);
        Publish();
        if (attached)
        {
            _loader.Start(_lifetime.Token);
        }
        else
        {
            var lifetime = _lifetime.Token;
            memory.JoinLater(_marks, _wire, Publish, () => _loader.Start(lifetime), _services.Time, lifetime);
        }
    }

    /// <summary>The visit's lifetime: ends (is cancelled) when the visit ends or is let go of.</summary>
    public CancellationToken Lifetime => _lifetime.Token;

    /// <summary>
    /// Runs a step of the first listing; when a message broke a limit in it (the connection is then closed), signs in
    /// again once and lists around that message instead, so one broken message does not keep the user out.
    /// </summary>
    private async Task<T> StepAroundRefusedAsync<T>(WireLease lease, Func<Task<T>> step, T instead, CancellationToken cancellationToken)
    {
        try
        {
            return await step();
        }
        catch (MailboxException ex) when (ex.Kind == MailboxErrorKind.InvalidServerReply && _loader.HasRefused)
        {
            await lease.ReconnectAsync(cancellationToken);
            _notice = null;
            return instead;
        }
    }

    /// <summary>
    /// Ends the connection with QUIT before the visit is used (nothing is marked on it yet), so a take-over can let the
    /// old visit commit first; <see cref="OpenAsync"/> with reconnectFirst signs in again afterwards.
    /// </summary>
    public async Task LetGoOfConnectionAsync(CancellationToken cancellationToken)
    {
        await _wire.RunAsync(async (client, ct) =>
        {
            await client.QuitAsync(ct);
            return true;
        }, cancellationToken);
    }

    public async Task DeleteAsync(IReadOnlyCollection<string> keys, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(keys);
        if (Account.ReadOnly)
        {
            throw new MailboxException(MailboxErrorKind.ReadOnly);
        }

        var unknown = await _wire.RunAsync(async (client, ct) =>
        {
            await _loader.EnsureVerifiedAsync(client, keys, ct);
            return await _deletions.MarkAsync(client, keys, ct);
        }, cancellationToken);
        Publish();
        if (unknown > 0)
        {
            // The list the user clicked in was replaced by a reconnect: those rows named messages nobody can vouch for now.
            throw new MailboxException(MailboxErrorKind.MessageUnavailable);
        }
    }

    public async Task UndoDeleteAsync(string key, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        await _wire.RunAsync((client, ct) => _deletions.UndoAsync(client, key, ct), cancellationToken);
        Publish();
    }

    public async Task UndoAllAsync(CancellationToken cancellationToken)
    {
        await _wire.RunAsync((client, ct) => _deletions.UndoAllAsync(client, ct), cancellationToken);
        Publish();
    }

    /// <summary>A new POP3 session sees mail that arrived since the last login (the maildrop is fixed at login).</summary>
    public Task CheckForNewMailAsync(CancellationToken cancellationToken) => ReconnectAsync(MailboxNoticeKind.MailChecked, cancellationToken);

    public Task ReconnectAsync(CancellationToken cancellationToken) => ReconnectAsync(MailboxNoticeKind.ConnectionRestored, cancellationToken);

    public async Task<OpenedMessage> OpenMessageAsync(string key, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        using var timing = _services.Telemetry.StartMessageOpen(Correlation);
        var opened = await _wire.RunAsync(async (client, ct) =>
        {
            await _loader.EnsureVerifiedAsync(client, [key], ct);
            if (_index.Find(key) is not { } message || _ledger.Contains(key) || _index.Summary(key) is not { } summary)
            {
                throw new MailboxException(MailboxErrorKind.MessageUnavailable);
            }

            return await _opened.OpenAsync(client, message, _items.ItemFor(message, summary), ct);
        }, cancellationToken);
        timing.Complete(OperationOutcome.Succeeded);
        SetRead(key, true);
        return opened;
    }

    public string CreateDownloadLink(DownloadTarget target, string browserKey) => _downloads.CreateLink(target, browserKey);

    /// <summary>The circuit holding this visit went away: keep it for <paramref name="grace"/>, then end it.</summary>
    public void Detach(TimeSpan grace, bool abnormal)
    {
        if (_hold.Release(grace, abnormal))
        {
            LogDetached(grace);
        }
    }

    /// <summary>A new circuit of the same tab takes the visit back; false when it ended or another circuit holds it.</summary>
    public bool TryAttach()
    {
        if (!_hold.TryTake())
        {
            return false;
        }

        _services.Telemetry.RecordResume();
        return true;
    }

    /// <summary>
    /// Waits (briefly) until no circuit holds the visit: on a reload the new circuit can ask before the old one has
    /// been closed. False when it is still held after the wait, or has ended.
    /// </summary>
    public Task<bool> WaitDetachedAsync(CancellationToken cancellationToken) => _hold.WaitReleasedAsync(cancellationToken);

    /// <summary>
    /// Ends the visit; safe to call any number of times (they all get the first call's outcome). A normal end (the
    /// user signed out, closed the tab, went idle, or signed in elsewhere) commits the pending deletions with QUIT
    /// (RFC 1939 §6); an end the user did not choose (the app stops, an unexpected error) keeps them with RSET first.
    /// </summary>
    public Task<SignOutInfo> EndAsync(SignOutReason reason)
    {
        _hold.Close();
        lock (_lock)
        {
            return _ending ??= EndCoreAsync(reason);
        }
    }

    /// <summary>
    /// Lets go of everything without a word to the server (disposal does no protocol I/O): for a visit that never got
    /// as far as being used, e.g. a sign-in that was cancelled. Ending a used visit is <see cref="EndAsync"/>.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        _hold.Close();
        lock (_lock)
        {
            _ending ??= Task.FromResult(new SignOutInfo(SignOutReason.CircuitClosed, 0, DeletionsFailed: false));
        }

        await _lifetime.CancelAsync();
        _keepAlive.Dispose();
        _opened.Dispose();
        _downloads.Close();
        _tracked.End(SignOutReason.CircuitClosed);
        await _marks.CloseMemoryAsync();
        await _wire.DisposeAsync();
        _lifetime.Dispose();
    }

    async Task IWireOwner.OnReconnectedAsync(Pop3Client client, CancellationToken cancellationToken)
    {
        var trusted = _index.UidlsTrusted;
        using var listing = _services.Telemetry.StartListing(Correlation, ListingKind.Refresh);
        var (change, _) = await _loader.ListAsync(client, cancellationToken);
        if (_opened.Current is { } current && _index.Find(current.Key) is null)
        {
            _opened.Forget(current.Key);
        }

        _marks.KeepListedOnly();
        await _loader.LoadFirstPageAsync(client, cancellationToken);
        if (trusted && !_index.UidlsTrusted)
        {
            LogUidlReused();
        }

        var replay = await _deletions.ReplayAsync(client, cancellationToken);
        listing.Complete(OperationOutcome.Succeeded);
        _notice = new MailboxNotice(_reconnectKind, change.Added, change.Removed, replay.Dropped);
        _reconnectKind = MailboxNoticeKind.ConnectionRestored;
        Publish();
        _loader.Start(_lifetime.Token);
    }

    public static bool Commits(SignOutReason reason) =>
        reason is SignOutReason.UserSignedOut or SignOutReason.CircuitClosed or SignOutReason.IdleTimeout or SignOutReason.TakenOver;

    private async Task ReconnectAsync(MailboxNoticeKind kind, CancellationToken cancellationToken)
    {
        using var lease = await _wire.AcquireAsync(cancellationToken);
        _reconnectKind = kind;
        await lease.ReconnectAsync(cancellationToken);
    }

    private async Task<SignOutInfo> EndCoreAsync(SignOutReason reason)
    {
        // The wire lets a command in flight finish before QUIT; the background work stops once it has.
        _keepAlive.Dispose();
        var commit = Commits(reason);
        var end = await _wire.CloseAsync(commit, EndBudget);
        await _lifetime.CancelAsync();

        // Counted after the end: signing in again to commit re-proves every mark, and drops the ones gone meanwhile.
        var pending = _ledger.Count;
        var info = commit
            ? new SignOutInfo(reason, end.Quit ? pending : 0, DeletionsFailed: pending > 0 && !end.Quit)
            : new SignOutInfo(reason, 0, DeletionsFailed: false, DeletionsKept: pending);
        var telemetry = _services.Telemetry;
        telemetry.RecordQuit(end switch { { Quit: false } => QuitOutcome.Failed, { Reset: true } => QuitOutcome.Reset, _ => QuitOutcome.Committed });
        telemetry.RecordPendingDeletions(PendingDeletionOutcome.Committed, info.DeletedCount);
        telemetry.RecordPendingDeletions(PendingDeletionOutcome.Discarded, pending - info.DeletedCount);
        _tracked.End(reason);
        _downloads.Close();
        _opened.Dispose();
        if (commit && end.Quit)
        {
            // RFC 1939 §6: QUIT removed them; so goes what was remembered of them.
            _marks.Memory.Forget([.. _ledger.Entries.Select(static e => e.Identity.Uid).OfType<string>()]);
        }

        await _marks.CloseMemoryAsync();
        _snapshot = InboxSnapshot.Empty;
        _notice = null;
        LogEnded(reason, info.DeletedCount, info.DeletionsKept, end.Quit);
        Ended?.Invoke(this, info);
        RaiseChanged();
        return info;
    }

    private void ReportDownloadFailed()
    {
        _notice = new MailboxNotice(MailboxNoticeKind.DownloadFailed, 0, 0, 0);
        RaiseChanged();
    }

    /// <summary>Swaps in a new snapshot of the inbox (with the wire held, or from its callers right after).</summary>
    private void Publish()
    {
        var pending = _ledger.Keys;
        long size = 0;
        var count = 0;
        foreach (var message in _index.Messages)
        {
            if (!pending.Contains(message.Key))
            {
                count++;
                size += message.Size;
            }
        }

        var items = _items.Build(_index);
        _snapshot = new InboxSnapshot(items, new InboxProgress(_index.Loaded, _index.Messages.Count), new MailboxStatistics(count, size), pending);
        RaiseChanged();
    }

    private void RaiseChanged() => Changed?.Invoke(this, EventArgs.Empty);

    [LoggerMessage(EventId = 250, Level = LogLevel.Information, Message = "Visit ended ({Reason}): {Deleted} deleted, {Kept} kept, QUIT {Quit}")]
    private partial void LogEnded(SignOutReason reason, int deleted, int kept, bool quit);

    [LoggerMessage(EventId = 252, Level = LogLevel.Warning, Message = "The server reused a UIDL for another message; summaries are read again")]
    private partial void LogUidlReused();

    [LoggerMessage(EventId = 251, Level = LogLevel.Information, Message = "Circuit gone; the visit is kept for {Grace} for a reload to take it back")]
    private partial void LogDetached(TimeSpan grace);
}
