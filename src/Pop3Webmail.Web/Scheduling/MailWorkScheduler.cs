using Microsoft.Extensions.Options;
using Pop3Webmail.Web.Telemetry;

namespace Pop3Webmail.Web.Scheduling;

/// <summary>
/// Bounds the POP3 work running at once across every session of the process, and decides who goes next when all
/// slots are busy, so a crowd of sign-ins is served before background listing and keep-alives:
/// <list type="bullet">
/// <item>Higher <see cref="MailWorkPriority"/> first; first come, first served within a priority.</item>
/// <item>Aging, not a reserved share: work that has waited <see cref="MailSchedulerOptions.AgingThreshold"/> goes ahead
/// of younger work of any priority, oldest first. A reserved share would take slots from sign-ins in exactly the
/// burst this exists for; aging leaves a burst alone and still bounds every wait (threshold plus the overdue work
/// queued before it).</item>
/// <item>A wait cancelled before its slot is granted leaves the queue and takes no slot; once granted, the slot is the
/// caller's to dispose, even if its token is cancelled a moment later.</item>
/// </list>
/// A session holds a slot for one step (sign-in, one page of listing, one message, one NOOP) and acquires again for
/// the next, so interactive work gets in between the pages of a long listing.
/// </summary>
public sealed class MailWorkScheduler
{
    private static readonly MailWorkPriority[] Priorities = Enum.GetValues<MailWorkPriority>();

    private readonly Lock _lock = new();
    private readonly LinkedList<Waiter>[] _queues;
    private readonly TimeProvider _timeProvider;
    private readonly MailboxTelemetry _telemetry;
    private readonly TimeSpan _agingThreshold;
    private int _inUse;
    private int _queued;

    public MailWorkScheduler(IOptions<MailSchedulerOptions> options, TimeProvider timeProvider, MailboxTelemetry telemetry)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentNullException.ThrowIfNull(telemetry);
        var settings = options.Value;
        ArgumentOutOfRangeException.ThrowIfLessThan(settings.MaxConcurrency, 1, nameof(options));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(settings.AgingThreshold, TimeSpan.Zero, nameof(options));
        MaxConcurrency = settings.MaxConcurrency;
        _agingThreshold = settings.AgingThreshold;
        _timeProvider = timeProvider;
        _telemetry = telemetry;
        _queues = [.. Priorities.Select(_ => new LinkedList<Waiter>())];
        telemetry.RecordSchedulerCapacity(MaxConcurrency);
    }

    public int MaxConcurrency { get; }

    /// <summary>Slots held right now.</summary>
    public int InUse => Volatile.Read(ref _inUse);

    /// <summary>Work waiting for a slot right now.</summary>
    public int QueueLength => Volatile.Read(ref _queued);

    /// <summary>
    /// Waits for a slot for work of <paramref name="priority"/>. Completes at once while slots are free and nobody is
    /// waiting. Throws <see cref="OperationCanceledException"/> when <paramref name="cancellationToken"/> is cancelled
    /// before a slot was granted (no slot is then held).
    /// </summary>
    public ValueTask<MailWorkSlot> AcquireAsync(MailWorkPriority priority, CancellationToken cancellationToken = default)
    {
        if (!Enum.IsDefined(priority))
        {
            throw new ArgumentOutOfRangeException(nameof(priority), priority, "Not a mail work priority.");
        }

        if (cancellationToken.IsCancellationRequested)
        {
            return ValueTask.FromCanceled<MailWorkSlot>(cancellationToken);
        }

        Waiter waiter;
        lock (_lock)
        {
            if (_inUse < MaxConcurrency && _queued == 0)
            {
                _inUse++;
                _telemetry.RecordWorkStarted(priority, TimeSpan.Zero, aged: false);
                return ValueTask.FromResult(new MailWorkSlot(this, priority));
            }

            waiter = new Waiter(this, priority, _timeProvider.GetTimestamp());
            waiter.Node = _queues[(int)priority].AddLast(waiter);
            _queued++;
            _telemetry.RecordWorkQueued(priority);

            // A token cancelled since the check above runs the callback right here; the lock is re-entrant, and Cancel
            // dequeues the waiter it has just queued.
            waiter.Registration = cancellationToken.UnsafeRegister(static (state, token) => ((Waiter)state!).CancelWait(token), waiter);
        }

        return new ValueTask<MailWorkSlot>(waiter.Completion.Task);
    }

    internal void Release(MailWorkPriority priority)
    {
        Waiter? next;
        lock (_lock)
        {
            _telemetry.RecordWorkFinished(priority);
            next = DequeueNext();
            if (next is null)
            {
                _inUse--;
                return;
            }
        }

        // The slot passes straight to the next waiter (_inUse unchanged); its continuation runs elsewhere, not here.
        next.Completion.TrySetResult(new MailWorkSlot(this, next.Priority));
    }

    private void Cancel(Waiter waiter, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            if (waiter.Node?.List is not { } queue)
            {
                return; // already granted: the slot is the caller's
            }

            queue.Remove(waiter.Node);
            _queued--;
            _telemetry.RecordWorkLeftQueue(waiter.Priority);
            _telemetry.RecordWorkCancelled(waiter.Priority, _timeProvider.GetElapsedTime(waiter.QueuedAt));
        }

        waiter.Completion.TrySetCanceled(cancellationToken);
    }

    /// <summary>Under the lock: the overdue head that has waited longest, else the head of the highest non-empty priority.</summary>
    private Waiter? DequeueNext()
    {
        if (_queued == 0)
        {
            return null;
        }

        var now = _timeProvider.GetTimestamp();
        Waiter? byPriority = null;
        Waiter? overdue = null;
        foreach (var queue in _queues)
        {
            if (queue.First?.Value is not { } head)
            {
                continue;
            }

            byPriority ??= head;
            if (_timeProvider.GetElapsedTime(head.QueuedAt, now) >= _agingThreshold && (overdue is null || head.QueuedAt < overdue.QueuedAt))
            {
                overdue = head;
            }
        }

        var next = overdue ?? byPriority!;
        _queues[(int)next.Priority].Remove(next.Node!);

        // Unregister, not Dispose: Dispose would wait for a callback that is itself waiting for this lock. A callback
        // already running finds the waiter dequeued and leaves it alone.
        next.Registration.Unregister();
        _queued--;
        _telemetry.RecordWorkLeftQueue(next.Priority);
        _telemetry.RecordWorkStarted(next.Priority, _timeProvider.GetElapsedTime(next.QueuedAt, now), aged: !ReferenceEquals(next, byPriority));
        return next;
    }

    private sealed class Waiter(MailWorkScheduler scheduler, MailWorkPriority priority, long queuedAt)
    {
        public MailWorkPriority Priority { get; } = priority;

        public long QueuedAt { get; } = queuedAt;

        public LinkedListNode<Waiter>? Node { get; set; }

        public CancellationTokenRegistration Registration { get; set; }

        public TaskCompletionSource<MailWorkSlot> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void CancelWait(CancellationToken cancellationToken) => scheduler.Cancel(this, cancellationToken);
    }
}
