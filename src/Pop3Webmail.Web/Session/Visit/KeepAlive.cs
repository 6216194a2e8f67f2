using Pop3Webmail.Web.Scheduling;
using Pop3Webmail.Web.Session.Wire;

namespace Pop3Webmail.Web.Session.Visit;

/// <summary>
/// NOOP once the connection has been silent for the interval, so the server's autologout timer (at least 10 minutes,
/// RFC 1939 §3) never fires while the user reads. It never queues behind a command: a busy wire is not silent.
/// </summary>
internal sealed partial class KeepAlive : IDisposable
{
    private readonly MailboxWire _wire;
    private readonly TimeSpan _interval;
    private readonly CancellationToken _lifetime;
    private readonly ILogger _logger;
    private readonly ITimer _timer;

    public KeepAlive(MailboxWire wire, TimeSpan interval, TimeProvider time, ILogger logger, CancellationToken lifetime)
    {
        _wire = wire;
        _interval = interval;
        _logger = logger;
        _lifetime = lifetime;
        _timer = time.CreateTimer(static state => ((KeepAlive)state!).OnDue(), this, interval, Timeout.InfiniteTimeSpan);
    }

    /// <summary>The most recent round, for tests.</summary>
    public Task Completion { get; private set; } = Task.CompletedTask;

    public void Dispose() => _timer.Dispose();

    private void OnDue()
    {
        if (!_lifetime.IsCancellationRequested)
        {
            Completion = RunAsync();
        }
    }

    private async Task RunAsync()
    {
        var next = _interval;
        var silence = _wire.Silence;
        if (silence < _interval)
        {
            next = _interval - silence;
        }
        else if (_wire.TryAcquire() is { } lease)
        {
            using (lease)
            {
                try
                {
                    await lease.RunAsync(async (client, ct) =>
                    {
                        await client.NoopAsync(ct);
                        return true;
                    }, retryAfterReconnect: true, _lifetime, MailWorkPriority.KeepAlive);
                    LogSent();
                }
                catch (OperationCanceledException) when (_lifetime.IsCancellationRequested)
                {
                    return;
                }
                catch (MailboxException ex)
                {
                    LogFailed(ex.Kind);
                }
            }
        }

        if (!_lifetime.IsCancellationRequested)
        {
            try
            {
                _timer.Change(next, Timeout.InfiniteTimeSpan);
            }
            catch (ObjectDisposedException)
            {
                // The visit ended meanwhile.
            }
        }
    }

    [LoggerMessage(EventId = 240, Level = LogLevel.Debug, Message = "Keep-alive NOOP sent")]
    private partial void LogSent();

    [LoggerMessage(EventId = 241, Level = LogLevel.Warning, Message = "Keep-alive failed ({Kind})")]
    private partial void LogFailed(MailboxErrorKind kind);
}
