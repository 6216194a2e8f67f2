using System.Collections.Concurrent;
using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using Pop3Webmail.Web.Configuration;
using Pop3Webmail.Web.Session;

namespace Pop3Webmail.Web.Downloads;

/// <summary>One issued download: who may redeem it, for what, until when.</summary>
public sealed record DownloadTicket(IDownloadSource Owner, string BrowserKey, DownloadTarget Target, DateTimeOffset Expires);

/// <summary>
/// Download links for attachments and raw messages. A link is an unguessable 256-bit token that works once, for
/// a short time, only from the browser tab's binding cookie and only while the visit that issued it lasts (its links
/// are revoked when it ends). Bytes then stream over plain HTTP instead of through the circuit.
/// </summary>
public sealed class DownloadTokenStore
{
    private readonly ConcurrentDictionary<string, DownloadTicket> _tickets = new(StringComparer.Ordinal);
    private readonly TimeProvider _timeProvider;
    private readonly TimeSpan _lifetime;

    public DownloadTokenStore(TimeProvider timeProvider, IOptions<MailOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _timeProvider = timeProvider;
        _lifetime = options.Value.DownloadLinkLifetime;
    }

    public string Issue(IDownloadSource owner, string browserKey, DownloadTarget target)
    {
        PurgeExpired();
        var token = System.Buffers.Text.Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));
        _tickets[token] = new DownloadTicket(owner, browserKey, target, _timeProvider.GetUtcNow() + _lifetime);
        return token;
    }

    /// <summary>Takes the ticket out of the store (one use), or null when unknown or expired.</summary>
    public DownloadTicket? Redeem(string token)
    {
        if (string.IsNullOrEmpty(token) || !_tickets.TryRemove(token, out var ticket))
        {
            return null;
        }

        return ticket.Expires > _timeProvider.GetUtcNow() ? ticket : null;
    }

    /// <summary>Forgets every link a visit issued (it ended).</summary>
    public void RevokeAll(IDownloadSource owner)
    {
        foreach (var (token, ticket) in _tickets)
        {
            if (ReferenceEquals(ticket.Owner, owner))
            {
                _tickets.TryRemove(token, out _);
            }
        }
    }

    private void PurgeExpired()
    {
        var now = _timeProvider.GetUtcNow();
        foreach (var (token, ticket) in _tickets)
        {
            if (ticket.Expires <= now)
            {
                _tickets.TryRemove(token, out _);
            }
        }
    }
}
