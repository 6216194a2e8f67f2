using System.Net.Sockets;
using Microsoft.Extensions.Options;
using Pop3Webmail.Pop3;
using Pop3Webmail.Web.Configuration;

namespace Pop3Webmail.Web.Security;

/// <summary>
/// Connects to a server a user typed (the login form's "other server"). The address is resolved once and checked
/// against <see cref="ServerAddressPolicy"/>, and that address, never the name again, is dialled (no DNS rebinding)
/// through the POP3 client's own connect path. Every failure looks the same to the user: one exception type and message, reported no sooner
/// than <see cref="FailureFloor"/> after the attempt began, so neither the answer nor its timing tells "refused by
/// policy" (the name exists inside this network) from "no such host" or "connection refused".
/// </summary>
public sealed class CustomServerDialer
{
    /// <summary>Longer than a policy refusal, a DNS miss or a refused connection usually take.</summary>
    public static readonly TimeSpan DefaultFailureFloor = TimeSpan.FromSeconds(3);

    private readonly bool _allowPrivateNetworks;
    private readonly TimeProvider _timeProvider;

    public CustomServerDialer(IOptions<MailOptions> options, TimeProvider timeProvider)
        : this((options ?? throw new ArgumentNullException(nameof(options))).Value.AllowPrivateNetworks, timeProvider, DefaultFailureFloor)
    {
    }

    internal CustomServerDialer(bool allowPrivateNetworks, TimeProvider timeProvider, TimeSpan failureFloor)
    {
        ArgumentNullException.ThrowIfNull(timeProvider);
        _allowPrivateNetworks = allowPrivateNetworks;
        _timeProvider = timeProvider;
        FailureFloor = failureFloor;
    }

    /// <summary>The shortest time a failed attempt takes to report.</summary>
    public TimeSpan FailureFloor { get; }

    /// <summary>
    /// Connects <paramref name="client"/> to <paramref name="host"/>:<paramref name="port"/> by the checked address (the
    /// client's own connect path, with <paramref name="host"/> for TLS), or throws <see cref="CustomServerUnreachableException"/>
    /// when the address is refused, does not resolve or does not accept the connection. Cancellation by the caller is
    /// passed on as such, at once.
    /// </summary>
    public async Task ConnectAsync(Pop3Client client, string host, int port, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentException.ThrowIfNullOrWhiteSpace(host);
        var started = _timeProvider.GetTimestamp();
        try
        {
            var address = await ServerAddressPolicy.ResolveAsync(host, _allowPrivateNetworks, cancellationToken);
            await client.ConnectAsync(address, port, host, cancellationToken);
        }
        catch (Exception ex) when (IsUnreachable(ex, cancellationToken))
        {
            var remaining = FailureFloor - _timeProvider.GetElapsedTime(started);
            if (remaining > TimeSpan.Zero)
            {
                await Task.Delay(remaining, _timeProvider, cancellationToken);
            }

            throw new CustomServerUnreachableException(ex is Pop3ProtocolException { InnerException: SocketException socket } ? socket : ex);
        }
    }

    /// <summary>Failures before a POP3 server has answered at all: the ones a prober must not tell apart.</summary>
    private static bool IsUnreachable(Exception exception, CancellationToken cancellationToken) =>
        exception is SocketException or UnauthorizedAccessException or IOException
        || exception is Pop3ProtocolException { InnerException: SocketException }
        || (exception is OperationCanceledException && !cancellationToken.IsCancellationRequested);
}
