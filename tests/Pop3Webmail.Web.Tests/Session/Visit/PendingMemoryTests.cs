using Pop3Webmail.DemoServer;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Pop3Webmail.Web.Configuration;
using Pop3Webmail.Web.MailboxState;
using Pop3Webmail.Web.Scheduling;
using Pop3Webmail.Web.Session;
using Pop3Webmail.Web.Session.Inbox;
using Pop3Webmail.Web.Session.Visit;
using Pop3Webmail.Web.Tests.Support;
using Pop3Webmail.Web.Tests.Telemetry;

namespace Pop3Webmail.Web.Tests.Session.Visit;

/// <summary>
/// A visit's remembered mailbox opens while the mailbox is listed. When a crowd signs in together, the opens queue for
/// their key derivations: the first page must not wait for that queue, and the memory joins the visit when it opens.
/// </summary>
public sealed class PendingMemoryTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(15);

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AFirstPageDoesNotWaitForAMemoryQueuedBehindACrowdAndItsMarksArriveWhenItOpens()
    {
        await using var visit = GatedVisit.Start(3, crowded: true);
        var newest = TestMailboxes.Numbered(3);
        var newestKey = InboxIndex.KeyOf(newest.Uid);
        var marked = WhenChanged(visit.Session, () => visit.Session.IsRead(newestKey));

        var result = await visit.Session.SignInAsync(SessionHarness.Demo(), Cancellation);

        Assert.True(result.Succeeded);
        Assert.Equal(3, visit.Session.Messages.Count);
        Assert.False(visit.Session.IsRead(newestKey)); // the memory has not opened yet
        var memory = new RecordingMailboxMemory(DateTimeOffset.UnixEpoch, RecordingMailboxMemory.Message(newest.Uid, newest.Size, read: true));
        visit.Store.Open(memory);

        await marked.WaitAsync(Patience, Cancellation);
        Assert.False(visit.Session.IsNew(newestKey));
        Assert.True(visit.Session.IsNew(InboxIndex.KeyOf(TestMailboxes.Numbered(1).Uid)));
        await visit.Session.SignOutAsync(Cancellation);
        Assert.Contains("Visit", memory.Writes);
        Assert.Contains(memory.Writes, w => w.StartsWith("Remember ", StringComparison.Ordinal)); // the rows read while it was queued
    }

    [Fact]
    public async Task TheRestOfTheListingWaitsForALateMemoryAndReadsOnlyWhatItDoesNotKnow()
    {
        await using var visit = GatedVisit.Start(60, crowded: true);
        var listed = WhenChanged(visit.Session, () => visit.Session.Progress is { IsComplete: true, Total: 60 });
        await visit.Session.SignInAsync(SessionHarness.Demo(), Cancellation);
        var oldest = Enumerable.Range(1, 10).Select(n => TestMailboxes.Numbered(n)).ToArray();

        // The first page (the newest 50) is shown; the ten below it are the memory's to bring.
        visit.Store.Open(new RecordingMailboxMemory(DateTimeOffset.UnixEpoch, [.. oldest.Select(m => RecordingMailboxMemory.Message(m.Uid, m.Size, read: false))]));

        await listed.WaitAsync(Patience, Cancellation);
        var commands = visit.Demo.Sessions.Single().Commands;
        Assert.DoesNotContain(commands, c => Enumerable.Range(1, 10).Any(n => c == $"TOP {n} 0"));
        Assert.Equal("Remembered " + oldest[0].Uid, visit.Session.Messages[^1].Subject);
    }

    [Fact]
    public async Task TheRestOfTheListingWaitsForALateMemoryOnlySoLong()
    {
        await using var visit = GatedVisit.Start(60, crowded: true);
        var listed = WhenChanged(visit.Session, () => visit.Session.Progress is { IsComplete: true, Total: 60 });
        await visit.Session.SignInAsync(SessionHarness.Demo(), Cancellation);
        Assert.False(visit.Session.Progress.IsComplete);

        visit.Harness.Time.Advance(PendingMemory.ListingWait);

        await listed.WaitAsync(Patience, Cancellation);
        Assert.Equal(TestMailboxes.Subject(1), visit.Session.Messages[^1].Subject); // read on the wire: the memory never came
        await visit.Session.SignOutAsync(Cancellation);
        var memory = new RecordingMailboxMemory(DateTimeOffset.UnixEpoch);
        visit.Store.Open(memory);
        await memory.Disposed.WaitAsync(Patience, Cancellation);
    }

    [Fact]
    public async Task AFirstPageWaitsForAMemoryBeingOpenedWhenNobodyQueues()
    {
        await using var visit = GatedVisit.Start(3, crowded: false);
        var newest = TestMailboxes.Numbered(3);

        var signIn = visit.Session.SignInAsync(SessionHarness.Demo(), Cancellation);
        await visit.Store.Requested.WaitAsync(Patience, Cancellation);
        visit.Store.Open(new RecordingMailboxMemory(DateTimeOffset.UnixEpoch, RecordingMailboxMemory.Message(newest.Uid, newest.Size, read: true)));
        var result = await signIn;

        Assert.True(result.Succeeded);
        Assert.True(visit.Session.IsRead(InboxIndex.KeyOf(newest.Uid))); // on the first page already
    }

    [Fact]
    public async Task AMemoryThatOpensAfterTheVisitEndedIsLetGoOfUnwritten()
    {
        await using var visit = GatedVisit.Start(3, crowded: true);
        await visit.Session.SignInAsync(SessionHarness.Demo(), Cancellation);
        await visit.Session.SignOutAsync(Cancellation);
        var memory = new RecordingMailboxMemory(DateTimeOffset.UnixEpoch);

        visit.Store.Open(memory);

        await memory.Disposed.WaitAsync(Patience, Cancellation);
        Assert.Empty(memory.Writes);
    }

    [Fact]
    public async Task WhileACrowdsWorkQueuesForTheWireTheMemoryWaitsBehindItAndTheFirstPageDoesNotWaitForIt()
    {
        using var telemetry = new TelemetryCapture();
        var scheduler = new MailWorkScheduler(Options.Create(new MailSchedulerOptions { MaxConcurrency = 1 }), TimeProvider.System, telemetry.Telemetry);
        var running = await scheduler.AcquireAsync(MailWorkPriority.Interactive, Cancellation);
        var queued = scheduler.AcquireAsync(MailWorkPriority.FirstPage, Cancellation).AsTask();
        var store = new GatedStore(crowded: false);

        var pending = PendingMemory.Start(store, scheduler, async ct => new VisitMemory(await store.OpenAsync("test", "demo", "pw", ct), NullLogger.Instance), Cancellation);

        Assert.False(pending.WorthWaitingFor);
        Assert.False(store.Requested.IsCompleted);
        running.Dispose();
        using (await queued.WaitAsync(Patience, Cancellation))
        {
            Assert.False(store.Requested.IsCompleted); // the queued first page goes first
        }

        await store.Requested.WaitAsync(Patience, Cancellation);
        Assert.True(pending.WorthWaitingFor);
        Assert.Equal(0, scheduler.InUse); // the turn was taken, not a slot kept
    }

    private static Task WhenChanged(MailboxSession session, Func<bool> condition)
    {
        var reached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        session.Changed += (_, _) =>
        {
            if (condition())
            {
                reached.TrySetResult();
            }
        };
        return reached.Task;
    }

    /// <summary>A demo mailbox of <c>count</c> messages, a session harness whose store opens only when told, and a session.</summary>
    private sealed class GatedVisit : IAsyncDisposable
    {
        private GatedVisit(DemoPop3Server demo, GatedStore store)
        {
            Demo = demo;
            Store = store;
            Harness = SessionHarness.ForDemo(demo, new MailOptions { RememberMailbox = true }, store: store);
            Session = Harness.CreateSession();
        }

        public DemoPop3Server Demo { get; }

        public GatedStore Store { get; }

        public SessionHarness Harness { get; }

        public MailboxSession Session { get; }

        public static GatedVisit Start(int count, bool crowded) => new(TestMailboxes.Start(count), new GatedStore(crowded));

        public async ValueTask DisposeAsync()
        {
            await Harness.DisposeAsync();
            await Demo.DisposeAsync();
        }
    }

    /// <summary>A store whose one open completes when the test says so (the visit's end does not cancel it, as a derivation under way is not).</summary>
    private sealed class GatedStore(bool crowded) : IMailboxStateStore
    {
        private readonly TaskCompletionSource<IMailboxMemory?> _memory = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _requested = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public bool IsCrowded => crowded && !_memory.Task.IsCompleted;

        public Task Requested => _requested.Task;

        public Task<IMailboxMemory?> OpenAsync(string serverId, string userName, string password, CancellationToken cancellationToken = default)
        {
            _requested.TrySetResult();
            return _memory.Task;
        }

        public void Open(IMailboxMemory memory) => _memory.SetResult(memory);
    }
}
