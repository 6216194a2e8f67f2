using Pop3Webmail.Pop3;
using Pop3Webmail.Web.Session.Inbox;
using Pop3Webmail.Web.Scheduling;
using Pop3Webmail.Web.Session.Wire;
using Pop3Webmail.Web.Telemetry;

namespace Pop3Webmail.Web.Session.Visit;

/// <summary>
/// Fills the inbox: LIST and UIDL, the newest page of summaries before the inbox shows, then the rest in the
/// background in rounds (sized by <see cref="BackgroundRounds"/>), giving the wire back between rounds so a click never
/// waits for more than one round.
/// </summary>
internal sealed partial class InboxLoader(
    MailboxWire wire,
    InboxIndex index,
    DeletionLedger ledger,
    Action published,
    Action<IReadOnlyList<Pop3MessageSummary>> summariesRead,
    MailboxTelemetry telemetry,
    SessionCorrelationId correlation,
    TimeProvider time,
    ILogger logger)
{
    /// <summary>Summaries listed before the inbox shows; the rest load in the background.</summary>
    internal const int FirstPageSize = 50;

    /// <summary>
    /// Messages that break a limit are stepped around (each costs a reconnect); past this many the server is plainly
    /// hostile, and the background listing stops.
    /// </summary>
    internal const int MaxRefusedMessages = 5;

    private readonly HashSet<int> _refused = [];
    private readonly Lock _starting = new();
    private Task _background = Task.CompletedTask;

    /// <summary>True once a message broke a limit on this visit (its listing then steps around it).</summary>
    public bool HasRefused => _refused.Count > 0;

    /// <summary>The background listing, for diagnostics and tests.</summary>
    public Task Completion => _background;

    /// <summary>
    /// Lists the mailbox in one flight (CAPA, STAT, LIST, UIDL and, right behind STAT's reply, TOP for the newest page:
    /// see <see cref="Pop3Client.ListMailboxAsync"/>) and applies it to the index (the wire is held by the caller). The
    /// newest page's summaries arrive with it, so they are fresh (which also checks any carried over by UIDL), and a
    /// first page costs no round trip more. Without UIDL (RFC 1939 §7 makes it optional) messages are known by number
    /// and fingerprint only.
    /// </summary>
    public async Task<(ListingChange Change, IReadOnlyList<Pop3MessageSummary> Newest)> ListAsync(Pop3Client client, CancellationToken cancellationToken)
    {
        // After a message broke a limit, the newest page is read without it (see Refused) rather than in the flight.
        var listing = await Guard(() => client.ListMailboxAsync(_refused.Count == 0 ? FirstPageSize : 0, cancellationToken));
        var change = index.Apply(listing.Sizes, listing.Uids);
        foreach (var number in _refused)
        {
            if (index.FindNumber(number) is { } refused)
            {
                index.MarkUnavailable(refused.Key);
            }
        }

        index.Verify(listing.NewestSummaries);
        summariesRead(listing.NewestSummaries);
        return (change, listing.NewestSummaries);
    }

    /// <summary>
    /// A message whose headers break a limit (a hostile or broken server: a header block without its end) would break
    /// every listing that reads it; it is noted by number, shown as unavailable, and never asked for again on this visit,
    /// so one bad message cannot lock the user out of the rest. The connection it broke is replaced by the caller.
    /// </summary>
    private async Task<T> Guard<T>(Func<Task<T>> read)
    {
        try
        {
            return await read();
        }
        catch (Pop3LimitExceededException ex) when (ex.MessageNumber is { } number)
        {
            _refused.Add(number);
            if (index.FindNumber(number) is { } refused)
            {
                index.MarkUnavailable(refused.Key);
            }

            LogRefused(ex.Limit);
            throw new MailboxException(MailboxErrorKind.InvalidServerReply, ex);
        }
    }

    /// <summary>
    /// Makes the newest page right, in one pipelined batch (the wire is held): reads the summaries it lacks, and reads
    /// again those it holds from an earlier connection or visit — carried over by UIDL, like the pending deletions' — so
    /// a server that reused a UIDL for another message is caught before any row shows the wrong mail.
    /// </summary>
    public async Task LoadFirstPageAsync(Pop3Client client, CancellationToken cancellationToken)
    {
        var page = index.Messages.Take(FirstPageSize).ToArray();
        var carried = index.CarriedOver(FirstPageSize, ledger.Entries.Select(static e => e.Key));
        var missing = page.Where(m => index.Summary(m.Key) is null && !index.IsUnavailable(m.Key) && !ledger.Contains(m.Key));
        var wanted = carried.Concat(missing).DistinctBy(static m => m.Number).ToArray();
        if (wanted.Length == 0)
        {
            index.Verify([]);
            return;
        }

        var summaries = await Guard(() => client.GetMessageSummariesAsync(wanted.Select(static m => m.Number).ToArray(), progress: null, cancellationToken));
        index.Verify(summaries);
        summariesRead(summaries);
        var read = summaries.Select(static s => s.MessageNumber).ToHashSet();
        foreach (var message in wanted.Where(m => !read.Contains(m.Number)))
        {
            index.MarkUnavailable(message.Key);
        }

        published();
    }

    /// <summary>
    /// Proves on this connection the messages <paramref name="keys"/> name before a command acts on them: a summary
    /// carried over by UIDL from an earlier connection is read again and compared (the wire is held).
    /// </summary>
    public Task<bool> EnsureVerifiedAsync(Pop3Client client, IEnumerable<string> keys, CancellationToken cancellationToken) =>
        VerifyAsync(client, keys.Where(k => !index.IsVerified(k)).Select(index.Find).OfType<IndexedMessage>().ToArray(), cancellationToken);

    private async Task<bool> VerifyAsync(Pop3Client client, IndexedMessage[] messages, CancellationToken cancellationToken)
    {
        if (messages.Length == 0)
        {
            return false;
        }

        var summaries = await Guard(() => client.GetMessageSummariesAsync(messages.Select(static m => m.Number).ToArray(), progress: null, cancellationToken));
        var reused = index.Verify(summaries);
        published();
        return reused;
    }

    /// <summary>Summaries of the newest messages not yet read; false when everything is loaded (the wire is held).</summary>
    public async Task<bool> LoadAsync(Pop3Client client, int count, CancellationToken cancellationToken)
    {
        var wanted = index.NextToLoad(count, ledger.Contains);
        if (wanted.Count == 0)
        {
            return false;
        }

        var summaries = await Guard(() => client.GetMessageSummariesAsync(wanted.Select(static m => m.Number).ToArray(), progress: null, cancellationToken));
        index.AddSummaries(summaries);
        summariesRead(summaries);
        var read = summaries.Select(static s => s.MessageNumber).ToHashSet();
        foreach (var message in wanted.Where(m => !read.Contains(m.Number)))
        {
            index.MarkUnavailable(message.Key);
        }

        published();
        return wanted.Count == count;
    }

    /// <summary>Starts loading the rest in the background, unless it already runs or nothing is left.</summary>
    public void Start(CancellationToken lifetime)
    {
        // Callers race (a reconnect, a memory that just joined, its timer): one loop at a time.
        lock (_starting)
        {
            if (!_background.IsCompleted || lifetime.IsCancellationRequested)
            {
                return;
            }

            _background = Task.Run(() => LoadRestAsync(lifetime), CancellationToken.None);
        }
    }

    private async Task LoadRestAsync(CancellationToken lifetime)
    {
        try
        {
            var more = true;
            var rounds = new BackgroundRounds();
            while (more && !lifetime.IsCancellationRequested)
            {
                using var lease = await wire.AcquireAsync(lifetime);
                using var listing = telemetry.StartListing(correlation, ListingKind.Background);
                try
                {
                    var took = TimeSpan.Zero;
                    more = await lease.RunAsync(async (client, ct) =>
                    {
                        // Only the round's own time on the wire: waiting for a scheduler slot says nothing about the link.
                        var started = time.GetTimestamp();
                        var full = await LoadAsync(client, rounds.Next, ct);
                        took = time.GetElapsedTime(started);
                        return full;
                    }, retryAfterReconnect: true, lifetime, MailWorkPriority.Background);
                    if (more)
                    {
                        rounds.Completed(took);
                    }

                    listing.Complete(OperationOutcome.Succeeded);
                }
                catch (MailboxException ex) when (ex.Kind == MailboxErrorKind.InvalidServerReply && _refused.Count is > 0 and <= MaxRefusedMessages)
                {
                    // One message broke a limit and is now left out; the next round signs in again and goes on.
                    listing.Complete(OperationOutcome.Failed);
                    published();
                }
            }
        }
        catch (OperationCanceledException) when (lifetime.IsCancellationRequested)
        {
            // The visit ended.
        }
        catch (MailboxException ex)
        {
            // Shown by the status (connection lost) and picked up again by the next command's reconnect.
            LogStopped(ex.Kind);
            published();
        }
    }

    [LoggerMessage(EventId = 231, Level = LogLevel.Warning, Message = "A message broke a limit ({Limit}); it is shown as unavailable")]
    private partial void LogRefused(Pop3Limit limit);

    [LoggerMessage(EventId = 230, Level = LogLevel.Warning, Message = "Background listing stopped ({Kind})")]
    private partial void LogStopped(MailboxErrorKind kind);
}
