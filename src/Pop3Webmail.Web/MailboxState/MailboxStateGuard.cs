using System.Data.Common;

namespace Pop3Webmail.Web.MailboxState;

/// <summary>
/// Runs store operations so that a failing store can only cost a visit its memory, never the sign-in: each operation
/// gets <c>Mail:State:Timeout</c>, every expected failure becomes <see cref="MailboxStateUnavailableException"/>, and after
/// a failure new visits skip the store for <see cref="RetryAfterFailure"/> instead of each waiting out the timeout.
/// </summary>
internal sealed partial class MailboxStateGuard(TimeSpan timeout, TimeProvider time, ILogger logger)
{
    public static readonly TimeSpan RetryAfterFailure = TimeSpan.FromSeconds(30);

    private long _retryAtUtcTicks;

    /// <summary>Throws while the store is resting after a failure.</summary>
    public void ThrowIfResting()
    {
        var retryAt = new DateTimeOffset(Interlocked.Read(ref _retryAtUtcTicks), TimeSpan.Zero);
        if (time.GetUtcNow() < retryAt)
        {
            throw new MailboxStateUnavailableException($"The mailbox state store failed recently; it is tried again from {retryAt:O}.");
        }
    }

    public async Task<T> RunAsync<T>(string action, Func<CancellationToken, Task<T>> operation, CancellationToken cancellationToken)
    {
        using var deadline = new CancellationTokenSource(timeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
        try
        {
            return await operation(linked.Token);
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested && deadline.IsCancellationRequested)
        {
            throw Failed(action, new MailboxStateUnavailableException($"The mailbox state store took longer than {timeout} to {action}.", ex));
        }
        catch (MailboxStateUnavailableException ex)
        {
            Failed(action, ex);
            throw;
        }
        catch (Exception ex) when (ex is DbException or IOException or UnauthorizedAccessException or TimeoutException or ObjectDisposedException)
        {
            // ObjectDisposedException: the store was shut down (application stopping) while a visit still used it.
            throw Failed(action, new MailboxStateUnavailableException($"The mailbox state store could not {action}: {ex.Message}", ex));
        }
    }

    private MailboxStateUnavailableException Failed(string action, MailboxStateUnavailableException exception)
    {
        var retryAt = time.GetUtcNow() + RetryAfterFailure;
        Interlocked.Exchange(ref _retryAtUtcTicks, retryAt.UtcTicks);
        LogUnavailable(logger, exception, action, retryAt);
        return exception;
    }

    [LoggerMessage(EventId = 600, Level = LogLevel.Warning, Message = "Mailbox state store unavailable ({Action}); sign-ins go on without remembered state until {RetryAt:O}")]
    private static partial void LogUnavailable(ILogger logger, Exception exception, string action, DateTimeOffset retryAt);
}
