using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Pop3Webmail.Web.Scheduling;
using Pop3Webmail.Web.Tests.Telemetry;

namespace Pop3Webmail.Web.Tests.Scheduling;

public sealed class MailWorkSchedulerTests : IDisposable
{
    private static readonly TimeSpan Aging = TimeSpan.FromSeconds(5);
    private readonly TelemetryCapture _capture = new();

    public void Dispose() => _capture.Dispose();

    [Fact]
    public void WorkStartsAtOnceWhileSlotsAreFreeAndQueuesWhenAllAreTaken()
    {
        var scheduler = Create(maxConcurrency: 2);

        var first = Acquire(scheduler, MailWorkPriority.Background);
        var second = Acquire(scheduler, MailWorkPriority.KeepAlive);
        var third = Acquire(scheduler, MailWorkPriority.Interactive);

        Assert.True(first.IsCompletedSuccessfully);
        Assert.True(second.IsCompletedSuccessfully);
        Assert.False(third.IsCompleted);
        Assert.Equal((2, 1), (scheduler.InUse, scheduler.QueueLength));
    }

    [Fact]
    public async Task AFreedSlotGoesToInteractiveWorkThenBackgroundThenKeepAliveWhateverTheArrivalOrder()
    {
        var scheduler = Create(maxConcurrency: 1);
        var held = await Acquire(scheduler, MailWorkPriority.Interactive);
        var keepAlive = Acquire(scheduler, MailWorkPriority.KeepAlive);
        var background = Acquire(scheduler, MailWorkPriority.Background);
        var interactive = Acquire(scheduler, MailWorkPriority.Interactive);

        var order = await DrainAsync(held, keepAlive, background, interactive);

        Assert.Equal([interactive, background, keepAlive], order);
    }

    [Fact]
    public async Task TheFirstPageOfASignedInVisitGoesAheadOfSignInsStillWaitingForTheirLogin()
    {
        // A crowd: logins queued first; the visit that has signed in must not queue its first page behind all of them.
        var scheduler = Create(maxConcurrency: 1);
        var held = await Acquire(scheduler, MailWorkPriority.Interactive);
        var logins = Enumerable.Range(0, 3).Select(_ => Acquire(scheduler, MailWorkPriority.Interactive)).ToArray();
        var firstPage = Acquire(scheduler, MailWorkPriority.FirstPage);

        var order = await DrainAsync(held, [.. logins, firstPage]);

        Assert.Equal([firstPage, .. logins], order);
    }

    [Fact]
    public async Task WorkOfOnePriorityIsServedInArrivalOrder()
    {
        var scheduler = Create(maxConcurrency: 1);
        var held = await Acquire(scheduler, MailWorkPriority.Interactive);
        var waiting = Enumerable.Range(0, 5).Select(_ => Acquire(scheduler, MailWorkPriority.Background)).ToArray();

        var order = await DrainAsync(held, waiting);

        Assert.Equal(waiting, order);
    }

    [Fact]
    public async Task WorkThatWaitedPastTheAgingThresholdGoesAheadOfYoungerInteractiveWork()
    {
        var scheduler = Create(maxConcurrency: 1);
        var held = await Acquire(scheduler, MailWorkPriority.Interactive);
        var keepAlive = Acquire(scheduler, MailWorkPriority.KeepAlive);
        _capture.Time.Advance(Aging);
        var interactive = Acquire(scheduler, MailWorkPriority.Interactive);

        var order = await DrainAsync(held, keepAlive, interactive);

        Assert.Equal([keepAlive, interactive], order);
        var aged = Assert.Single(_capture.Of("pop3webmail.scheduler.aged"));
        Assert.Equal("keep_alive", aged.Tag("priority"));
    }

    [Fact]
    public async Task WorkYoungerThanTheAgingThresholdKeepsWaitingBehindInteractiveWork()
    {
        var scheduler = Create(maxConcurrency: 1);
        var held = await Acquire(scheduler, MailWorkPriority.Interactive);
        var background = Acquire(scheduler, MailWorkPriority.Background);
        _capture.Time.Advance(Aging - TimeSpan.FromMilliseconds(1));
        var interactive = Acquire(scheduler, MailWorkPriority.Interactive);

        var order = await DrainAsync(held, background, interactive);

        Assert.Equal([interactive, background], order);
        Assert.Empty(_capture.Of("pop3webmail.scheduler.aged"));
    }

