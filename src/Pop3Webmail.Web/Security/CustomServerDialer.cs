using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Options;
using Pop3Webmail.Web.Configuration;

namespace Pop3Webmail.Web.Security;

/// <summary>
/// Opens the TCP connection to a server a user typed (the login form's "other server"). The address is resolved
/// once and checked against <see cref="ServerAddressPolicy"/>, and that address, never the name again, is dialled
/// (no DNS rebinding). Every failure looks the same to the user: one exception type and message, reported no sooner
/// than <see cref="FailureFloor"/> after the attempt began, so neither the answer nor its timing tells "refused by
/// policy" (the name exists inside this network) from "no such host" or "connection refused".
/// </summary>
public sealed class CustomServerDialer
{
    /// <summary>Longer than a policy refusal, a DNS miss or a refused connection usually take.</summary>
    public static readonly TimeSpan DefaultFailureFloor = TimeSpan.FromSeconds(3);

    public static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(20);

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
    /// A connected stream to <paramref name="host"/>:<paramref name="port"/>, or <see cref="CustomServerUnreachableException"/>.
    /// Cancellation by the caller is passed on as such, at once.
    /// </summary>
    public async Task<Stream> ConnectAsync(string host, int port, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(host);
        var started = _timeProvider.GetTimestamp();
        try
        {
            var address = await ServerAddressPolicy.ResolveAsync(host, _allowPrivateNetworks, cancellationToken);
            return await DialAsync(address, port, cancellationToken);
        }
        catch (Exception ex) when (ex is SocketException or UnauthorizedAccessException or IOException
            || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            var remaining = FailureFloor - _timeProvider.GetElapsedTime(started);
            if (remaining > TimeSpan.Zero)
            {
                await Task.Delay(remaining, _timeProvider, cancellationToken);
            }

            throw new CustomServerUnreachableException(ex);
        }
    }

    private async Task<Stream> DialAsync(IPAddress address, int port, CancellationToken cancellationToken)
    {
        var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            using var timeout = new CancellationTokenSource(ConnectTimeout, _timeProvider);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
            await socket.ConnectAsync(address, port, linked.Token);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
