using System.Collections.Concurrent;

namespace Pop3Webmail.Web.Session;

/// <summary>
/// Every open mailbox session of this app, by mailbox. It lets a new sign-in take a mailbox over from an older tab
/// (so users never meet an [IN-USE] lock held by this very app, RFC 2449 §8.1.1) and QUITs every session when the
/// app stops, so pending deletions are committed and server locks released.
/// </summary>
public sealed partial class MailboxSessionRegistry : IDisposable
{
    private static readonly TimeSpan ShutdownBudget = TimeSpan.FromSeconds(10);
    private readonly ConcurrentDictionary<string, MailboxSession> _sessions = new(StringComparer.Ordinal);
    private readonly CancellationTokenRegistration _stopping;
    private readonly ILogger<MailboxSessionRegistry> _logger;

    public MailboxSessionRegistry(IHostApplicationLifetime lifetime, ILogger<MailboxSessionRegistry> logger)
    {
        ArgumentNullException.ThrowIfNull(lifetime);
        _logger = logger;

        // The callback may block: the host waits for ApplicationStopping callbacks before it tears services down.
        _stopping = lifetime.ApplicationStopping.Register(() => StopAllAsync().Wait(ShutdownBudget));
    }

    public int Count => _sessions.Count;

    public static string MailboxKey(string serverId, string userName) => serverId + "\n" + userName.ToUpperInvariant();

    /// <summary>Registers <paramref name="session"/> for the mailbox, ending any other session that holds it first.</summary>
    public async Task ClaimAsync(string mailboxKey, MailboxSession session)
    {
        while (!_sessions.TryAdd(mailboxKey, session))
        {
            if (_sessions.TryGetValue(mailboxKey, out var holder))
            {
                if (ReferenceEquals(holder, session))
                {
                    return;
                }

                LogTakeOver();
                await holder.EndAsync(SignOutReason.TakenOver);
                _sessions.TryRemove(new KeyValuePair<string, MailboxSession>(mailboxKey, holder));
            }
        }
    }

    public void Release(string mailboxKey, MailboxSession session) =>
        _sessions.TryRemove(new KeyValuePair<string, MailboxSession>(mailboxKey, session));

    public async Task StopAllAsync()
    {
        var sessions = _sessions.Values.ToArray();
        if (sessions.Length > 0)
        {
            LogStopping(sessions.Length);
        }

        await Task.WhenAll(sessions.Select(s => s.EndAsync(SignOutReason.ApplicationStopping)));
    }

    public void Dispose() => _stopping.Dispose();

    [LoggerMessage(EventId = 100, Level = LogLevel.Information, Message = "A new sign-in takes over a mailbox that another tab held")]
    private partial void LogTakeOver();

    [LoggerMessage(EventId = 101, Level = LogLevel.Information, Message = "Application stopping: ending {Count} mailbox sessions with QUIT")]
    private partial void LogStopping(int count);
}
