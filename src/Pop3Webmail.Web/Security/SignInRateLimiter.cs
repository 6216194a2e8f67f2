using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;
using Pop3Webmail.Web.Configuration;

namespace Pop3Webmail.Web.Security;

/// <summary>
/// Brute-force brake on sign-in: a fixed window of attempts per client address and per mailbox. Every attempt
/// counts, because a password guesser learns as much from a success as from a failure.
/// </summary>
public sealed class SignInRateLimiter : IDisposable
{
    private readonly PartitionedRateLimiter<string> _perClient;
    private readonly PartitionedRateLimiter<string> _perUser;

    public SignInRateLimiter(IOptions<MailOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var limits = options.Value.RateLimits;
        _perClient = Create(limits.AttemptsPerClient, limits.Window);
        _perUser = Create(limits.AttemptsPerUser, limits.Window);
    }

    /// <summary>Takes one attempt from both budgets; returns how long to wait when either is spent, else null.</summary>
    public TimeSpan? TryAcquire(string clientAddress, string serverId, string userName)
    {
        ArgumentNullException.ThrowIfNull(clientAddress);
        ArgumentNullException.ThrowIfNull(userName);
        using var client = _perClient.AttemptAcquire(clientAddress);
        if (!client.IsAcquired)
        {
            return RetryAfter(client);
        }

        using var user = _perUser.AttemptAcquire(serverId + "\n" + userName.ToUpperInvariant());
        return user.IsAcquired ? null : RetryAfter(user);
    }

    public void Dispose()
    {
        _perClient.Dispose();
        _perUser.Dispose();
    }

    private static TimeSpan RetryAfter(RateLimitLease lease) =>
        lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) && retryAfter > TimeSpan.Zero
            ? retryAfter
            : TimeSpan.FromSeconds(1);

    private static PartitionedRateLimiter<string> Create(int permits, TimeSpan window) =>
        PartitionedRateLimiter.Create<string, string>(key => RateLimitPartition.GetFixedWindowLimiter(key, _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = permits,
            Window = window,
            QueueLimit = 0,
            AutoReplenishment = true,
        }));
}
