using Pop3Webmail.Pop3.Tests.Scripting;

namespace Pop3Webmail.Pop3.Tests;

public sealed class Pop3ClientTransactionTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static TheoryData<string, ReplyShape> MalformedStatReplies { get; } = ReplyShapes.Cross(
        "+OK\r\n",
        "+OK 2\r\n",
        "+OK two 320\r\n",
        "+OK -1 320\r\n",
        "+OK 2 3x0\r\n",
        "+OK 99999999999 320\r\n");

    [Theory]
    [MemberData(nameof(ReplyShapes.All), MemberType = typeof(ReplyShapes))]
    public async Task StatReturnsMessageCountAndMailboxSize(ReplyShape shape)
    {
        var script = Pop3Script.LoggedIn().Client("STAT\r\n").Server("+OK 2 320\r\n");
        await using var session = await ScriptedSession.StartLoggedInAsync(script, shape);

        var statistics = await session.Client.StatAsync(Ct);

        Assert.Equal(new Pop3Statistics(2, 320), statistics);
        session.AssertCompleted();
    }

    [Theory]
    [MemberData(nameof(ReplyShapes.All), MemberType = typeof(ReplyShapes))]
    public async Task StatToleratesANegativeMailboxSizeAsZero(ReplyShape shape)
    {
        var script = Pop3Script.LoggedIn().Client("STAT\r\n").Server("+OK 3 -4096 octets\r\n");
        await using var session = await ScriptedSession.StartLoggedInAsync(script, shape);

        var statistics = await session.Client.StatAsync(Ct);

        Assert.Equal(new Pop3Statistics(3, 0), statistics);
        session.AssertCompleted();
    }

    [Theory]
    [MemberData(nameof(MalformedStatReplies))]
    public async Task MalformedStatIsAProtocolErrorThatClosesTheConnection(string reply, ReplyShape shape)
    {
        var script = Pop3Script.LoggedIn().Client("STAT\r\n").Server(reply);
        await using var session = await ScriptedSession.StartLoggedInAsync(script, shape);

        await Assert.ThrowsAsync<Pop3ProtocolException>(() => session.Client.StatAsync(Ct));

        Assert.False(session.Client.IsConnected);
        Assert.True(session.Stream.IsDisposed);
        session.AssertCompleted();
    }

    [Theory]
    [MemberData(nameof(ReplyShapes.All), MemberType = typeof(ReplyShapes))]
    public async Task ListReturnsEveryScanListing(ReplyShape shape)
    {
        // RFC 1939 §5: "n size", further text after the size is allowed; a deleted message keeps its number unlisted.
        var script = Pop3Script.LoggedIn()
            .Client("DELE 2\r\n").Server("+OK message 2 deleted\r\n")
            .Stat(2, 320)
            .Client("LIST\r\n").Server("+OK 2 messages (320 octets)\r\n1 120\r\n3 200 extra info\r\n.\r\n");
        await using var session = await ScriptedSession.StartLoggedInAsync(script, shape);

        await session.Client.DeleteAsync(2, Ct);
        var list = await session.Client.ListAsync(Ct);

        Assert.Equal([new Pop3MessageSize(1, 120), new Pop3MessageSize(3, 200)], list);
        session.AssertCompleted();
    }

    [Theory]
    [MemberData(nameof(ReplyShapes.All), MemberType = typeof(ReplyShapes))]
    public async Task ListOfAnEmptyMailboxIsEmpty(ReplyShape shape)
    {
        var script = Pop3Script.LoggedIn().Stat(0).Client("LIST\r\n").Server("+OK 0 messages\r\n.\r\n");
        await using var session = await ScriptedSession.StartLoggedInAsync(script, shape);

        Assert.Empty(await session.Client.ListAsync(Ct));
        session.AssertCompleted();
    }

    [Theory]
    [MemberData(nameof(ReplyShapes.All), MemberType = typeof(ReplyShapes))]
    public async Task ListOfOneMessageParsesTheSingleLineReply(ReplyShape shape)
    {
        var script = Pop3Script.LoggedIn().Client("LIST 2\r\n").Server("+OK 2 200\r\n");
        await using var session = await ScriptedSession.StartLoggedInAsync(script, shape);

        Assert.Equal(new Pop3MessageSize(2, 200), await session.Client.ListAsync(2, Ct));
        session.AssertCompleted();
    }

    [Theory]
    [MemberData(nameof(ReplyShapes.All), MemberType = typeof(ReplyShapes))]
    public async Task ListOfAMissingMessageIsACommandErrorAndTheConnectionStaysUsable(ReplyShape shape)
    {
        var script = Pop3Script.LoggedIn()
            .Client("LIST 9\r\n").Server("-ERR no such message, only 2 messages in maildrop\r\n")
            .Client("NOOP\r\n").Server("+OK\r\n");
        await using var session = await ScriptedSession.StartLoggedInAsync(script, shape);

        var error = await Assert.ThrowsAsync<Pop3CommandException>(() => session.Client.ListAsync(9, Ct));
        await session.Client.NoopAsync(Ct);

        Assert.Equal("LIST", error.Command);
        Assert.True(error.ResponseCode.IsNone);
        Assert.True(session.Client.IsConnected);
        session.AssertCompleted();
    }

    [Theory]
    [InlineData("+OK 3 200\r\n")]
    [InlineData("+OK 2\r\n")]
    [InlineData("+OK 2 big\r\n")]
    public async Task ListOfOneMessageAnsweredForAnotherMessageIsAProtocolError(string reply)
    {
        var script = Pop3Script.LoggedIn().Client("LIST 2\r\n").Server(reply);
        await using var session = await ScriptedSession.StartLoggedInAsync(script, ReplyShape.OneByteCrlf);

        await Assert.ThrowsAsync<Pop3ProtocolException>(() => session.Client.ListAsync(2, Ct));

        Assert.False(session.Client.IsConnected);
        session.AssertCompleted();
    }

    [Theory]
    [MemberData(nameof(ReplyShapes.All), MemberType = typeof(ReplyShapes))]
    public async Task MalformedListLineIsAProtocolError(ReplyShape shape)
    {
        var script = Pop3Script.LoggedIn().Stat(2, 240).Client("LIST\r\n").Server("+OK\r\n1 120\r\nnot a listing\r\n.\r\n");
        await using var session = await ScriptedSession.StartLoggedInAsync(script, shape);

        await Assert.ThrowsAsync<Pop3ProtocolException>(() => session.Client.ListAsync(Ct));

        Assert.False(session.Client.IsConnected);
    }

    [Theory]
    [MemberData(nameof(ReplyShapes.All), MemberType = typeof(ReplyShapes))]
    public async Task UidlAfterDeleteKeepsTheGapInMessageNumbers(ReplyShape shape)
    {
        // RFC 1939 §5: a message marked deleted keeps its number but is no longer listed.
        var script = Pop3Script.LoggedIn()
            .Client("DELE 2\r\n").Server("+OK message 2 deleted\r\n")
            .Stat(2, 300)
            .Client("UIDL\r\n").Server("+OK\r\n1 whqtswO00WBw418f9t5JxYwZ\r\n3 QhdPYR:00WBw1Ph7x7\r\n.\r\n");
        await using var session = await ScriptedSession.StartLoggedInAsync(script, shape);

        await session.Client.DeleteAsync(2, Ct);
        var uids = await session.Client.UidlAsync(Ct);

        Assert.Equal([new Pop3MessageUid(1, "whqtswO00WBw418f9t5JxYwZ"), new Pop3MessageUid(3, "QhdPYR:00WBw1Ph7x7")], uids);
        session.AssertCompleted();
    }

    [Theory]
    [MemberData(nameof(ReplyShapes.All), MemberType = typeof(ReplyShapes))]
    public async Task UidlToleratesSloppyLongAndDuplicateIds(ReplyShape shape)
    {
        // RFC 1939 §7 says 1-70 characters in 0x21-0x7E and unique; real servers break all three rules.
        var longUid = new string('u', 200);
        var reply = new List<byte>();
        reply.AddRange("+OK\r\n1 has inner spaces\r\n2 "u8.ToArray());
        reply.AddRange(System.Text.Encoding.ASCII.GetBytes(longUid));
        reply.AddRange("\r\n3 same\r\n4 same\r\n5 caf"u8.ToArray());
        reply.Add(0xE9);
        reply.AddRange("\r\n6   padded  \r\n.\r\n"u8.ToArray());
        var script = Pop3Script.LoggedIn().Stat(6, 6000).Client("UIDL\r\n").Server([.. reply]);
        await using var session = await ScriptedSession.StartLoggedInAsync(script, shape);

        var uids = await session.Client.UidlAsync(Ct);

        Assert.Equal(
            ["has inner spaces", longUid, "same", "same", "caf\u00E9", "padded"],
            uids.Select(static u => u.Uid));
        Assert.Equal([1, 2, 3, 4, 5, 6], uids.Select(static u => u.MessageNumber));
        session.AssertCompleted();
    }

    [Theory]
    [MemberData(nameof(ReplyShapes.All), MemberType = typeof(ReplyShapes))]
    public async Task UidlOfOneMessageParsesTheSingleLineReply(ReplyShape shape)
    {
        var script = Pop3Script.LoggedIn().Client("UIDL 2\r\n").Server("+OK 2 QhdPYR:00WBw1Ph7x7\r\n");
        await using var session = await ScriptedSession.StartLoggedInAsync(script, shape);

        Assert.Equal(new Pop3MessageUid(2, "QhdPYR:00WBw1Ph7x7"), await session.Client.UidlAsync(2, Ct));
        session.AssertCompleted();
    }

    [Theory]
    [MemberData(nameof(ReplyShapes.All), MemberType = typeof(ReplyShapes))]
    public async Task UidlOfOneMessageAnsweredForAnotherIsAProtocolError(ReplyShape shape)
    {
        var script = Pop3Script.LoggedIn().Client("UIDL 2\r\n").Server("+OK 7 QhdPYR:00WBw1Ph7x7\r\n");
        await using var session = await ScriptedSession.StartLoggedInAsync(script, shape);

        await Assert.ThrowsAsync<Pop3ProtocolException>(() => session.Client.UidlAsync(2, Ct));

        Assert.False(session.Client.IsConnected);
    }

    [Theory]
    [MemberData(nameof(ReplyShapes.All), MemberType = typeof(ReplyShapes))]
    public async Task DeleteResetAndNoopSendTheirCommands(ReplyShape shape)
    {
        var script = Pop3Script.LoggedIn()
            .Client("DELE 1\r\n").Server("+OK message 1 deleted\r\n")
            .Client("RSET\r\n").Server("+OK maildrop has 2 messages (320 octets)\r\n")
            .Client("NOOP\r\n").Server("+OK\r\n");
        await using var session = await ScriptedSession.StartLoggedInAsync(script, shape);

        await session.Client.DeleteAsync(1, Ct);
        await session.Client.ResetAsync(Ct);
        await session.Client.NoopAsync(Ct);

        session.AssertCompleted();
    }

    [Theory]
    [MemberData(nameof(ReplyShapes.All), MemberType = typeof(ReplyShapes))]
    public async Task DeleteOfAnAlreadyDeletedMessageIsACommandError(ReplyShape shape)
    {
        var script = Pop3Script.LoggedIn()
            .Client("DELE 1\r\n").Server("-ERR message 1 already deleted\r\n")
            .Client("NOOP\r\n").Server("+OK\r\n");
        await using var session = await ScriptedSession.StartLoggedInAsync(script, shape);

        var error = await Assert.ThrowsAsync<Pop3CommandException>(() => session.Client.DeleteAsync(1, Ct));
        await session.Client.NoopAsync(Ct);

        Assert.Equal("DELE", error.Command);
        Assert.Equal("message 1 already deleted", error.ServerText);
        session.AssertCompleted();
    }

    [Theory]
    [MemberData(nameof(ReplyShapes.All), MemberType = typeof(ReplyShapes))]
    public async Task QuitInTheTransactionStateCommitsAndCloses(ReplyShape shape)
    {
        var script = Pop3Script.LoggedIn().Client("QUIT\r\n").Server("+OK dewey POP3 server signing off (maildrop empty)\r\n");
        await using var session = await ScriptedSession.StartLoggedInAsync(script, shape);

        await session.Client.QuitAsync(Ct);

        Assert.False(session.Client.IsConnected);
        Assert.Equal(Pop3SessionState.Closed, session.Client.State);
        Assert.True(session.Stream.IsDisposed);
        session.AssertCompleted();
    }

    [Theory]
    [MemberData(nameof(ReplyShapes.All), MemberType = typeof(ReplyShapes))]
    public async Task QuitRefusedInTheUpdateStateClosesAndReportsTheError(ReplyShape shape)
    {
        // RFC 1939 §6: -ERR from QUIT means some deleted messages were not removed.
        var script = Pop3Script.LoggedIn().Client("QUIT\r\n").Server("-ERR [SYS/PERM] some deleted messages not removed\r\n");
        await using var session = await ScriptedSession.StartLoggedInAsync(script, shape);

        var error = await Assert.ThrowsAsync<Pop3CommandException>(() => session.Client.QuitAsync(Ct));

        Assert.Equal("QUIT", error.Command);
        Assert.Equal(Pop3ResponseCodeKind.SysPerm, error.ResponseCode.Kind);
        Assert.False(session.Client.IsConnected);
        Assert.True(session.Stream.IsDisposed);
        session.AssertCompleted();
    }

    [Theory]
    [MemberData(nameof(ReplyShapes.All), MemberType = typeof(ReplyShapes))]
    public async Task QuitBeforeLoginEndsTheSessionAndASecondQuitDoesNothing(ReplyShape shape)
    {
        var script = Pop3Script.Greeting().Client("QUIT\r\n").Server("+OK bye\r\n");
        await using var session = await ScriptedSession.StartAsync(script, shape);

        await session.Client.QuitAsync(Ct);
        await session.Client.QuitAsync(Ct);

        Assert.False(session.Client.IsConnected);
        session.AssertCompleted();
    }

    [Theory]
    [MemberData(nameof(ReplyShapes.All), MemberType = typeof(ReplyShapes))]
    public async Task Utf8CommandSwitchesTheSessionToUtf8(ReplyShape shape)
    {
        // RFC 6856 §2: UTF8 is allowed before authentication.
        var script = Pop3Script.Greeting(capa: "+OK\r\nUTF8\r\nUSER\r\n.\r\n").Client("UTF8\r\n").Server("+OK I only speak UTF-8 now\r\n");
        await using var session = await ScriptedSession.StartAsync(script, shape);

        await session.Client.EnableUtf8Async(Ct);

        session.AssertCompleted();
    }

    [Theory]
    [MemberData(nameof(ReplyShapes.All), MemberType = typeof(ReplyShapes))]
    public async Task LangWithoutArgumentListsTheServersLanguages(ReplyShape shape)
    {
        // RFC 6856 §3.
        var script = Pop3Script.Greeting(capa: "+OK\r\nLANG\r\nUSER\r\n.\r\n")
            .Client("LANG\r\n").Server("+OK Language listing follows:\r\nen English\r\nru Русский\r\ni-default Default language\r\n.\r\n");
        await using var session = await ScriptedSession.StartAsync(script, shape);

        var languages = await session.Client.LangAsync(Ct);

        Assert.Equal(["en English", "ru Русский", "i-default Default language"], languages);
        session.AssertCompleted();
    }

    [Theory]
    [MemberData(nameof(ReplyShapes.All), MemberType = typeof(ReplyShapes))]
    public async Task LangWithATagSelectsTheLanguageOrReportsRefusal(ReplyShape shape)
    {
        var script = Pop3Script.Greeting(capa: "+OK\r\nLANG\r\nUSER\r\n.\r\n")
            .Client("LANG ru\r\n").Server("+OK Язык изменён\r\n")
            .Client("LANG tlh\r\n").Server("-ERR Unsupported language\r\n");
        await using var session = await ScriptedSession.StartAsync(script, shape);

        await session.Client.LangAsync("ru", Ct);
        var error = await Assert.ThrowsAsync<Pop3CommandException>(() => session.Client.LangAsync("tlh", Ct));

        Assert.Equal("LANG", error.Command);
        Assert.True(session.Client.IsConnected);
        session.AssertCompleted();
    }
}
