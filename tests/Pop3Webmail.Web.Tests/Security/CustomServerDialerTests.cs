using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Time.Testing;
using Pop3Webmail.Pop3;
using Pop3Webmail.Web.Security;

namespace Pop3Webmail.Web.Tests.Security;

/// <summary>
/// A user-typed server: reachable ones connect; for every other one the login form learns the same thing, at the
/// same time, whether the address was refused by policy, did not resolve or refused the connection.
/// </summary>
public sealed class CustomServerDialerTests
{
    [Fact]
    public async Task AnAllowedServerIsConnectedToByTheAddressThatPassedThePolicy()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var dialer = new CustomServerDialer(allowPrivateNetworks: true, TimeProvider.System, failureFloor: TimeSpan.Zero);
        await using var client = new Pop3Client(new Pop3ClientOptions { Security = Pop3Security.None });

        var connecting = dialer.ConnectAsync(client, "127.0.0.1", Port(listener), TestContext.Current.CancellationToken);
        using var accepted = await listener.AcceptTcpClientAsync(TestContext.Current.CancellationToken);
        await using var server = accepted.GetStream();
        await server.WriteAsync("+OK ready\r\n"u8.ToArray(), TestContext.Current.CancellationToken);
        await server.ReadAtLeastAsync(new byte[64], "CAPA\r\n".Length, throwOnEndOfStream: true, TestContext.Current.CancellationToken);
        await server.WriteAsync("-ERR no CAPA here\r\n"u8.ToArray(), TestContext.Current.CancellationToken);
        await connecting;

        Assert.True(client.IsConnected);
        Assert.Equal(IPAddress.Loopback, ((IPEndPoint)accepted.Client.RemoteEndPoint!).Address);
    }

    [Fact]
    public async Task RefusedByPolicyNoSuchHostAndConnectionRefusedAreTheSameFailure()
    {
        var closedPort = ClosedPort();
        var strict = new CustomServerDialer(allowPrivateNetworks: false, TimeProvider.System, failureFloor: TimeSpan.Zero);
        var lenient = new CustomServerDialer(allowPrivateNetworks: true, TimeProvider.System, failureFloor: TimeSpan.Zero);

        var refusedByPolicy = await Assert.ThrowsAsync<CustomServerUnreachableException>(
            () => strict.ConnectAsync(new Pop3Client(), "127.0.0.1", closedPort, TestContext.Current.CancellationToken));
        var internalName = await Assert.ThrowsAsync<CustomServerUnreachableException>(
            () => strict.ConnectAsync(new Pop3Client(), "localhost", closedPort, TestContext.Current.CancellationToken));
        var noSuchHost = await Assert.ThrowsAsync<CustomServerUnreachableException>(
            () => strict.ConnectAsync(new Pop3Client(), "no-such-host.invalid", 995, TestContext.Current.CancellationToken));
        var connectionRefused = await Assert.ThrowsAsync<CustomServerUnreachableException>(
            () => lenient.ConnectAsync(new Pop3Client(), "127.0.0.1", closedPort, TestContext.Current.CancellationToken));

        // The causes differ (and stay in the operator's log); what reaches the user does not.
        Assert.IsType<UnauthorizedAccessException>(refusedByPolicy.InnerException);
        Assert.IsType<UnauthorizedAccessException>(internalName.InnerException);
        Assert.IsAssignableFrom<SocketException>(noSuchHost.InnerException);
        Assert.Equal(SocketError.ConnectionRefused, Assert.IsAssignableFrom<SocketException>(connectionRefused.InnerException).SocketErrorCode);
        Assert.Single(new[] { refusedByPolicy, internalName, noSuchHost, connectionRefused }.Select(e => e.Message).Distinct());
    }

    [Fact]
    public async Task AFailureIsReportedNoSoonerThanTheFloor()
    {
        var time = new FakeTimeProvider();
        var dialer = new CustomServerDialer(allowPrivateNetworks: false, time, CustomServerDialer.DefaultFailureFloor);

        // A policy refusal of a literal address is decided at once, without a DNS lookup.
        var attempt = dialer.ConnectAsync(new Pop3Client(), "10.1.2.3", 995, TestContext.Current.CancellationToken);
        var pendingAtStart = !attempt.IsCompleted;
        time.Advance(CustomServerDialer.DefaultFailureFloor - TimeSpan.FromMilliseconds(1));
        var pendingJustBefore = !attempt.IsCompleted;
        time.Advance(TimeSpan.FromMilliseconds(1));

        await Assert.ThrowsAsync<CustomServerUnreachableException>(() => attempt);
        Assert.True(pendingAtStart);
        Assert.True(pendingJustBefore);
    }

    [Fact]
    public async Task CancellationByTheCallerIsPassedOnAtOnceAndNotDisguised()
    {
        var dialer = new CustomServerDialer(allowPrivateNetworks: false, new FakeTimeProvider(), CustomServerDialer.DefaultFailureFloor);
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => dialer.ConnectAsync(new Pop3Client(), "pop.example.test", 995, cancelled.Token));
    }

    private static int Port(TcpListener listener) => ((IPEndPoint)listener.LocalEndpoint).Port;

    private static int ClosedPort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = Port(probe);
        probe.Stop();
        return port;
    }
}
