using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Time.Testing;
using Pop3Webmail.DemoServer.Tests.TestSupport;

namespace Pop3Webmail.DemoServer.Tests;

/// <summary>The protocol on the wire, byte for byte, through a bare socket.</summary>
public sealed partial class DemoPop3SessionTests
{
    private static DemoMailbox Sample => DemoMailbox.Sample;

    [Fact]
    public async Task EveryGreetingCarriesAFreshApopTimestamp()
    {
        await using var server = DemoPop3Server.Start();
        await using var first = await RawPop3Connection.ConnectAsync(server);
        await using var second = await RawPop3Connection.ConnectAsync(server);

        var one = await first.ReadLineAsync();
        var two = await second.ReadLineAsync();

        // RFC 1939 §7: the timestamp is a msg-id, "<" ... "@" ... ">", different for every greeting.
        Assert.Matches(GreetingPattern(), one);
        Assert.Matches(GreetingPattern(), two);
        Assert.NotEqual(GreetingPattern().Match(one!).Groups["stamp"].Value, GreetingPattern().Match(two!).Groups["stamp"].Value);
    }

    [Fact]
    public async Task RetrDotStuffsEveryLineThatStartsWithADot()
    {
        const string Name = "13-dot-lines.eml";
        await using var server = DemoPop3Server.Start();
        await using var connection = await RawPop3Connection.LoginAsync(server);
        var number = SampleFiles.IndexOf(Sample.Messages, Name) + 1;
        var file = SampleFiles.ReadCrlf(Name);

        await connection.SendAsync($"RETR {number}\r\n");
        var status = await connection.ReadLineAsync();
        var wire = await connection.ReadDataBlockAsync();

        Assert.Equal($"+OK {file.Length} octets", status);
        Assert.Equal(SampleFiles.DotStuff(file), wire);
        var text = Encoding.ASCII.GetString(wire);
        Assert.Contains("\r\n..\r\n", text, StringComparison.Ordinal); // the lone "." line
        Assert.Contains("\r\n...\r\n", text, StringComparison.Ordinal); // the ".." line
        Assert.Contains("\r\n..gitignore:\r\n", text, StringComparison.Ordinal);
        Assert.EndsWith("\r\n..\r\n", text, StringComparison.Ordinal); // the message's own last line is "."
    }

