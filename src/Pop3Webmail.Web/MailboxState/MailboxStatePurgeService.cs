using Microsoft.Extensions.Options;
using Pop3Webmail.Web.Configuration;

namespace Pop3Webmail.Web.MailboxState;

/// <summary>
/// Applies <c>Mail:State:RetentionDays</c>: purges mailboxes not visited for that long every <see cref="Interval"/>, on
/// <see cref="TimeProvider"/>. Does nothing when the store is off or retention is 0. A failing
/// store is logged (by the store) and tried again at the next round. Several app instances may purge at once.
/// </summary>
internal sealed partial class MailboxStatePurgeService(
    MailboxStateStore store, IOptions<MailOptions> options, TimeProvider time, ILogger<MailboxStatePurgeService> logger) : BackgroundService
{
    /// <summary>Retention is counted in days; hourly rounds keep a purge late by an hour at most.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromHours(1);

    private PeriodicTimer? _timer;

    /// <summary>
    /// Starts the clock here rather than in <see cref="ExecuteAsync"/>, which runs in the background: the first round is
    /// due one <see cref="Interval"/> after this call, however late the background task gets going.
    /// </summary>
    public override Task StartAsync(CancellationToken cancellationToken)
    {
        var mail = options.Value;
        if (mail.RememberMailbox && mail.State.RetentionDays > 0)
        {
            _timer = new PeriodicTimer(Interval, time);
        }

        return base.StartAsync(cancellationToken);
    }

    public override void Dispose()
    {
        _timer?.Dispose();
        base.Dispose();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // No round at startup: starting the app must not create the store (its folder, file and secret appear at the
        // first sign-in).
        if (_timer is null)
        {
            return;
        }

        while (await _timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                var purged = await store.PurgeExpiredAsync(stoppingToken);
                LogPurged(logger, purged, options.Value.State.RetentionDays);
            }
            catch (MailboxStateUnavailableException)
            {
                // Already logged by the store; the next round tries again.
            }
        }
    }

    [LoggerMessage(EventId = 605, Level = LogLevel.Information, Message = "Purged {Count} remembered mailboxes not visited for {Days} days")]
    private static partial void LogPurged(ILogger logger, int count, int days);
}