    [Fact]
    public async Task AmongOverdueWorkTheOldestGoesFirst()
    {
        var scheduler = Create(maxConcurrency: 1);
        var held = await Acquire(scheduler, MailWorkPriority.Interactive);
        var keepAlive = Acquire(scheduler, MailWorkPriority.KeepAlive);
        _capture.Time.Advance(TimeSpan.FromSeconds(1));
        var background = Acquire(scheduler, MailWorkPriority.Background);
        _capture.Time.Advance(Aging);

        var order = await DrainAsync(held, keepAlive, background);

        Assert.Equal([keepAlive, background], order);
    }

    [Fact]
    public async Task ACancelledWaitLeavesTheQueueAndNeverTakesASlot()
    {
        var scheduler = Create(maxConcurrency: 1);
        var held = await Acquire(scheduler, MailWorkPriority.Interactive);
        using var cancellation = new CancellationTokenSource();
        var waiting = Acquire(scheduler, MailWorkPriority.Background, cancellation.Token);

        await cancellation.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
        Assert.Equal(0, scheduler.QueueLength);
        held.Dispose();
        Assert.Equal(0, scheduler.InUse);
        Assert.True(Acquire(scheduler, MailWorkPriority.KeepAlive).IsCompletedSuccessfully);
        var cancelled = Assert.Single(_capture.Of("pop3webmail.scheduler.wait.duration"), m => m.Tag("outcome") == "cancelled");
        Assert.Equal("background", cancelled.Tag("priority"));
    }

    [Fact]
    public async Task AnAlreadyCancelledTokenFailsWithoutTakingAFreeSlot()
    {
        var scheduler = Create(maxConcurrency: 1);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await Acquire(scheduler, MailWorkPriority.Interactive, new CancellationToken(canceled: true)));

