using Microsoft.Extensions.Options;
using Pop3Webmail.Web.Configuration;

namespace Pop3Webmail.Web.Security;

/// <summary>
/// The brute-force brake on sign-in. It counts failed sign-ins (wrong credentials), not attempts, three ways:
/// <list type="bullet">
/// <item>per browser (client network + browser-binding cookie): one client guessing is stopped for the rest of the
/// window after <see cref="MailRateLimitOptions.FailuresPerBrowser"/> failures; a success from that browser clears it,
/// so a kiosk PC many people use in turn is not locked by their typos;</item>
/// <item>per client network (an IPv4 address or an IPv6 /64): a larger budget,
/// <see cref="MailRateLimitOptions.FailuresPerNetwork"/>, for a guesser who throws the cookie away, sized so that an
/// office or kiosk room behind one NAT address is not locked out by its own users;</item>
/// <item>per user: after <see cref="MailRateLimitOptions.FailuresPerUser"/> failures, each further try waits
/// <see cref="MailRateLimitOptions.UserBackoff"/>, doubling up to <see cref="MailRateLimitOptions.MaxUserBackoff"/>.</item>
/// </list>
/// A browser that has signed in to this mailbox before (a <em>known browser</em>, remembered for
/// <see cref="MailRateLimitOptions.KnownBrowserLifetime"/>) has a per-user count of its own and passes the
/// per-network brake: someone guessing a user's password elsewhere cannot lock that user out of their own browser,
/// and someone at that browser (the next person at a kiosk) meets the same doubling wait, which neither the other
/// browsers' failures nor their own sign-ins to other mailboxes reset.
/// Everything is in memory under keyed hashes (<see cref="SignInThrottleKeys"/>), bounded and expiring; no password
/// ever reaches this type. Thread-safe; one per application.
/// </summary>
public sealed class SignInThrottle
{
    /// <summary>The most entries each table holds (a few MB in all); the oldest go first when one is full.</summary>
    internal const int DefaultCapacity = 100_000;

    private readonly Lock _lock = new();
    private readonly MailRateLimitOptions _limits;
    private readonly TimeProvider _timeProvider;
    private readonly SignInThrottleKeys _keys = new();
    private readonly ExpiringMap<FailureWindow> _browsers;
    private readonly ExpiringMap<FailureWindow> _networks;
    private readonly ExpiringMap<UserFailures> _users;
    private readonly ExpiringMap<bool> _knownBrowsers;
    private readonly ExpiringMap<UserFailures> _knownBrowserFailures;

    public SignInThrottle(IOptions<MailOptions> options, TimeProvider timeProvider)
        : this((options ?? throw new ArgumentNullException(nameof(options))).Value.RateLimits, timeProvider, DefaultCapacity)
    {
    }

    internal SignInThrottle(MailRateLimitOptions limits, TimeProvider timeProvider, int capacity)
    {
        ArgumentNullException.ThrowIfNull(limits);
        ArgumentNullException.ThrowIfNull(timeProvider);
        _limits = limits;
        _timeProvider = timeProvider;
        _browsers = new ExpiringMap<FailureWindow>(capacity);
        _networks = new ExpiringMap<FailureWindow>(capacity);
        _users = new ExpiringMap<UserFailures>(capacity);
        _knownBrowsers = new ExpiringMap<bool>(capacity);
        _knownBrowserFailures = new ExpiringMap<UserFailures>(capacity);
    }

    /// <summary>Entries held, all tables together (for tests of the bound).</summary>
    internal int EntryCount
    {
        get
        {
            lock (_lock)
            {
                return _browsers.Count + _networks.Count + _users.Count + _knownBrowsers.Count + _knownBrowserFailures.Count;
            }
        }
    }

    /// <summary>Before connecting: null when the attempt may go ahead, else how long to wait first.</summary>
    public TimeSpan? Check(SignInAttempt attempt)
    {
        var keys = _keys.For(attempt);
        var now = _timeProvider.GetUtcNow();
        lock (_lock)
        {
            var wait = WindowWait(_browsers, keys.Browser, _limits.FailuresPerBrowser, now);
            if (IsKnown(attempt, keys, now))
            {
                wait = Longer(wait, BackoffWait(_knownBrowserFailures, keys.KnownBrowser, now));
            }
            else
            {
                wait = Longer(wait, WindowWait(_networks, keys.Network, _limits.FailuresPerNetwork, now));
                wait = Longer(wait, BackoffWait(_users, keys.User, now));
            }

            return wait > TimeSpan.Zero ? wait : null;
        }
    }

