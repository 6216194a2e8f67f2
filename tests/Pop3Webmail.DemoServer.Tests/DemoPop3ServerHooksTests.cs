using Pop3Webmail.DemoServer.Tests.TestSupport;
using Pop3Webmail.Pop3;

namespace Pop3Webmail.DemoServer.Tests;

/// <summary>
/// The hooks model-based tests drive the demo server with: in-memory connections, another client's deletions, a cut
/// network, and servers that lack UIDL or get it wrong.
/// </summary>
public sealed class DemoPop3ServerHooksTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AnInMemoryConnectionIsServedLikeASocket()
    {
        await using var server = DemoPop3Server.Start();
        await using var client = new Pop3Client(DemoClient.Options);

        await client.ConnectAsync(server.ConnectInMemory(), "demo.invalid", Ct);
        await client.AuthenticateAsync(DemoPop3Server.DemoUserName, DemoPop3Server.DemoPassword, Ct);
        var stat = await client.StatAsync(Ct);
        await client.QuitAsync(Ct);

        Assert.Equal(new Pop3Statistics(DemoMailbox.Sample.Messages.Count, DemoMailbox.Sample.Size), stat);
        Assert.Equal(DemoPop3SessionEnd.Quit, await server.Sessions.Single().Completion.WaitAsync(TimeSpan.FromSeconds(15), Ct));
        Assert.Null(server.Sessions.Single().RemoteEndPoint);
    }

    [Fact]
    public async Task ClosingTheClientEndOfAnInMemoryConnectionEndsTheSessionWithoutCommitting()
    {
        await using var server = DemoPop3Server.Start();
        var client = new Pop3Client(DemoClient.Options);
        await client.ConnectAsync(server.ConnectInMemory(), "demo.invalid", Ct);
        await client.AuthenticateAsync(DemoPop3Server.DemoUserName, DemoPop3Server.DemoPassword, Ct);
        await client.DeleteAsync(1, Ct);

        await client.DisposeAsync();

        Assert.Equal(DemoPop3SessionEnd.ClientDisconnected, await server.Sessions.Single().Completion.WaitAsync(TimeSpan.FromSeconds(15), Ct));
        Assert.Equal(DemoMailbox.Sample.Messages.Count, server.GetMessages(DemoPop3Server.DemoUserName).Count);
    }

    [Fact]
    public async Task ExpungeRemovesMessagesForTheNextLoginOnly()
    {
        await using var server = DemoPop3Server.Start();
        await using var before = await DemoClient.LoginAsync(server);
        var doomed = server.GetMessages(DemoPop3Server.DemoUserName)[0].Uid;

        var removed = server.Expunge(DemoPop3Server.DemoUserName, [doomed, "no-such-uid"]);
        var seenBefore = await before.UidlAsync(Ct);
        await before.QuitAsync(Ct);
        await using var after = await DemoClient.LoginAsync(server);
        var seenAfter = await after.UidlAsync(Ct);

        Assert.Equal(1, removed);
        Assert.Contains(seenBefore, u => u.Uid == doomed);
        Assert.DoesNotContain(seenAfter, u => u.Uid == doomed);
    }

    [Fact]
    public async Task DisconnectCutsTheUsersOpenSessionsAndCommitsNothing()
    {
        await using var server = DemoPop3Server.Start();
        await using var client = await DemoClient.LoginAsync(server);
        await client.DeleteAsync(1, Ct);

        var cut = server.Disconnect(DemoPop3Server.DemoUserName);

        Assert.Equal(1, cut);
        Assert.Equal(DemoPop3SessionEnd.FaultInjected, await server.Sessions.Single().Completion.WaitAsync(TimeSpan.FromSeconds(15), Ct));
        await Assert.ThrowsAnyAsync<Pop3ProtocolException>(() => client.NoopAsync(Ct));
        Assert.Equal(DemoMailbox.Sample.Messages.Count, server.GetMessages(DemoPop3Server.DemoUserName).Count);
        Assert.Equal(0, server.Disconnect(DemoPop3Server.DemoUserName));
    }

    [Fact]
    public async Task AnAccountWithoutUidlNeitherAdvertisesNorAnswersIt()
    {
        await using var server = DemoPop3Server.Start(new DemoPop3ServerOptions
        {
            Accounts = [new DemoPop3Account("old", "old-secret", DemoMailbox.Sample) { Uidl = DemoUidlMode.None }],
        });
        await using var client = await DemoClient.LoginAsync(server, "old", "old-secret");

        var refused = await Assert.ThrowsAsync<Pop3CommandException>(() => client.UidlAsync(Ct));

        Assert.False(client.Capabilities.Uidl);
        Assert.Equal("UIDL", refused.Command);
        Assert.NotEmpty(await client.ListAsync(Ct));
    }

    [Fact]
    public async Task AnAccountWithCollidingUidlsRepeatsThem()
    {
        await using var server = DemoPop3Server.Start(new DemoPop3ServerOptions
        {
            Accounts = [new DemoPop3Account("broken", "broken-secret", DemoMailbox.Sample) { Uidl = DemoUidlMode.Colliding }],
        });
        await using var client = await DemoClient.LoginAsync(server, "broken", "broken-secret");

        var uids = await client.UidlAsync(Ct);

        Assert.Equal(DemoMailbox.Sample.Messages.Count, uids.Count);
        Assert.All(uids, u => Assert.Single(u.Uid));
        Assert.True(uids.Select(u => u.Uid).Distinct().Count() < uids.Count, "22 one-digit ids must repeat");
    }
}
