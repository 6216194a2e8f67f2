using Pop3Webmail.Web.MailboxState;
using Pop3Webmail.Web.Scheduling;
using Pop3Webmail.Web.Session.Wire;

namespace Pop3Webmail.Web.Session.Visit;

/// <summary>
/// A visit's memory on its way: opened by the store while the mailbox is being listed, and handed to the visit's marks
/// either before the first page (when it is worth the wait) or when it opens, whichever the store's load allows.
/// </summary>
internal sealed class PendingMemory
{
    private readonly IMailboxStateStore _store;
    private volatile bool _started;

    private PendingMemory(IMailboxStateStore store, MailWorkScheduler scheduler, Func<CancellationToken, Task<VisitMemory>> open, CancellationToken lifetime)
    {
        _store = store;
        Opening = OpenAsync(scheduler, open, lifetime);
    }

    /// <summary>The open; ends when the memory is open, or with the visit.</summary>
    public Task<VisitMemory> Opening { get; }

    /// <summary>
    /// Whether the first page should wait for it: it is open, or being opened now (tens of milliseconds). Not while it
    /// waits behind a crowd's POP3 work or other sign-ins' key derivations: that wait is seconds, and the page is worth
    /// more than its marks.
    /// </summary>
    public bool WorthWaitingFor => Opening.IsCompleted || (_started && !_store.IsCrowded);

    /// <summary>
    /// Starts opening the memory with <paramref name="open"/>. A key derivation is tens of milliseconds of CPU: while a
    /// crowd's sign-ins and first pages queue for the POP3 work slots, the open first waits behind them as background
    /// listing does (and, like it, never longer than the scheduler's aging threshold), so the crowd gets its pages
    /// first and its marks a moment later. Alone, it starts at once.
    /// </summary>
    /// <param name="store">The store <paramref name="open"/> opens the memory from.</param>
    /// <param name="scheduler">The process's POP3 work scheduler.</param>
    /// <param name="open">Opens the memory (the store's open, with its own turn for the derivation).</param>
    /// <param name="lifetime">The visit's lifetime: the open gives up when it ends.</param>
    public static PendingMemory Start(IMailboxStateStore store, MailWorkScheduler scheduler, Func<CancellationToken, Task<VisitMemory>> open, CancellationToken lifetime)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(scheduler);
        ArgumentNullException.ThrowIfNull(open);
        return new PendingMemory(store, scheduler, open, lifetime);
    }

    private async Task<VisitMemory> OpenAsync(MailWorkScheduler scheduler, Func<CancellationToken, Task<VisitMemory>> open, CancellationToken lifetime)
    {
        using (await scheduler.AcquireAsync(MailWorkPriority.Background, lifetime))
        {
            // Only the turn is taken: the slot goes straight back, the derivation does not hold up POP3 work.
        }

        _started = true;
        return await open(lifetime);
    }

    /// <summary>
    /// How long a first page waits for a memory being opened. Alone, a memory opens in tens of milliseconds after the
    /// password is accepted, mostly while the mailbox is being listed, so the marks are there on the first page; a large
    /// remembered mailbox takes longer to read and decrypt (~100 ms for 10,000 rows), and a sign-in should show rows
    /// within 300 ms: past this wait the page goes ahead and the marks follow a moment later.
    /// </summary>
    public static readonly TimeSpan FirstPageWait = TimeSpan.FromMilliseconds(100);

    /// <summary>
    /// Hands the memory to <paramref name="marks"/> now (the caller holds the wire) if it is open or opens within
    /// <see cref="FirstPageWait"/>; false when it is not worth the wait, or did not open in time.
    /// </summary>
    public async Task<bool> TryAttachNowAsync(VisitMarks marks, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(marks);
        ArgumentNullException.ThrowIfNull(time);
        if (!WorthWaitingFor)
        {
            return false;
        }

        if (!Opening.IsCompleted && await Task.WhenAny(Opening, Task.Delay(FirstPageWait, time)) != Opening)
        {
            return false;
        }

        await AttachAsync(marks, await Opening);
        return true;
    }

    /// <summary>
    /// How long the rest of the listing waits for a memory that did not make the first page. The rows it remembers are
    /// not worth reading on the wire meanwhile (round trips for what is about to arrive), but in a crowd a memory may wait
    /// many seconds for its turn, and the inbox below the first page should not stay empty that long.
    /// </summary>
    public static readonly TimeSpan ListingWait = TimeSpan.FromSeconds(2);

    /// <summary>
    /// For a memory that did not make the first page: hands it to <paramref name="marks"/> when it opens (then calls
    /// <paramref name="published"/>), and calls <paramref name="startListing"/> once it has, or after
    /// <see cref="ListingWait"/>, whichever comes first (starting twice is harmless).
    /// </summary>
    public void JoinLater(VisitMarks marks, MailboxWire wire, Action published, Action startListing, TimeProvider time, CancellationToken lifetime)
    {
        ArgumentNullException.ThrowIfNull(published);
        ArgumentNullException.ThrowIfNull(startListing);
        ArgumentNullException.ThrowIfNull(time);
        var joined = AttachWhenOpenAsync(marks, wire, () =>
        {
            published();
            startListing();
        }, lifetime);
        _ = StartListingAsync(joined, startListing, time, lifetime);
    }

    private static async Task StartListingAsync(Task joined, Action startListing, TimeProvider time, CancellationToken lifetime)
    {
        await Task.WhenAny(joined, Task.Delay(ListingWait, time, lifetime));
        startListing();
    }

    /// <summary>
    /// Waits until the memory opens, then hands it to <paramref name="marks"/> with the wire held (recalling adds rows
    /// to the index the background listing works on) and calls <paramref name="attached"/>; a visit that ended first
    /// lets it go unread. Never throws.
    /// </summary>
    private async Task AttachWhenOpenAsync(VisitMarks marks, MailboxWire wire, Action attached, CancellationToken lifetime)
    {
        ArgumentNullException.ThrowIfNull(marks);
        ArgumentNullException.ThrowIfNull(wire);
        ArgumentNullException.ThrowIfNull(attached);
        VisitMemory memory;
        try
        {
            memory = await Opening;
        }
        catch (OperationCanceledException)
        {
            return; // The visit ended before its turn came.
        }

        try
        {
            using (await wire.AcquireAsync(lifetime))
            {
                await AttachAsync(marks, memory);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or MailboxException or ObjectDisposedException)
        {
            // The visit ended meanwhile.
            await memory.DisposeAsync();
            return;
        }

        attached();
    }

    private static async Task AttachAsync(VisitMarks marks, VisitMemory memory)
    {
        if (!marks.Attach(memory))
        {
            await memory.DisposeAsync();
        }
    }
}
