using System.Text;
using Pop3Webmail.Pop3.Tests.Scripting;

namespace Pop3Webmail.Pop3.Tests;

/// <summary>RFC 2449 §6.6 PIPELINING: bulk commands share writes, within a window of commands and octets.</summary>
public sealed class Pop3ClientPipeliningTests
{
    private const string PipeliningCapa = "+OK\r\nTOP\r\nUIDL\r\nPIPELINING\r\n.\r\n";
    private const string PlainCapa = "+OK\r\nTOP\r\nUIDL\r\n.\r\n";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [MemberData(nameof(ReplyShapes.All), MemberType = typeof(ReplyShapes))]
    public async Task BulkDeleteSendsSeveralCommandsPerWriteButNeverMoreThanTheWindow(ReplyShape shape)
    {
        var options = Options(window: 4);
        var script = Pop3Script.LoggedIn(PipeliningCapa);
        for (var n = 1; n <= 20; n++)
        {
            script.Client($"DELE {n}\r\n").Server($"+OK message {n} deleted\r\n");
        }

        await using var session = await ScriptedSession.StartLoggedInAsync(script, shape, options, allowPipelining: true);

        await session.Client.DeleteAsync(Enumerable.Range(1, 20).ToArray(), Ct);

        Assert.True(session.Client.IsPipelining);
        Assert.InRange(session.Stream.MaxCommandsPerWrite, 2, 4);
        Assert.InRange(session.Stream.MaxOutstandingCommands, 2, 4);
        session.AssertCompleted();
    }

    [Theory]
    [MemberData(nameof(ReplyShapes.All), MemberType = typeof(ReplyShapes))]
    public async Task BulkDeleteNeverHasMoreThanPipelineMaxBytesOutstanding(ReplyShape shape)
    {
        var options = Options(window: 1000, maxBytes: 512);
        var script = Pop3Script.LoggedIn(PipeliningCapa);
        for (var n = 1; n <= 300; n++)
        {
            script.Client($"DELE {n}\r\n").Server("+OK\r\n");
        }

        await using var session = await ScriptedSession.StartLoggedInAsync(script, shape, options, allowPipelining: true);

        await session.Client.DeleteAsync(Enumerable.Range(1, 300).ToArray(), Ct);

        Assert.InRange(session.Stream.MaxOutstandingBytes, 256, 512);
        Assert.True(session.Stream.MaxCommandsPerWrite > 1);
        session.AssertCompleted();
    }

    [Theory]
    [MemberData(nameof(ReplyShapes.All), MemberType = typeof(ReplyShapes))]
    public async Task WithoutPipeliningEveryCommandWaitsForItsReply(ReplyShape shape)
    {
        // The script refuses any command written before the previous reply was read.
        var script = Pop3Script.LoggedIn(PlainCapa);
        for (var n = 1; n <= 6; n++)
        {
            script.Client($"DELE {n}\r\n").Server("+OK\r\n");
        }

        script.Client("TOP 1 0\r\n").Server("+OK\r\nSubject: one\r\n\r\n.\r\n")
            .Client("TOP 2 0\r\n").Server("+OK\r\nSubject: two\r\n\r\n.\r\n");
        await using var session = await ScriptedSession.StartLoggedInAsync(script, shape);

        await session.Client.DeleteAsync(Enumerable.Range(1, 6).ToArray(), Ct);
        var headers = new List<string>();
        await session.Client.TopAsync([1, 2], 0, async (body, ct) => headers.Add(await ReadTextAsync(body, ct)), Ct);

        Assert.False(session.Client.IsPipelining);
        Assert.Equal(1, session.Stream.MaxCommandsPerWrite);
        Assert.Equal(1, session.Stream.MaxOutstandingCommands);
        Assert.Equal([shape.Adapt("Subject: one\r\n\r\n"), shape.Adapt("Subject: two\r\n\r\n")], headers);
        session.AssertCompleted();
    }