        Assert.Equal(0, scheduler.InUse);
    }

    [Fact]
    public async Task ASlotGrantedBeforeTheTokenIsCancelledStaysWithItsCaller()
    {
        var scheduler = Create(maxConcurrency: 1);
        var held = await Acquire(scheduler, MailWorkPriority.Interactive);
        using var cancellation = new CancellationTokenSource();
        var waiting = Acquire(scheduler, MailWorkPriority.Interactive, cancellation.Token);

        held.Dispose();
        await cancellation.CancelAsync();

        using var slot = await waiting;
        Assert.Equal((1, 0), (scheduler.InUse, scheduler.QueueLength));
    }

    [Fact]
    public async Task DisposingASlotTwiceReleasesItOnce()
    {
        var scheduler = Create(maxConcurrency: 1);
        var slot = await Acquire(scheduler, MailWorkPriority.Interactive);

        slot.Dispose();
        slot.Dispose();

        Assert.True(Acquire(scheduler, MailWorkPriority.Interactive).IsCompletedSuccessfully);
        Assert.False(Acquire(scheduler, MailWorkPriority.Interactive).IsCompleted);
    }

    [Fact]
    public async Task AnUndefinedPriorityIsRefused()
    {
        var scheduler = Create(maxConcurrency: 1);

        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Acquire(scheduler, (MailWorkPriority)7));
    }

    [Fact]
    public async Task QueueLengthAndWaitTimeAreReportedByPriority()
    {
        var scheduler = Create(maxConcurrency: 1);
        var held = await Acquire(scheduler, MailWorkPriority.Interactive);
        var interactive = Acquire(scheduler, MailWorkPriority.Interactive);
        _ = Acquire(scheduler, MailWorkPriority.Background);
        Assert.Equal(2, _capture.Sum("pop3webmail.scheduler.queued"));
        Assert.Equal(1, _capture.Sum("pop3webmail.scheduler.queued", "priority", "background"));

        _capture.Time.Advance(TimeSpan.FromMilliseconds(300));
        held.Dispose();
        await interactive;

        Assert.Equal(1, _capture.Sum("pop3webmail.scheduler.capacity"));
        Assert.Equal(1, _capture.Sum("pop3webmail.scheduler.queued"));
        Assert.Equal(1, _capture.Sum("pop3webmail.scheduler.in_use"));
        var waits = _capture.Of("pop3webmail.scheduler.wait.duration").Where(m => m.Tag("priority") == "interactive").Select(m => m.Value);
        Assert.Equal([0, 0.3], waits.Select(v => Math.Round(v, 6)));
    }

    /// <summary>
    /// Random acquisitions, cancellations and releases from many threads at once: never more than the limit running,
    /// and afterwards every slot is back (a full set can be taken at once), the queue is empty and the metrics agree.
    /// </summary>
    [Fact]
    public async Task UnderConcurrentRandomUseNoSlotIsLostOrHandedOutTwice()
    {
        const int limit = 4;
        var scheduler = Create(maxConcurrency: limit);
        var running = 0;
        var mostRunning = 0;
        var granted = 0;

        async Task WorkerAsync(int seed)
        {
            var random = new Random(seed);
            for (var i = 0; i < 400; i++)
            {
                using var cancellation = new CancellationTokenSource();
                var acquiring = Acquire(scheduler, (MailWorkPriority)random.Next(3), cancellation.Token);
                switch (random.Next(4))
                {
                    case 0:
                        await cancellation.CancelAsync();
                        break;
                    case 1:
                        _ = Task.Run(cancellation.Cancel, TestContext.Current.CancellationToken); // races the grant
                        break;
                }

                MailWorkSlot slot;
                try
                {
                    slot = await acquiring;
                }
                catch (OperationCanceledException)
                {
                    continue;
                }

                using (slot)
                {
                    var now = Interlocked.Increment(ref running);
                    InterlockedMax(ref mostRunning, now);
                    Interlocked.Increment(ref granted);
                    await Task.Yield();
                    Interlocked.Decrement(ref running);
                }
            }
        }

        await Task.WhenAll(Enumerable.Range(1, 16).Select(seed => Task.Run(() => WorkerAsync(seed), TestContext.Current.CancellationToken)));

        Assert.InRange(mostRunning, 1, limit);
        Assert.True(granted > 0);
        Assert.Equal((0, 0), (scheduler.InUse, scheduler.QueueLength));
        Assert.Equal(0, _capture.Sum("pop3webmail.scheduler.in_use"));
        Assert.Equal(0, _capture.Sum("pop3webmail.scheduler.queued"));
        var all = Enumerable.Range(0, limit).Select(_ => Acquire(scheduler, MailWorkPriority.KeepAlive)).ToList();
        Assert.All(all, a => Assert.True(a.IsCompletedSuccessfully));
        Assert.False(Acquire(scheduler, MailWorkPriority.Interactive).IsCompleted);
    }

    [Fact]
    public void TheDefaultsComeFromConfigurationAndBadValuesStopTheApp()
    {
        Assert.Equal((16, Aging), ReadOptions([]) is var o ? (o.MaxConcurrency, o.AgingThreshold) : default);
        Assert.Equal(64, ReadOptions([("Mail:Scheduler:MaxConcurrency", "64")]).MaxConcurrency);
        Assert.Throws<OptionsValidationException>(() => ReadOptions([("Mail:Scheduler:MaxConcurrency", "0")]));
        Assert.Throws<OptionsValidationException>(() => ReadOptions([("Mail:Scheduler:AgingThreshold", "00:00:00")]));
    }

    private static MailSchedulerOptions ReadOptions((string Key, string Value)[] settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value))).Build();
        using var services = new ServiceCollection().AddMailWorkScheduler(configuration).BuildServiceProvider();
        return services.GetRequiredService<IOptions<MailSchedulerOptions>>().Value;
    }

    private static void InterlockedMax(ref int target, int value)
    {
        var current = Volatile.Read(ref target);
        while (value > current)
        {
            var seen = Interlocked.CompareExchange(ref target, value, current);
            if (seen == current)
            {
                return;
            }

            current = seen;
        }
    }

    /// <summary>Releases <paramref name="held"/>, then each granted slot in turn; returns the waiters in the order they got a slot.</summary>
    private static async Task<List<Task<MailWorkSlot>>> DrainAsync(MailWorkSlot held, params Task<MailWorkSlot>[] waiting)
    {
        var order = new List<Task<MailWorkSlot>>();
        var release = held;
        while (order.Count < waiting.Length)
        {
            release.Dispose();
            // A grant completes the waiter's task inside Dispose (its continuation runs elsewhere), so exactly one is done.
            var next = Assert.Single(waiting, w => w.IsCompleted && !order.Contains(w));
            order.Add(next);
            release = await next;
        }

        release.Dispose();
        return order;
    }

    /// <summary>The acquisition as a Task (completed already when the slot was granted at once).</summary>
    private static Task<MailWorkSlot> Acquire(MailWorkScheduler scheduler, MailWorkPriority priority, CancellationToken? cancellationToken = null) =>
        scheduler.AcquireAsync(priority, cancellationToken ?? TestContext.Current.CancellationToken).AsTask();

    private MailWorkScheduler Create(int maxConcurrency) =>
        new(Options.Create(new MailSchedulerOptions { MaxConcurrency = maxConcurrency, AgingThreshold = Aging }), _capture.Time, _capture.Telemetry);
}
