using Microsoft.Extensions.Time.Testing;
using Pop3Webmail.Pop3.Tests.Scripting;

namespace Pop3Webmail.Pop3.Tests;

/// <summary>
/// Timeouts run on a <see cref="FakeTimeProvider"/>: the scripted server blocks a read until cancellation, the
/// test waits for that read to be pending and then moves fake time. Nothing sleeps.
/// </summary>
public sealed class Pop3ClientTimeoutTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AServerThatNeverAnswersTimesOutAfterIoTimeoutAndTheConnectionIsClosed()
    {
        var time = new FakeTimeProvider();
        var script = Pop3Script.LoggedIn().Client("STAT\r\n").Hang();
        await using var session = await ScriptedSession.StartLoggedInAsync(script, ReplyShape.WholeCrlf, Options(time, io: TimeSpan.FromSeconds(30)));

        var stat = session.Client.StatAsync(Ct);
        await session.Stream.ReadBlocked;
        time.Advance(TimeSpan.FromSeconds(29));
        Assert.False(stat.IsCompleted, "The call ended before its I/O timeout.");
        time.Advance(TimeSpan.FromSeconds(2));

        var error = await Assert.ThrowsAsync<Pop3TimeoutException>(() => stat);
        Assert.Contains("did not respond in time", error.Message, StringComparison.Ordinal);
        Assert.False(session.Client.IsConnected);
        Assert.True(session.Stream.IsDisposed);
        session.AssertCompleted();
    }

    [Fact]
    public async Task AMissingGreetingTimesOutTheConnect()
    {
        var time = new FakeTimeProvider();
        var stream = new ScriptedPop3Stream(new Pop3Script().Hang(), ReplyShape.WholeCrlf);
        await using var client = new Pop3Client(Options(time, io: TimeSpan.FromSeconds(10)));

        var connect = client.ConnectAsync(stream, "pop.example.test", Ct);
        await stream.ReadBlocked;
        time.Advance(TimeSpan.FromSeconds(11));

        await Assert.ThrowsAsync<Pop3TimeoutException>(() => connect);
        Assert.False(client.IsConnected);
        Assert.True(stream.IsDisposed);
    }

    [Fact]
    public async Task AServerThatTricklesDataIsCutOffByTheOperationTimeout()
    {
        // Every read succeeds in time, but the whole operation may not take longer than OperationTimeout.
        var time = new FakeTimeProvider();
        var script = Pop3Script.LoggedIn().Stat(1, 100).Client("LIST\r\n").Server("+OK\r\n1 100\r\n").Hang();
        var options = Options(time, io: Timeout.InfiniteTimeSpan, operation: TimeSpan.FromMinutes(2));
        await using var session = await ScriptedSession.StartLoggedInAsync(script, ReplyShape.OneByteCrlf, options);

        var list = session.Client.ListAsync(Ct);
        await session.Stream.ReadBlocked;
        time.Advance(TimeSpan.FromMinutes(2) + TimeSpan.FromSeconds(1));

        var error = await Assert.ThrowsAsync<Pop3TimeoutException>(() => list);
        Assert.Contains("took longer than allowed", error.Message, StringComparison.Ordinal);
        Assert.False(session.Client.IsConnected);
    }

    [Fact]
    public async Task AStalledMessageBodyTimesOutWhileTheCallerReadsIt()
    {
        var time = new FakeTimeProvider();
        var script = Pop3Script.LoggedIn().Client("RETR 1\r\n").Server("+OK\r\nfirst line\r\n").Hang();
        await using var session = await ScriptedSession.StartLoggedInAsync(script, ReplyShape.WholeCrlf, Options(time, io: TimeSpan.FromSeconds(30)));
        var body = await session.Client.RetrieveAsync(1, Ct);
        var buffer = new byte[64];
        Assert.Equal("first line\r\n"u8.Length, await body.ReadAsync(buffer, Ct));

        var read = body.ReadAsync(buffer, Ct).AsTask();
        await session.Stream.ReadBlocked;
        time.Advance(TimeSpan.FromSeconds(31));

        await Assert.ThrowsAsync<Pop3TimeoutException>(() => read);
        Assert.False(session.Client.IsConnected);
    }

    [Fact]
    public async Task CallerCancellationEndsTheCallAndClosesTheConnection()
    {
        var time = new FakeTimeProvider();
        var script = Pop3Script.LoggedIn().Stat(1, 100).Client("UIDL\r\n").Hang();
        await using var session = await ScriptedSession.StartLoggedInAsync(script, ReplyShape.WholeCrlf, Options(time, io: TimeSpan.FromSeconds(30)));
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(Ct);

        var uidl = session.Client.UidlAsync(cancel.Token);
        await session.Stream.ReadBlocked;
        await cancel.CancelAsync();

        var error = await Assert.ThrowsAnyAsync<OperationCanceledException>(() => uidl);
        Assert.Equal(cancel.Token, error.CancellationToken);
        Assert.False(session.Client.IsConnected);
        Assert.True(session.Stream.IsDisposed);
    }

    [Fact]
    public async Task TheConnectDeadlineCoversGreetingAndCapabilitiesNotOnlyTheTcpConnect()
    {
        // Each read arrives within any I/O timeout, but the whole connect may not take longer than ConnectTimeout.
        var time = new FakeTimeProvider();
        var stream = new ScriptedPop3Stream(new Pop3Script().Server("+OK ready\r\n").Client("CAPA\r\n").Server("+OK\r\nUSER\r\n").Hang(), ReplyShape.WholeCrlf);
        await using var client = new Pop3Client(Options(time, io: Timeout.InfiniteTimeSpan, connect: TimeSpan.FromSeconds(30)));

        var connect = client.ConnectAsync(stream, "pop.example.test", Ct);
        await stream.ReadBlocked;
        time.Advance(TimeSpan.FromSeconds(29));
        Assert.False(connect.IsCompleted, "The connect ended before its deadline.");
        time.Advance(TimeSpan.FromSeconds(2));

        var error = await Assert.ThrowsAsync<Pop3TimeoutException>(() => connect);
        Assert.Contains("took longer than allowed", error.Message, StringComparison.Ordinal);
        Assert.True(stream.IsDisposed);
    }

    [Fact]
    public async Task TheAuthenticationDeadlineCoversTheWholeLogin()
    {
        var time = new FakeTimeProvider();
        var script = Pop3Script.Greeting().Client("USER bob\r\n").Server("+OK\r\n").Client("PASS secret\r\n").Hang();
        var options = Options(time, io: Timeout.InfiniteTimeSpan, authentication: TimeSpan.FromSeconds(45));
        await using var session = await ScriptedSession.StartAsync(script, ReplyShape.WholeCrlf, options);

        var login = session.Client.AuthenticateAsync(Pop3AuthenticationMechanism.User, "bob", "secret", Ct);
        await session.Stream.ReadBlocked;
        time.Advance(TimeSpan.FromSeconds(44));
        Assert.False(login.IsCompleted, "The login ended before its deadline.");
        time.Advance(TimeSpan.FromSeconds(2));

        await Assert.ThrowsAsync<Pop3TimeoutException>(() => login);
        Assert.False(session.Client.IsConnected);
    }

    [Fact]
    public async Task EveryCommandHasAFiniteDeadlineByDefault()
    {
        var time = new FakeTimeProvider();
        var script = Pop3Script.LoggedIn().Client("STAT\r\n").Hang();
        var options = new Pop3ClientOptions { Security = Pop3Security.None, AllowPlaintextAuthentication = true, TimeProvider = time, IoTimeout = Timeout.InfiniteTimeSpan };
        await using var session = await ScriptedSession.StartLoggedInAsync(script, ReplyShape.WholeCrlf, options);

        var stat = session.Client.StatAsync(Ct);
        await session.Stream.ReadBlocked;
        time.Advance(options.OperationTimeout - TimeSpan.FromSeconds(1));
        Assert.False(stat.IsCompleted, "STAT ended before its deadline.");
        time.Advance(TimeSpan.FromSeconds(2));

        Assert.Equal(TimeSpan.FromSeconds(60), options.OperationTimeout);
        await Assert.ThrowsAsync<Pop3TimeoutException>(() => stat);
    }

    [Fact]
    public async Task ARetrDeadlineGrowsWithTheSizeListGaveTheMessage()
    {
        // 3,276,800 bytes at the minimum rate of 32 KiB/s are 100 s on top of the 60 s floor.
        var time = new FakeTimeProvider();
        var script = Pop3Script.LoggedIn().Stat(1, 3_276_800).Client("LIST\r\n").Server("+OK\r\n1 3276800\r\n.\r\n")
            .Client("RETR 1\r\n").Server("+OK\r\nfirst line\r\n").Hang();
        await using var session = await ScriptedSession.StartLoggedInAsync(script, ReplyShape.WholeCrlf, Options(time, io: Timeout.InfiniteTimeSpan, operation: TimeSpan.FromSeconds(60)));
        await session.Client.ListAsync(Ct);
        await using var message = await session.Client.RetrieveAsync(1, Ct);

        var copy = message.CopyToAsync(Stream.Null, Ct);
        await session.Stream.ReadBlocked;
        time.Advance(TimeSpan.FromSeconds(158));
        Assert.False(copy.IsCompleted, "The message was cut off before its size-scaled deadline.");
        time.Advance(TimeSpan.FromSeconds(3));

        await Assert.ThrowsAsync<Pop3TimeoutException>(() => copy);
    }

    [Fact]
    public async Task AMessageStreamKeepsItsRetrDeadlineAcrossTheCallersReads()
    {
        // Every read is within the I/O timeout, yet a server that sends a line now and then cannot stretch one
        // message beyond its deadline: the deadline belongs to the RETR, not to each read.
        var time = new FakeTimeProvider();
        var script = Pop3Script.LoggedIn().Client("RETR 1\r\n").Server("+OK\r\nfirst line\r\n").Hang();
        await using var session = await ScriptedSession.StartLoggedInAsync(script, ReplyShape.WholeCrlf, Options(time, io: TimeSpan.FromSeconds(50), operation: TimeSpan.FromSeconds(60)));
        await using var message = await session.Client.RetrieveAsync(1, Ct);
        Assert.Equal("first line\r\n".Length, await message.ReadAsync(new byte[64], Ct));
        time.Advance(TimeSpan.FromSeconds(40));

        var read = message.ReadAsync(new byte[64], Ct).AsTask();
        await session.Stream.ReadBlocked;
        time.Advance(TimeSpan.FromSeconds(21));

        var error = await Assert.ThrowsAsync<Pop3TimeoutException>(() => read);
        Assert.Contains("took longer than allowed", error.Message, StringComparison.Ordinal);
    }

    private static Pop3ClientOptions Options(FakeTimeProvider time, TimeSpan io, TimeSpan? operation = null, TimeSpan? connect = null, TimeSpan? authentication = null) => new()
    {
        ConnectTimeout = connect ?? TimeSpan.FromSeconds(30),
        AuthenticationTimeout = authentication ?? TimeSpan.FromSeconds(60),
        Security = Pop3Security.None,
        AllowPlaintextAuthentication = true,
        TimeProvider = time,
        IoTimeout = io,
        OperationTimeout = operation ?? Timeout.InfiniteTimeSpan,
    };
}