    [Theory]
    [MemberData(nameof(ReplyShapes.All), MemberType = typeof(ReplyShapes))]
    public async Task BulkTopHandsEveryMessageToTheHandlerInOrder(ReplyShape shape)
    {
        var script = Pop3Script.LoggedIn(PipeliningCapa);
        for (var n = 1; n <= 12; n++)
        {
            script.Client($"TOP {n} 1\r\n").Server($"+OK\r\nSubject: {n}\r\n\r\n..first line of {n}\r\n.\r\n");
        }

        await using var session = await ScriptedSession.StartLoggedInAsync(script, shape, Options(window: 4), allowPipelining: true);

        var seen = new List<(int Number, string Text)>();
        await session.Client.TopAsync(Enumerable.Range(1, 12).ToArray(), 1, async (body, ct) => seen.Add((body.MessageNumber, await ReadTextAsync(body, ct))), Ct);

        Assert.Equal(Enumerable.Range(1, 12), seen.Select(static s => s.Number));
        Assert.All(seen, s => Assert.Equal(shape.Adapt($"Subject: {s.Number}\r\n\r\n.first line of {s.Number}\r\n"), s.Text));
        Assert.True(session.Stream.MaxCommandsPerWrite > 1);
        Assert.True(session.Stream.MaxOutstandingCommands <= 4);
        session.AssertCompleted();
    }

    [Theory]
    [MemberData(nameof(ReplyShapes.All), MemberType = typeof(ReplyShapes))]
    public async Task BulkRetrieveDrainsWhatTheHandlerLeavesUnread(ReplyShape shape)
    {
        var script = Pop3Script.LoggedIn(PipeliningCapa);
        for (var n = 1; n <= 8; n++)
        {
            script.Client($"RETR {n}\r\n").Server($"+OK\r\nmessage {n}\r\n" + string.Concat(Enumerable.Repeat("..filler line\r\n", 50)) + ".\r\n");
        }

        script.Client("NOOP\r\n").Server("+OK\r\n");
        await using var session = await ScriptedSession.StartLoggedInAsync(script, shape, Options(window: 3), allowPipelining: true);

        var starts = new List<string>();
        await session.Client.RetrieveAsync(Enumerable.Range(1, 8).ToArray(), async (body, ct) =>
        {
            var start = new byte[9];
            await body.ReadExactlyAsync(start, ct);
            starts.Add(Encoding.ASCII.GetString(start));
        }, Ct);
        await session.Client.NoopAsync(Ct);

        Assert.Equal(Enumerable.Range(1, 8).Select(static n => $"message {n}"), starts);
        Assert.True(session.Stream.MaxOutstandingCommands <= 3);
        session.AssertCompleted();
    }

    [Theory]
    [MemberData(nameof(ReplyShapes.All), MemberType = typeof(ReplyShapes))]
    public async Task SummariesArePipelinedTopRequests(ReplyShape shape)
    {
        var script = Pop3Script.LoggedIn(PipeliningCapa)
            .Stat(10, 5500)
            .Client("LIST\r\n").Server("+OK\r\n" + string.Concat(Enumerable.Range(1, 10).Select(static n => $"{n} {n * 100}\r\n")) + ".\r\n")
            .Client("UIDL\r\n").Server("+OK\r\n" + string.Concat(Enumerable.Range(1, 10).Select(static n => $"{n} uid-{n}\r\n")) + ".\r\n");
        for (var n = 1; n <= 10; n++)
        {
            script.Client($"TOP {n} 0\r\n").Server($"+OK\r\nSubject: message {n}\r\nFrom: Sender {n} <s{n}@example.test>\r\n\r\n.\r\n");
        }

        await using var session = await ScriptedSession.StartLoggedInAsync(script, shape, Options(window: 4), allowPipelining: true);

        var summaries = await session.Client.GetMessageSummariesAsync(1, 10, cancellationToken: Ct);

        Assert.Equal(Enumerable.Range(1, 10), summaries.Select(static s => s.MessageNumber));
        Assert.Equal(Enumerable.Range(1, 10).Select(static n => $"message {n}"), summaries.Select(static s => s.Subject));
        Assert.Equal(Enumerable.Range(1, 10).Select(static n => $"uid-{n}"), summaries.Select(static s => s.Uid));
        Assert.Equal(Enumerable.Range(1, 10).Select(static n => (long)n * 100), summaries.Select(static s => s.Size));
        Assert.True(session.Stream.MaxCommandsPerWrite > 1);
        Assert.True(session.Stream.MaxOutstandingCommands <= 4);
        session.AssertCompleted();
    }

