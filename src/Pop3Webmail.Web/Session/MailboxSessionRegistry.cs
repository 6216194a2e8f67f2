using System.Collections.Concurrent;
using System.Security.Cryptography;
using Pop3Webmail.Web.Session.Visit;

namespace Pop3Webmail.Web.Session;

/// <summary>How looking up a resume handle came out.</summary>
internal enum ResumeLookup
{
    Found,

    /// <summary>The visit ended (its grace period ran out, or it was signed out or taken over).</summary>
    Ended,

    /// <summary>The handle was issued by an earlier run of the app (or another instance): the app restarted.</summary>
    ServerRestarted,
}

/// <summary>
/// Every open visit of this app instance, by mailbox and by resume handle. It lets a new sign-in take a mailbox over
/// from an older tab once the new sign-in has proven the password (so users never meet an [IN-USE] lock held by this
/// very app, RFC 2449 §8.1.1), lets a reloaded tab take its visit back, and ends every visit when the app stops.
/// </summary>
public sealed partial class MailboxSessionRegistry : IDisposable
{
    private static readonly TimeSpan ShutdownBudget = TimeSpan.FromSeconds(10);
    private readonly ConcurrentDictionary<string, MailboxVisit> _holders = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, MailboxVisit> _handles = new(StringComparer.Ordinal);
    private readonly CancellationTokenRegistration _stopping;
    private readonly ILogger<MailboxSessionRegistry> _logger;

    public MailboxSessionRegistry(IHostApplicationLifetime lifetime, ILogger<MailboxSessionRegistry> logger)
    {
        ArgumentNullException.ThrowIfNull(lifetime);
        _logger = logger;

        // The callback may block: the host waits for ApplicationStopping callbacks before it tears services down.
        _stopping = lifetime.ApplicationStopping.Register(() => StopAllAsync().Wait(ShutdownBudget));
    }

    /// <summary>Random per run of the app; resume handles carry it, so a handle from before a restart is recognised as such.</summary>
    internal string InstanceId { get; } = Convert.ToHexString(RandomNumberGenerator.GetBytes(8));

    /// <summary>Open visits.</summary>
    public int Count => _holders.Count;

    /// <summary>The visit that holds a mailbox, or null.</summary>
    internal MailboxVisit? Find(string mailboxKey) => _holders.GetValueOrDefault(mailboxKey);

    /// <summary>
    /// Registers <paramref name="visit"/> as the holder of its mailbox and returns the previous holder, which the caller
    /// ends (a take-over). Call only after the new sign-in authenticated.
    /// </summary>
    internal MailboxVisit? Claim(MailboxVisit visit)
    {
        ArgumentNullException.ThrowIfNull(visit);
        var key = visit.Credentials.MailboxKey;
        MailboxVisit? previous = null;
        _holders.AddOrUpdate(key, visit, (_, existing) =>
        {
            previous = existing;
            return visit;
        });
        visit.Ended += (_, _) => Forget(visit);
        if (previous is not null && !ReferenceEquals(previous, visit))
        {
            LogTakeOver();
            return previous;
        }

        return null;
    }

    /// <summary>Forgets a visit that never got going (its sign-in failed after the claim).</summary>
    internal void Forget(MailboxVisit visit)
    {
        ArgumentNullException.ThrowIfNull(visit);
        _holders.TryRemove(new KeyValuePair<string, MailboxVisit>(visit.Credentials.MailboxKey, visit));
        foreach (var (handle, held) in _handles)
        {
            if (ReferenceEquals(held, visit))
            {
                _handles.TryRemove(handle, out _);
            }
        }
    }

    /// <summary>A new opaque handle a reloaded tab can take <paramref name="visit"/> back with (never a credential).</summary>
    internal string IssueResumeHandle(MailboxVisit visit)
    {
        ArgumentNullException.ThrowIfNull(visit);
        var handle = InstanceId + "." + System.Buffers.Text.Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));
        _handles[handle] = visit;
        return handle;
    }

    /// <summary>Finds the visit a resume handle names.</summary>
    internal ResumeLookup Lookup(string handle, out MailboxVisit? visit)
    {
        ArgumentNullException.ThrowIfNull(handle);
        visit = null;
        if (!handle.StartsWith(InstanceId + ".", StringComparison.Ordinal))
        {
            return ResumeLookup.ServerRestarted;
        }

        if (_handles.TryGetValue(handle, out var found) && !found.IsEnded)
        {
            visit = found;
            return ResumeLookup.Found;
        }

        return ResumeLookup.Ended;
    }

    /// <summary>
    /// Ends every visit because the app is stopping. The user did not choose this end, so pending deletions are kept
    /// (RSET before QUIT) and the maildrop locks are released at once.
    /// </summary>
    public async Task StopAllAsync()
    {
        var visits = _holders.Values.Distinct().ToArray();
        if (visits.Length > 0)
        {
            LogStopping(visits.Length);
        }

        await Task.WhenAll(visits.Select(v => v.EndAsync(SignOutReason.ApplicationStopping)));
    }

    public void Dispose() => _stopping.Dispose();

    [LoggerMessage(EventId = 100, Level = LogLevel.Information, Message = "A new sign-in takes over a mailbox that another tab held")]
    private partial void LogTakeOver();

    [LoggerMessage(EventId = 101, Level = LogLevel.Information, Message = "Application stopping: ending {Count} mailbox visits")]
    private partial void LogStopping(int count);
}
