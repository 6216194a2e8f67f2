using Pop3Webmail.Testing;

namespace Pop3Webmail.Pop3.Tests.Integration;

/// <summary>
/// The fixture's own promises that later tests build on (restart for reconnect tests, session counting, cleanup),
/// and what the client does when the server goes away under it. Uses a server of its own, so restarting it
/// disturbs no other test.
/// </summary>
public sealed class DovecotServerTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task RestartCutsOpenSessionsAndServesAgainOnTheSamePorts()
    {
        RealServers.RequireDovecot();
        var user = new DovecotUser("restart", "restart-secret", new MailboxBuilder().Add(MessageFactory.Plain("Hi", "Hello.", DateTimeOffset.UnixEpoch)));
        await using var server = await DovecotServer.StartAsync(new DovecotServerOptions { Users = [user] }, Ct);
        var options = new Pop3ClientOptions { CertificateThumbprint = server.CertificateThumbprint };
        var (port, tlsPort) = (server.Port, server.TlsPort);
        await using var before = new Pop3Client(options);
        await before.ConnectAsync(server.Host, server.TlsPort, Ct);
        await before.AuthenticateAsync(user.Name, user.Password, Ct);
        await server.WaitForPop3SessionCountAsync(1, user.Name, cancellationToken: Ct);

        await server.RestartAsync(Ct);

        Assert.Equal((port, tlsPort), (server.Port, server.TlsPort));
        Assert.Equal(0, server.CountPop3Sessions(user.Name));
        // Dovecot may get its parting "-ERR [SYS/TEMP] Server shutting down." out before the connection drops; the
        // client cannot tell that from a reply to STAT, but the next command finds the connection gone either way.
        var error = await Assert.ThrowsAnyAsync<Pop3Exception>(() => before.StatAsync(Ct));
        if (error is Pop3CommandException notice)
        {
            Assert.Equal(Pop3ResponseCodeKind.SysTemp, notice.ResponseCode.Kind);
            await Assert.ThrowsAnyAsync<Pop3ProtocolException>(() => before.NoopAsync(Ct));
        }

        Assert.False(before.IsConnected);

        await using var after = new Pop3Client(options);
        await after.ConnectAsync(server.Host, server.TlsPort, Ct);
        await after.AuthenticateAsync(user.Name, user.Password, Ct);
        Assert.Equal(1, (await after.StatAsync(Ct)).MessageCount);
        await after.QuitAsync(Ct);
    }

    [Fact]
    public async Task DisposeStopsTheMasterAndRemovesItsFolder()
    {
        RealServers.RequireDovecot();
        var server = await DovecotServer.StartAsync(new DovecotServerOptions(), Ct);
        var master = server.ProcessId;
        Assert.NotNull(master);
        Assert.True(Directory.Exists($"/proc/{master}"));

        await server.DisposeAsync();

        Assert.False(server.IsRunning);
        Assert.False(Directory.Exists($"/proc/{master}"));
        Assert.False(Directory.Exists(server.RootDirectory));
    }
}