    [Fact]
    public async Task TopDotStuffsAndStopsAfterTheRequestedLines()
    {
        const string Name = "13-dot-lines.eml";
        await using var server = DemoPop3Server.Start();
        await using var connection = await RawPop3Connection.LoginAsync(server);
        var number = SampleFiles.IndexOf(Sample.Messages, Name) + 1;
        var stuffed = Encoding.ASCII.GetString(SampleFiles.DotStuff(SampleFiles.ReadCrlf(Name)));
        var headerEnd = stuffed.IndexOf("\r\n\r\n", StringComparison.Ordinal) + 4;
        var bodyLines = stuffed[headerEnd..].Split("\r\n");

        await connection.SendAsync($"TOP {number} 6\r\n");
        var status = await connection.ReadLineAsync();
        var wire = Encoding.ASCII.GetString(await connection.ReadDataBlockAsync());

        Assert.Equal("+OK Top of message follows", status);
        Assert.Equal(stuffed[..headerEnd] + string.Concat(bodyLines.Take(6).Select(static l => l + "\r\n")), wire);
        Assert.EndsWith("\r\n..gitignore:\r\n..vs/\r\n..idea/\r\n", wire, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PipelinedCommandsInOneWriteAreAnsweredInOrder()
    {
        await using var server = DemoPop3Server.Start();
        await using var connection = await RawPop3Connection.ConnectAsync(server);
        var first = Sample.Messages[0];
        var second = Sample.Messages[1];
        var count = Sample.Messages.Count;

        Assert.StartsWith("+OK", await connection.ReadLineAsync(), StringComparison.Ordinal);
        // RFC 2449 §6.6: a client may send many commands at once; the replies come back in order.
        await connection.SendAsync("USER demo\r\nPASS demo\r\nSTAT\r\nLIST 1\r\nUIDL 2\r\nNOOP\r\nDELE 1\r\nLIST 1\r\nSTAT\r\nRSET\r\nRETR 2\r\nquit\r\n");

        Assert.Equal("+OK Send your password", await connection.ReadLineAsync());
        Assert.Equal($"+OK Logged in, {count} messages ({Sample.Size} octets)", await connection.ReadLineAsync());
        Assert.Equal($"+OK {count} {Sample.Size}", await connection.ReadLineAsync());
        Assert.Equal($"+OK 1 {first.Size}", await connection.ReadLineAsync());
        Assert.Equal($"+OK 2 {second.Uid}", await connection.ReadLineAsync());
        Assert.Equal("+OK", await connection.ReadLineAsync());
        Assert.Equal("+OK Message 1 deleted", await connection.ReadLineAsync());
        Assert.Equal("-ERR Message is deleted", await connection.ReadLineAsync());
        Assert.Equal($"+OK {count - 1} {Sample.Size - first.Size}", await connection.ReadLineAsync());
        Assert.Equal($"+OK {count} messages ({Sample.Size} octets)", await connection.ReadLineAsync());
        Assert.Equal($"+OK {second.Size} octets", await connection.ReadLineAsync());
        Assert.Equal(second.Content.ToArray(), await connection.ReadDataBlockAsync());
        Assert.Equal("+OK Pop3Webmail demo POP3 server signing off (0 messages deleted)", await connection.ReadLineAsync());
        Assert.Empty(await connection.ReadToEndAsync());
        Assert.Equal(["USER demo", "PASS ********", "STAT", "LIST 1", "UIDL 2", "NOOP", "DELE 1", "LIST 1", "STAT", "RSET", "RETR 2", "QUIT"],
            server.Sessions[0].Commands);
    }

    [Fact]
    public async Task MultiLineListingsFollowRfc1939()
    {
        await using var server = DemoPop3Server.Start();
        await using var connection = await RawPop3Connection.LoginAsync(server);

        await connection.SendAsync("DELE 2\r\nLIST\r\nUIDL\r\nCAPA\r\n");
        Assert.Equal("+OK Message 2 deleted", await connection.ReadLineAsync());
        var list = await connection.ReadLineAsync();
        var listing = Encoding.ASCII.GetString(await connection.ReadDataBlockAsync());
        var uidl = await connection.ReadLineAsync();
        var uids = Encoding.ASCII.GetString(await connection.ReadDataBlockAsync());
        var capa = await connection.ReadLineAsync();
        var capabilities = Encoding.ASCII.GetString(await connection.ReadDataBlockAsync());

        var live = Sample.Messages.Select(static (m, i) => (m, n: i + 1)).Where(static x => x.n != 2).ToList();
        Assert.Equal($"+OK {live.Count} messages ({live.Sum(static x => x.m.Size)} octets)", list);
        Assert.Equal(string.Concat(live.Select(static x => $"{x.n} {x.m.Size}\r\n")), listing);
        Assert.Equal("+OK Unique-ID listing follows", uidl);
        Assert.Equal(string.Concat(live.Select(static x => $"{x.n} {x.m.Uid}\r\n")), uids);
        Assert.Equal("+OK Capability list follows", capa);
        Assert.Equal("TOP\r\nUIDL\r\nRESP-CODES\r\nPIPELINING\r\nAUTH-RESP-CODE\r\nIMPLEMENTATION Pop3Webmail-DemoServer\r\n", capabilities);
    }

    [Fact]
    public async Task AuthPlainWithoutAnInitialResponseSendsAnEmptyChallenge()
    {
        await using var server = DemoPop3Server.Start();
        await using var connection = await RawPop3Connection.ConnectAsync(server);
        await connection.ReadLineAsync();

        await connection.SendAsync("AUTH PLAIN\r\n");
        var challenge = await connection.ReadLineAsync();
        await connection.SendAsync(Convert.ToBase64String("\0demo\0demo"u8) + "\r\n");
        var result = await connection.ReadLineAsync();

        Assert.Equal("+ ", challenge); // RFC 5034 §4: "+" SP, no data for PLAIN.
        Assert.StartsWith("+OK Logged in", result, StringComparison.Ordinal);
        Assert.Equal(["AUTH PLAIN"], server.Sessions[0].Commands); // The SASL response line is not a command.
    }

    [Theory]
    [InlineData("AUTH PLAIN\r\n*\r\n", "-ERR Authentication canceled")]
    [InlineData("AUTH PLAIN ZGVtbwBkZW1vAGRlbW8=\r\n", "+OK Logged in")] // authzid = authcid: allowed
    [InlineData("AUTH PLAIN YWRtaW4AZGVtbwBkZW1v\r\n", "-ERR [AUTH] Invalid user name or password")] // authzid "admin"
    [InlineData("AUTH PLAIN =\r\n", "-ERR [AUTH] Invalid user name or password")]
    [InlineData("AUTH PLAIN !!!\r\n", "-ERR Invalid base64 in the SASL response")]
    [InlineData("AUTH CRAM-MD5\r\n", "-ERR Unsupported authentication mechanism")]
    [InlineData("APOP demo 0123456789abcdef0123456789abcdef\r\n", "-ERR [AUTH] Invalid user name or password")]
    [InlineData("APOP demo not-hex\r\n", "-ERR [AUTH] Invalid user name or password")]
    [InlineData("APOP demo\r\n", "-ERR APOP needs a user name and a digest")]
    [InlineData("PASS demo\r\n", "-ERR Send USER first")]
    [InlineData("USER demo\r\nNOOP\r\nPASS demo\r\n", "-ERR Send USER first")] // PASS must directly follow USER
    [InlineData("STAT\r\n", "-ERR Not logged in")]
    [InlineData("STLS\r\n", "-ERR Unknown command")]
    [InlineData("\r\n", "-ERR Unknown command")]
    public async Task AuthorizationStateAnswersEachAttempt(string lines, string expectedLastReply)
    {
        await using var server = DemoPop3Server.Start();
        await using var connection = await RawPop3Connection.ConnectAsync(server);
        await connection.ReadLineAsync();

        await connection.SendAsync(lines + "QUIT\r\n");
        var replies = new List<string>();
        while (await connection.ReadLineAsync() is { } reply)
        {
            replies.Add(reply);
        }

        Assert.StartsWith(expectedLastReply, replies[^2], StringComparison.Ordinal);
        Assert.StartsWith("+OK Pop3Webmail demo POP3 server signing off", replies[^1], StringComparison.Ordinal);
        Assert.Equal(DemoPop3SessionEnd.Quit, await server.Sessions[0].Completion.Within());
    }

    [Theory]
    [InlineData("RETR 0", "-ERR No such message")]
    [InlineData("RETR 99999", "-ERR No such message")]
    [InlineData("RETR 99999999999", "-ERR No such message")]
    [InlineData("RETR -1", "-ERR No such message")]
    [InlineData("RETR 1x", "-ERR No such message")]
    [InlineData("RETR", "-ERR Wrong number of arguments")]
    [InlineData("LIST 1 2", "-ERR Wrong number of arguments")]
    [InlineData("TOP 1", "-ERR Wrong number of arguments")]
    [InlineData("TOP 1 -1", "-ERR The line count must be a non-negative number")]
    [InlineData("PASS demo", "-ERR Already logged in")]
    [InlineData("XYZZY", "-ERR Unknown command")]
    public async Task TransactionStateRefusesBadCommandsAndStaysUsable(string command, string expected)
    {
        await using var server = DemoPop3Server.Start();
        await using var connection = await RawPop3Connection.LoginAsync(server);

        await connection.SendAsync(command + "\r\nNOOP\r\n");

        Assert.Equal(expected, await connection.ReadLineAsync());
        Assert.Equal("+OK", await connection.ReadLineAsync());
    }

    [Theory]
    [InlineData(255, true)]
    [InlineData(256, false)]
    public async Task CommandLinesAreLimitedTo255OctetsIncludingCrlf(int lineLength, bool accepted)
    {
        await using var server = DemoPop3Server.Start();
        await using var connection = await RawPop3Connection.ConnectAsync(server);
        await connection.ReadLineAsync();

        await connection.SendAsync("USER " + new string('u', lineLength - "USER \r\n".Length) + "\r\n");
        var reply = await connection.ReadLineAsync();

        if (accepted)
        {
            Assert.Equal("+OK Send your password", reply);
        }
        else
        {
            Assert.Equal("-ERR Line too long, closing the connection", reply);
            Assert.Empty(await connection.ReadToEndAsync());
            Assert.Equal(DemoPop3SessionEnd.LineTooLong, await server.Sessions[0].Completion.Within());
        }
    }

    [Fact]
    public async Task AnEndlessLineWithoutCrlfIsCutOffAtTheLimit()
    {
        await using var server = DemoPop3Server.Start();
        await using var connection = await RawPop3Connection.ConnectAsync(server);
        await connection.ReadLineAsync();

        await connection.SendAsync(new string('A', 1000));

        Assert.Equal("-ERR Line too long, closing the connection", await connection.ReadLineAsync());
        Assert.Empty(await connection.ReadToEndAsync());
        Assert.Equal(DemoPop3SessionEnd.LineTooLong, await server.Sessions[0].Completion.Within());
        Assert.Empty(server.Sessions[0].Commands);
    }

    [Fact]
    public async Task IdleSessionIsLoggedOutWithoutAReplyAndWithoutCommitting()
    {
        var clock = new FakeTimeProvider();
        var idle = TimeSpan.FromMinutes(10);
        await using var server = DemoPop3Server.Start(new DemoPop3ServerOptions { TimeProvider = clock, IdleTimeout = idle });
        await using var connection = await RawPop3Connection.LoginAsync(server);
        await connection.SendAsync("DELE 1\r\n");
        Assert.Equal("+OK Message 1 deleted", await connection.ReadLineAsync());

        // The timer restarts with every command: 9 + 9 minutes of fake time with a command between keep it alive.
        clock.Advance(idle - TimeSpan.FromMinutes(1));
        await connection.SendAsync("NOOP\r\n");
        Assert.Equal("+OK", await connection.ReadLineAsync());
        clock.Advance(idle - TimeSpan.FromMinutes(1));
        await connection.SendAsync("NOOP\r\n");
        Assert.Equal("+OK", await connection.ReadLineAsync());
        Assert.True(server.Sessions[0].IsOpen);

        clock.Advance(idle);

        // RFC 1939 §3: no response, no UPDATE.
        Assert.Empty(await connection.ReadToEndAsync());
        Assert.Equal(DemoPop3SessionEnd.IdleTimeout, await server.Sessions[0].Completion.Within());
        Assert.Equal(Sample.Messages.Count, server.GetMessages(DemoPop3Server.DemoUserName).Count);
    }

    [Fact]
    public async Task LockIsReleasedWhenTheHolderDisconnectsWithoutQuit()
    {
        await using var server = DemoPop3Server.Start();
        var holder = await RawPop3Connection.LoginAsync(server);
        await using var waiting = await RawPop3Connection.ConnectAsync(server);
        await waiting.ReadLineAsync();
        await waiting.SendAsync("USER demo\r\nPASS demo\r\n");
        await waiting.ReadLineAsync();
        Assert.Equal("-ERR [IN-USE] The maildrop is locked by another session", await waiting.ReadLineAsync());

        await holder.DisposeAsync();
        await server.Sessions[0].Completion.Within();
        await waiting.SendAsync("USER demo\r\nPASS demo\r\n");
        await waiting.ReadLineAsync();

        Assert.StartsWith("+OK Logged in", await waiting.ReadLineAsync(), StringComparison.Ordinal);
    }

    [GeneratedRegex(@"^\+OK Pop3Webmail demo POP3 server ready (?<stamp><[0-9a-f]{16}\.\d+@pop3webmail\.invalid>)$")]
    private static partial Regex GreetingPattern();
}
