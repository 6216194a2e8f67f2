using System.Text;
using Microsoft.Extensions.Time.Testing;
using Pop3Webmail.DemoServer.Tests.TestSupport;
using Pop3Webmail.Pop3;

namespace Pop3Webmail.DemoServer.Tests;

/// <summary>Each fault does what its documentation promises, observed without sleeping.</summary>
public sealed class DemoPop3FaultsTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static DemoMailbox Sample => DemoMailbox.Sample;

    private static int LargestMessageNumber =>
        Sample.Messages.Select(static (m, i) => (m.Size, Number: i + 1)).Max().Number;

    [Theory]
    [InlineData(0)]
    [InlineData(10)]
    public async Task DropAfterBytesSentCanCutTheGreeting(long limit)
    {
        await using var server = DemoPop3Server.Start();
        server.Faults.DropAfterBytesSent = limit;
        await using var connection = await RawPop3Connection.ConnectAsync(server);

        var received = await connection.ReadToEndAsync();

        Assert.Equal("+OK Pop3Webmail demo"[..(int)limit], Encoding.ASCII.GetString(received));
        Assert.Equal(DemoPop3SessionEnd.FaultInjected, await server.Sessions[0].Completion.Within());
    }

    [Fact]
    public async Task DropAfterBytesSentClosesTheConnectionAfterExactlyThatManyOctets()
    {
        const int Limit = 100_000;
        await using var server = DemoPop3Server.Start();
        server.Faults.DropAfterBytesSent = Limit;
        await using var connection = await RawPop3Connection.ConnectAsync(server);

        await connection.SendAsync($"USER demo\r\nPASS demo\r\nRETR {LargestMessageNumber}\r\n");
        var received = await connection.ReadToEndAsync();

        Assert.Equal(Limit, received.Length);
        Assert.Contains($"+OK {Sample.Messages[LargestMessageNumber - 1].Size} octets\r\n", Encoding.ASCII.GetString(received), StringComparison.Ordinal);
        Assert.Equal(DemoPop3SessionEnd.FaultInjected, await server.Sessions[0].Completion.Within());
    }

    [Fact]
    public async Task ConnectionDroppedInTheMiddleOfAMessageFailsTheClientsRead()
    {
        await using var server = DemoPop3Server.Start();
        server.Faults.DropAfterBytesSent = 200_000;
        await using var client = await DemoClient.LoginAsync(server);

        var error = await Assert.ThrowsAsync<Pop3ProtocolException>(async () =>
        {
            await using var body = await client.RetrieveAsync(LargestMessageNumber, Ct);
            await DemoClient.ReadAllAsync(body);
        });

        Assert.False(client.IsConnected);
        Assert.NotNull(error.Message);
        Assert.Equal(DemoPop3SessionEnd.FaultInjected, await server.Sessions[0].Completion.Within());
    }

    [Theory]
    [InlineData(DemoPop3LoginFailure.InUse, Pop3ResponseCodeKind.InUse)]
    [InlineData(DemoPop3LoginFailure.LoginDelay, Pop3ResponseCodeKind.LoginDelay)]
    [InlineData(DemoPop3LoginFailure.SysTemp, Pop3ResponseCodeKind.SysTemp)]
    [InlineData(DemoPop3LoginFailure.SysPerm, Pop3ResponseCodeKind.SysPerm)]
    public async Task LoginFailureRefusesTheRightCredentialsWithItsResponseCode(DemoPop3LoginFailure failure, Pop3ResponseCodeKind expected)
    {
        await using var server = DemoPop3Server.Start();
        server.Faults.LoginFailure = failure;
        await using var client = await DemoClient.ConnectAsync(server);

        var refused = await Assert.ThrowsAsync<Pop3AuthenticationException>(
            () => client.AuthenticateAsync(DemoPop3Server.DemoUserName, DemoPop3Server.DemoPassword, Ct));
        var wrong = await Assert.ThrowsAsync<Pop3AuthenticationException>(
            () => client.AuthenticateAsync(DemoPop3Server.DemoUserName, "wrong", Ct));
        server.Faults.LoginFailure = DemoPop3LoginFailure.None;
        await client.AuthenticateAsync(DemoPop3Server.DemoUserName, DemoPop3Server.DemoPassword, Ct);

        Assert.Equal(expected, refused.ResponseCode.Kind);
        Assert.Equal(Pop3ResponseCodeKind.Auth, wrong.ResponseCode.Kind);
        Assert.True(client.IsAuthenticated);
    }

    [Fact]
    public async Task DelayedReplyArrivesOnlyWhenTheFakeClockReachesTheDelay()
    {
        var clock = new FakeTimeProvider();
        await using var server = DemoPop3Server.Start(new DemoPop3ServerOptions { TimeProvider = clock });
        await using var client = await DemoClient.LoginAsync(server);
        server.Faults.DelayReplies("stat", TimeSpan.FromSeconds(30));

        var stat = client.StatAsync(Ct);
        await server.WaitUntilAsync(static s => s.Sessions[0].HeldCommand == "STAT", Ct).Within();
        clock.Advance(TimeSpan.FromSeconds(29));
        var heldAfter29Seconds = server.Sessions[0].HeldCommand;
        var completedAfter29Seconds = stat.IsCompleted;
        clock.Advance(TimeSpan.FromSeconds(1));
        var result = await stat.Within();

        Assert.Equal("STAT", heldAfter29Seconds);
        Assert.False(completedAfter29Seconds);
        Assert.Equal(Sample.Messages.Count, result.MessageCount);
        Assert.Null(server.Sessions[0].HeldCommand);
    }

    [Fact]
    public async Task HeldReplyIsSentWhenTheGateOpens()
    {
        await using var server = DemoPop3Server.Start();
        await using var client = await DemoClient.LoginAsync(server);
        var gate = server.Faults.HoldReplies("RETR");

        var retrieve = client.RetrieveAsync(1, Ct);
        await gate.WaitUntilReachedAsync(Ct).Within();
        var held = server.Sessions[0].HeldCommand;
        var completedWhileHeld = retrieve.IsCompleted;
        gate.Open();
        await using var body = await retrieve.Within();

        Assert.Equal("RETR 1", held);
        Assert.False(completedWhileHeld);
        Assert.True(gate.IsOpen);
        Assert.Equal("RETR", gate.Verb);
        Assert.Equal(Sample.Messages[0].Content.ToArray(), await DemoClient.ReadAllAsync(body));
    }

    [Fact]
    public async Task RepliesToEarlierPipelinedCommandsGoOutBeforeAHold()
    {
        await using var server = DemoPop3Server.Start();
        var gate = server.Faults.HoldReplies("RETR");
        await using var connection = await RawPop3Connection.LoginAsync(server);

        await connection.SendAsync("NOOP\r\nRETR 1\r\nNOOP\r\n");
        var beforeHold = await connection.ReadLineAsync();
        await gate.WaitUntilReachedAsync(Ct).Within();
        gate.Open();

        Assert.Equal("+OK", beforeHold);
        Assert.Equal($"+OK {Sample.Messages[0].Size} octets", await connection.ReadLineAsync());
        Assert.Equal(Sample.Messages[0].Content.ToArray(), await connection.ReadDataBlockAsync());
        Assert.Equal("+OK", await connection.ReadLineAsync());
    }

    [Fact]
    public async Task ReplacedReplyIsSentVerbatimAndTheCommandIsNotExecuted()
    {
        await using var server = DemoPop3Server.Start();
        server.Faults.ReplaceReply("QUIT", "-ERR [SYS/TEMP] not now\r\n");
        server.Faults.ReplaceReply("NOOP", "+OK two\r\nlines\r\n");
        await using var connection = await RawPop3Connection.LoginAsync(server);

        await connection.SendAsync("QUIT\r\nNOOP\r\nSTAT\r\n");

        Assert.Equal("-ERR [SYS/TEMP] not now", await connection.ReadLineAsync());
        Assert.Equal("+OK two", await connection.ReadLineAsync());
        Assert.Equal("lines", await connection.ReadLineAsync());
        Assert.Equal($"+OK {Sample.Messages.Count} {Sample.Size}", await connection.ReadLineAsync());
        Assert.True(server.Sessions[0].IsOpen);
        Assert.True(server.Sessions[0].QuitReceived);
    }

    [Theory]
    [InlineData("STAT", "+OK banana\r\n")]
    [InlineData("LIST", "+OK\r\nnot a listing\r\n.\r\n")]
    [InlineData("UIDL", "+OK\r\n1\r\n.\r\n")]
    public async Task MalformedRepliesMakeTheClientFailSafely(string verb, string reply)
    {
        await using var server = DemoPop3Server.Start();
        await using var client = await DemoClient.LoginAsync(server);
        server.Faults.ReplaceReply(verb, reply);

        Task action = verb switch
        {
            "STAT" => client.StatAsync(Ct),
            "LIST" => client.ListAsync(Ct),
            _ => client.UidlAsync(Ct),
        };

        await Assert.ThrowsAsync<Pop3ProtocolException>(() => action);
        Assert.False(client.IsConnected);
    }

    [Fact]
    public async Task DisconnectOnClosesWithoutAReplyAfterEarlierReplies()
    {
        await using var server = DemoPop3Server.Start();
        server.Faults.DisconnectOn("RETR");
        await using var connection = await RawPop3Connection.LoginAsync(server);

        await connection.SendAsync("NOOP\r\nRETR 1\r\nNOOP\r\n");

        Assert.Equal("+OK", await connection.ReadLineAsync());
        Assert.Empty(await connection.ReadToEndAsync());
        Assert.Equal(DemoPop3SessionEnd.FaultInjected, await server.Sessions[0].Completion.Within());
        Assert.Equal("RETR 1", server.Sessions[0].Commands[^1]);
    }

    [Fact]
    public async Task ClientSeesADisconnectAsAProtocolError()
    {
        await using var server = DemoPop3Server.Start();
        await using var client = await DemoClient.LoginAsync(server);
        server.Faults.DisconnectOn("DELE");

        await Assert.ThrowsAsync<Pop3ProtocolException>(() => client.DeleteAsync(1, Ct));

        Assert.False(client.IsConnected);
        Assert.Equal(Sample.Messages.Count, server.GetMessages(DemoPop3Server.DemoUserName).Count);
    }

    [Fact]
    public async Task GreetingReplyReplacesTheGreeting()
    {
        await using var server = DemoPop3Server.Start();
        server.Faults.GreetingReply = "HTTP/1.1 400 Bad Request\r\n\r\n";
        await using var connection = await RawPop3Connection.ConnectAsync(server);
        await using var client = new Pop3Client(DemoClient.Options);

        Assert.Equal("HTTP/1.1 400 Bad Request", await connection.ReadLineAsync());
        await Assert.ThrowsAsync<Pop3ProtocolException>(() => client.ConnectAsync(server.Host, server.Port, Ct));
    }

    [Fact]
    public async Task ClearRemovesEveryFaultAndReleasesHeldSessions()
    {
        await using var server = DemoPop3Server.Start();
        await using var client = await DemoClient.LoginAsync(server);
        var gate = server.Faults.HoldReplies("NOOP");
        server.Faults.ReplaceReply("STAT", "garbage\r\n");
        server.Faults.DelayReplies("LIST", TimeSpan.FromDays(1));
        server.Faults.DisconnectOn("UIDL");
        server.Faults.LoginFailure = DemoPop3LoginFailure.SysTemp;
        server.Faults.DropAfterBytesSent = 1;
        server.Faults.GreetingReply = "garbage\r\n";
        var noop = client.NoopAsync(Ct);
        await gate.WaitUntilReachedAsync(Ct).Within();

        server.Faults.Clear();
        await noop.Within();

        Assert.True(gate.IsOpen);
        Assert.Null(server.Faults.DropAfterBytesSent);
        Assert.Null(server.Faults.GreetingReply);
        Assert.Equal(DemoPop3LoginFailure.None, server.Faults.LoginFailure);
        Assert.Equal(Sample.Messages.Count, (await client.StatAsync(Ct)).MessageCount);
        Assert.Equal(Sample.Messages.Count, (await client.ListAsync(Ct)).Count);
        Assert.Equal(Sample.Messages.Count, (await client.UidlAsync(Ct)).Count);
        await using var another = await DemoClient.ConnectAsync(server);
        Assert.False(another.IsAuthenticated);
    }

    [Fact]
    public async Task FaultArgumentsAreChecked()
    {
        await using var server = DemoPop3Server.Start();
        var faults = server.Faults;

        Assert.Throws<ArgumentOutOfRangeException>(() => faults.DropAfterBytesSent = -1);
        Assert.Throws<ArgumentOutOfRangeException>(() => faults.DelayReplies("STAT", TimeSpan.Zero));
        Assert.Throws<ArgumentException>(() => faults.ReplaceReply(" ", "+OK\r\n"));
        Assert.Throws<ArgumentNullException>(() => faults.HoldReplies(null!));
    }
}
