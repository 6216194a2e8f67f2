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

    private static Pop3ClientOptions Options(FakeTimeProvider time, TimeSpan io, TimeSpan? operation = null) => new()
    {
        Security = Pop3Security.None,
        AllowPlaintextAuthentication = true,
        TimeProvider = time,
        IoTimeout = io,
        OperationTimeout = operation ?? Timeout.InfiniteTimeSpan,
    };
}
