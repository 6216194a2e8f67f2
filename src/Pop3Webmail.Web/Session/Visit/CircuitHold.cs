namespace Pop3Webmail.Web.Session.Visit;

/// <summary>
/// Whether a browser circuit holds a visit, and the grace timer that ends the visit when none has taken it back in
/// time. A reload closes one circuit and opens another in either order, so the new circuit may wait briefly for the
/// old one to let go.
/// </summary>
internal sealed class CircuitHold(TimeProvider time, Func<SignOutReason, Task> end)
{
    private static readonly TimeSpan ReleaseWait = TimeSpan.FromSeconds(5);
    private readonly Lock _lock = new();
    private ITimer? _grace;
    private bool _held = true;
    private bool _closed;
    private TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>
    /// The holding circuit went away: the visit ends with CircuitClosed (UnexpectedError when the circuit failed)
    /// unless a circuit takes it back within <paramref name="grace"/>. False when it was not held or has ended.
    /// </summary>
    public bool Release(TimeSpan grace, bool abnormal)
    {
        lock (_lock)
        {
            if (!_held || _closed)
            {
                return false;
            }

            _held = false;
            _released.TrySetResult();
            var reason = abnormal ? SignOutReason.UnexpectedError : SignOutReason.CircuitClosed;
            _grace = time.CreateTimer(static state => ((Func<Task>)state!)(), (Func<Task>)(() => end(reason)), grace, Timeout.InfiniteTimeSpan);
            return true;
        }
    }

    /// <summary>A circuit takes the visit; false when another circuit holds it or it has ended.</summary>
    public bool TryTake()
    {
        lock (_lock)
        {
            if (_held || _closed)
            {
                return false;
            }

            _held = true;
            _released = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _grace?.Dispose();
            _grace = null;
            return true;
        }
    }

    /// <summary>Waits (briefly) until no circuit holds the visit; false when it is still held after the wait, or has ended.</summary>
    public async Task<bool> WaitReleasedAsync(CancellationToken cancellationToken)
    {
        Task released;
        lock (_lock)
        {
            if (_closed)
            {
                return false;
            }

            released = _released.Task;
        }

        try
        {
            await released.WaitAsync(ReleaseWait, time, cancellationToken);
            return !Volatile.Read(ref _closed);
        }
        catch (TimeoutException)
        {
            return false;
        }
    }

    /// <summary>The visit has ended: no circuit can take it any more, and no grace timer is left to fire.</summary>
    public void Close()
    {
        lock (_lock)
        {
            _closed = true;
            _grace?.Dispose();
            _grace = null;
        }
    }
}
