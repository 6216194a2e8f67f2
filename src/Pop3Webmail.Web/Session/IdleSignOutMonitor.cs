using Microsoft.Extensions.Options;
using Pop3Webmail.Web.Configuration;

namespace Pop3Webmail.Web.Session;

/// <summary>
/// Kiosk idle sign-out: after <see cref="MailOptions.IdleWarning"/> of the idle time is left, a countdown is shown
/// (<see cref="Remaining"/>); any activity or "stay signed in" resets it; at zero the session ends with QUIT, so
/// the next person at a shared PC does not find someone else's mailbox open.
/// </summary>
public sealed class IdleSignOutMonitor : IDisposable
{
    private static readonly TimeSpan Tick = TimeSpan.FromSeconds(1);
    private readonly IMailboxSession _session;
    private readonly TimeProvider _time;
    private readonly TimeSpan? _idle;
    private readonly TimeSpan _warning;
    private readonly Lock _lock = new();
    private ITimer? _timer;
    private long _lastActivity;

    public IdleSignOutMonitor(IMailboxSession session, IOptions<MailOptions> options, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(options);
        _session = session;
        _time = timeProvider;
        _idle = options.Value.EffectiveIdleSignOut;
        _warning = options.Value.IdleWarning;
        _lastActivity = _time.GetTimestamp();
        if (_idle is not null)
        {
            _session.Changed += OnSessionChanged;
        }
    }

    /// <summary>Raised when the countdown appears, changes or disappears.</summary>
    public event EventHandler? Changed;

    public bool IsEnabled => _idle is not null;

    /// <summary>Time left before the idle sign-out, or null when not counting (disabled or signed out).</summary>
    public TimeSpan? Remaining
    {
        get
        {
            lock (_lock)
            {
                return _timer is null || _idle is not { } idle ? null : Max(TimeSpan.Zero, idle - _time.GetElapsedTime(_lastActivity));
            }
        }
    }

    /// <summary>True while the countdown warning should be on screen.</summary>
    public bool IsWarning => Remaining is { } left && left <= _warning;

    /// <summary>The user did something (a click, a key, "stay signed in").</summary>
    public void RecordActivity()
    {
        bool wasWarning;
        lock (_lock)
        {
            wasWarning = _timer is not null && _idle is { } idle && idle - _time.GetElapsedTime(_lastActivity) <= _warning;
            _lastActivity = _time.GetTimestamp();
            Schedule();
        }

        if (wasWarning)
        {
            Changed?.Invoke(this, EventArgs.Empty);
        }
    }

    public void Dispose()
    {
        _session.Changed -= OnSessionChanged;
        lock (_lock)
        {
            _timer?.Dispose();
            _timer = null;
        }
    }

    private void OnSessionChanged(object? sender, EventArgs e)
    {
        var signedIn = _session.Account is not null;
        bool changed;
        lock (_lock)
        {
            changed = signedIn != (_timer is not null);
            if (signedIn && _timer is null)
            {
                _lastActivity = _time.GetTimestamp();
                _timer = _time.CreateTimer(static state => ((IdleSignOutMonitor)state!).OnTimer(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
                Schedule();
            }
            else if (!signedIn && _timer is not null)
            {
                _timer.Dispose();
                _timer = null;
            }
        }

        if (changed)
        {
            Changed?.Invoke(this, EventArgs.Empty);
        }
    }

    private void OnTimer()
    {
        var left = Remaining;
        if (left is null)
        {
            return;
        }

        if (left <= TimeSpan.Zero)
        {
            _ = _session.EndAsync(SignOutReason.IdleTimeout);
            return;
        }

        lock (_lock)
        {
            Schedule();
        }

        Changed?.Invoke(this, EventArgs.Empty);
    }

    /// <summary>Wakes at the start of the warning, then every second of the countdown, then at zero.</summary>
    private void Schedule()
    {
        if (_timer is null || _idle is not { } idle)
        {
            return;
        }

        var left = idle - _time.GetElapsedTime(_lastActivity);
        var due = left > _warning ? left - _warning : Min(Tick, Max(left, TimeSpan.Zero));
        _timer.Change(due, Timeout.InfiniteTimeSpan);
    }

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;
}