    /// <summary>After the server refused the credentials. Other failures (unreachable, in use) are not counted.</summary>
    public void RecordFailure(SignInAttempt attempt)
    {
        var keys = _keys.For(attempt);
        var now = _timeProvider.GetUtcNow();
        lock (_lock)
        {
            Count(_browsers, keys.Browser, now);
            Count(_networks, keys.Network, now);
            if (IsKnown(attempt, keys, now))
            {
                CountForBackoff(_knownBrowserFailures, keys.KnownBrowser, now);
            }
            else
            {
                CountForBackoff(_users, keys.User, now);
            }
        }
    }

    /// <summary>
    /// After a successful sign-in: the browser becomes known for this mailbox, its failures for this mailbox are
    /// forgiven, and its window count starts again. Failures for this mailbox from elsewhere stay counted.
    /// </summary>
    public void RecordSuccess(SignInAttempt attempt)
    {
        var keys = _keys.For(attempt);
        var now = _timeProvider.GetUtcNow();
        lock (_lock)
        {
            // A browser without a cookie is no particular browser: it never becomes known.
            if (attempt.BrowserKey.Length > 0)
            {
                _knownBrowsers.Set(keys.KnownBrowser, true, now + _limits.KnownBrowserLifetime, now);
                _knownBrowserFailures.Remove(keys.KnownBrowser);
            }

            _browsers.Remove(keys.Browser);
        }
    }

    private static TimeSpan Longer(TimeSpan a, TimeSpan b) => a > b ? a : b;

    private bool IsKnown(SignInAttempt attempt, SignInThrottleKeys.Keys keys, DateTimeOffset now) =>
        attempt.BrowserKey.Length > 0 && _knownBrowsers.TryGet(keys.KnownBrowser, now, out _);

    private static TimeSpan WindowWait(ExpiringMap<FailureWindow> table, UInt128 key, int limit, DateTimeOffset now) =>
        table.TryGet(key, now, out var window) && window.Failures >= limit ? window.Ends - now : TimeSpan.Zero;

    private TimeSpan BackoffWait(ExpiringMap<UserFailures> table, UInt128 key, DateTimeOffset now) =>
        table.TryGet(key, now, out var user) ? user.Last + Backoff(user.Failures) - now : TimeSpan.Zero;

    private void CountForBackoff(ExpiringMap<UserFailures> table, UInt128 key, DateTimeOffset now)
    {
        var failures = table.TryGet(key, now, out var user) ? user.Failures + 1 : 1;

        // Forgotten only after a quiet window past the current backoff: waiting out each backoff does not reset it.
        table.Set(key, new UserFailures(failures, now), now + Backoff(failures) + _limits.Window, now);
    }

    private void Count(ExpiringMap<FailureWindow> table, UInt128 key, DateTimeOffset now)
    {
        var window = table.TryGet(key, now, out var current)
            ? current with { Failures = current.Failures + 1 }
            : new FailureWindow(1, now + _limits.Window);
        table.Set(key, window, window.Ends, now);
    }

    /// <summary>The wait after <paramref name="failures"/> failures for one user: none below the budget, then doubling to the ceiling.</summary>
    private TimeSpan Backoff(int failures)
    {
        var over = failures - _limits.FailuresPerUser;
        if (over < 0)
        {
            return TimeSpan.Zero;
        }

        // 2^20 times any sane initial backoff is past any sane ceiling; the cap keeps the arithmetic finite.
        var doubled = _limits.UserBackoff * Math.Pow(2, Math.Min(over, 20));
        return doubled < _limits.MaxUserBackoff ? doubled : _limits.MaxUserBackoff;
    }

    /// <summary>Failures counted in a fixed window that ends at <see cref="Ends"/>.</summary>
    private readonly record struct FailureWindow(int Failures, DateTimeOffset Ends);

    /// <summary>Failures for one user and when the last one was.</summary>
    private readonly record struct UserFailures(int Failures, DateTimeOffset Last);
}
