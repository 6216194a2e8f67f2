namespace Pop3Webmail.Web.Components.Mailbox;

/// <summary>
/// "Check for new mail" by itself, every <c>Mail:AutoCheckInterval</c>, but only while the tab is visible: a hidden
/// tab does not hold the server's attention, and when it is shown again after a due check was skipped, it checks at
/// once. A check the user made counts as one (<see cref="Reset"/>). The check itself is the caller's (it runs on the
/// timer's thread and must dispatch to its component); it is never started twice at once.
/// </summary>
internal sealed class AutoMailCheck : IDisposable
{
    private readonly TimeSpan _interval;
    private readonly Func<Task> _check;
    private readonly ITimer? _timer;
    private volatile bool _visible = true;
    private volatile bool _due;
    private int _running;

    public AutoMailCheck(TimeProvider time, TimeSpan interval, Func<Task> check)
    {
        ArgumentNullException.ThrowIfNull(time);
        _interval = interval;
        _check = check;
        if (interval > TimeSpan.Zero)
        {
            _timer = time.CreateTimer(static state => ((AutoMailCheck)state!).OnDue(), this, interval, interval);
        }
    }

    /// <summary>The tab was shown or hidden (the browser's visibilitychange).</summary>
    public Task SetVisibleAsync(bool visible)
    {
        _visible = visible;
        return visible && _due ? RunAsync() : Task.CompletedTask;
    }

    /// <summary>A check just happened (the user's): the next automatic one is a full interval away.</summary>
    public void Reset()
    {
        _due = false;
        _timer?.Change(_interval, _interval);
    }

    public void Dispose() => _timer?.Dispose();

    private void OnDue()
    {
        _due = true;
        if (_visible)
        {
            _ = RunAsync();
        }
    }

    private async Task RunAsync()
    {
        if (Interlocked.Exchange(ref _running, 1) == 1)
        {
            return;
        }

        _due = false;
        try
        {
            await _check();
        }
        finally
        {
            Volatile.Write(ref _running, 0);
        }
    }
}