    [Theory]
    [InlineData(true, ReplyShape.WholeCrlf)]
    [InlineData(true, ReplyShape.OneByteLf)]
    [InlineData(true, ReplyShape.RandomCrlf)]
    [InlineData(false, ReplyShape.WholeLf)]
    [InlineData(false, ReplyShape.OneByteCrlf)]
    [InlineData(false, ReplyShape.RandomLf)]
    public async Task AnErrInTheMiddleOfABatchIsReportedAfterEveryReplyWasRead(bool pipelining, ReplyShape shape)
    {
        var script = Pop3Script.LoggedIn(pipelining ? PipeliningCapa : PlainCapa)
            .Client("DELE 1\r\n").Server("+OK\r\n")
            .Client("DELE 2\r\n").Server("-ERR [SYS/TEMP] message 2 is locked\r\n")
            .Client("DELE 3\r\n").Server("+OK\r\n")
            .Client("DELE 4\r\n").Server("-ERR no such message\r\n")
            .Client("DELE 5\r\n").Server("+OK\r\n")
            .Client("NOOP\r\n").Server("+OK\r\n");
        await using var session = await ScriptedSession.StartLoggedInAsync(script, shape, allowPipelining: pipelining);

        var error = await Assert.ThrowsAsync<Pop3CommandException>(() => session.Client.DeleteAsync([1, 2, 3, 4, 5], Ct));
        await session.Client.NoopAsync(Ct);

        Assert.Equal("DELE", error.Command);
        Assert.Equal(Pop3ResponseCodeKind.SysTemp, error.ResponseCode.Kind);
        Assert.True(session.Client.IsConnected);
        session.AssertCompleted();
    }

    [Theory]
    [MemberData(nameof(ReplyShapes.All), MemberType = typeof(ReplyShapes))]
    public async Task ARefusedMessageInABulkRetrieveIsSkippedAndReportedAfterTheOthers(ReplyShape shape)
    {
        var script = Pop3Script.LoggedIn(PipeliningCapa)
            .Client("RETR 1\r\n").Server("+OK\r\none\r\n.\r\n")
            .Client("RETR 2\r\n").Server("-ERR message 2 already deleted\r\n")
            .Client("RETR 3\r\n").Server("+OK\r\nthree\r\n.\r\n")
            .Client("STAT\r\n").Server("+OK 2 20\r\n");
        await using var session = await ScriptedSession.StartLoggedInAsync(script, shape, allowPipelining: true);

        var seen = new List<int>();
        var error = await Assert.ThrowsAsync<Pop3CommandException>(
            () => session.Client.RetrieveAsync([1, 2, 3], (body, _) => { seen.Add(body.MessageNumber); return ValueTask.CompletedTask; }, Ct));
        var statistics = await session.Client.StatAsync(Ct);

        Assert.Equal([1, 3], seen);
        Assert.Equal("RETR", error.Command);
        Assert.Equal(new Pop3Statistics(2, 20), statistics);
        session.AssertCompleted();
    }

    [Theory]
    [MemberData(nameof(ReplyShapes.All), MemberType = typeof(ReplyShapes))]
    public async Task AHandlerThatThrowsNeverLeavesTheConnectionOutOfStep(ReplyShape shape)
    {
        // Replies to the pipelined RETR 2 and 3 are already on their way when the handler gives up on message 1;
        // reading them as replies to later commands would be wrong, so the connection is closed instead.
        var script = Pop3Script.LoggedIn(PipeliningCapa)
            .Client("RETR 1\r\n").Server("+OK\r\n+OK this line is message data\r\n.\r\n")
            .Client("RETR 2\r\n").Server("+OK\r\ntwo\r\n.\r\n")
            .Client("RETR 3\r\n").Server("+OK\r\nthree\r\n.\r\n");
        await using var session = await ScriptedSession.StartLoggedInAsync(script, shape, allowPipelining: true);

        await Assert.ThrowsAsync<FormatException>(
            () => session.Client.RetrieveAsync([1, 2, 3], (_, _) => throw new FormatException("The handler gives up."), Ct));

        Assert.False(session.Client.IsConnected);
        Assert.True(session.Stream.IsDisposed);
        await Assert.ThrowsAsync<InvalidOperationException>(() => session.Client.NoopAsync(Ct));
    }

    private static Pop3ClientOptions Options(int window, int maxBytes = 4096) => new()
    {
        Security = Pop3Security.None,
        AllowPlaintextAuthentication = true,
        PipelineWindow = window,
        PipelineMaxBytes = maxBytes,
    };

    private static async Task<string> ReadTextAsync(Stream body, CancellationToken cancellationToken)
    {
        using var reader = new StreamReader(body, Encoding.Latin1, leaveOpen: true);
        return await reader.ReadToEndAsync(cancellationToken);
    }
}
