namespace Pop3Webmail.Pop3;

/// <summary>
/// When one public operation must be over, on the injected <see cref="TimeProvider"/>. A fixed deadline is a plain
/// budget (connect, authentication). A transfer deadline starts from a floor and earns one second for every
/// <c>rate</c> bytes it expects or actually receives, so a slow but steady transfer always fits while a server that
/// trickles bytes is cut off close to the floor. Pure bookkeeping: the connection asks it for the time left.
/// </summary>
internal sealed class Pop3Deadline
{
    private static readonly TimeSpan LongestTimer = TimeSpan.FromDays(1);

    private readonly TimeProvider _time;
    private readonly long _started;
    private readonly TimeSpan _floor;
    private readonly double _rate;
    private readonly long _receivedAtStart;
    private long _expectedBytes;

    private Pop3Deadline(TimeProvider time, TimeSpan floor, double rate, long receivedAtStart)
    {
        _time = time;
        _started = time.GetTimestamp();
        _floor = floor;
        _rate = rate;
        _receivedAtStart = receivedAtStart;
    }

    public bool IsInfinite => _floor == Timeout.InfiniteTimeSpan;

    /// <summary>A budget that nothing extends.</summary>
    public static Pop3Deadline Fixed(TimeProvider time, TimeSpan budget) => new(time, budget, rate: 0, receivedAtStart: 0);

    /// <summary>
    /// <see cref="Pop3ClientOptions.OperationTimeout"/> plus whatever the transfer earns at
    /// <see cref="Pop3ClientOptions.MinimumTransferRate"/>; <paramref name="receivedSoFar"/> is the connection's
    /// received-byte count now, so only bytes of this operation earn time.
    /// </summary>
    public static Pop3Deadline ForTransfer(Pop3ClientOptions options, long receivedSoFar, long expectedBytes = 0)
    {
        ArgumentNullException.ThrowIfNull(options);
        var deadline = new Pop3Deadline(options.TimeProvider, options.OperationTimeout, options.MinimumTransferRate, receivedSoFar);
        deadline.Expect(expectedBytes);
        return deadline;
    }

    /// <summary>Adds the time <paramref name="bytes"/> more expected bytes take at the minimum rate.</summary>
    public void Expect(long bytes)
    {
        if (bytes > 0)
        {
            _expectedBytes += bytes;
        }
    }

    /// <summary>The earlier of two spans where <see cref="Timeout.InfiniteTimeSpan"/> means "never".</summary>
    public static TimeSpan Earliest(TimeSpan first, TimeSpan second) =>
        first == Timeout.InfiniteTimeSpan ? second
        : second == Timeout.InfiniteTimeSpan ? first
        : first < second ? first : second;

    /// <summary>
    /// A span a timer accepts: infinite stays infinite, an expired one fires at once, and a very long one is cut to a
    /// day (timers refuse about 49 days and more; whoever arms it re-arms it on the next I/O).
    /// </summary>
    public static TimeSpan TimerDue(TimeSpan span) =>
        span == Timeout.InfiniteTimeSpan ? span
        : span <= TimeSpan.Zero ? TimeSpan.Zero
        : span < LongestTimer ? span : LongestTimer;

    /// <summary>Time left, given the connection's received-byte count now; infinite when there is no deadline.</summary>
    public TimeSpan Remaining(long receivedNow)
    {
        if (IsInfinite)
        {
            return Timeout.InfiniteTimeSpan;
        }

        var earned = _rate > 0 ? TimeSpan.FromSeconds((_expectedBytes + Math.Max(0, receivedNow - _receivedAtStart)) / _rate) : TimeSpan.Zero;
        return _floor + earned - _time.GetElapsedTime(_started);
    }
}
