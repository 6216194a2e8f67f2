using System.Text;
using Pop3Webmail.Pop3.Tests.Scripting;

namespace Pop3Webmail.Pop3.Tests;

/// <summary>
/// <see cref="Pop3Client.ListMailboxAsync"/>: the mailbox opened in the fewest round trips the server allows. The
/// scripted server counts flights, the times the client waited for it with nothing more to send; with one byte per
/// read, what the client has read is what it has parsed, so a write that finds replies unread truly overlaps them.
/// </summary>
public sealed class Pop3ClientMailboxListingTests
{
    /// <summary>"\0bob\0secret" (RFC 4616), the SASL PLAIN initial response of the canned account.</summary>
    private const string PlainResponse = "AGJvYgBzZWNyZXQ=";

    private const string PipeliningSaslCapa = "+OK\r\nSASL PLAIN\r\nTOP\r\nUIDL\r\nPIPELINING\r\n.\r\n";
    private const string PipeliningCapaAfterLogin = "+OK\r\nTOP\r\nUIDL\r\nPIPELINING\r\n.\r\n";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static TheoryData<ReplyShape> OneByteShapes { get; } = new(ReplyShape.OneByteCrlf, ReplyShape.OneByteLf);

    [Theory]
    [MemberData(nameof(OneByteShapes))]
    public async Task WithPipeliningTheFirstPageNeedsGreetingCapaAuthAndOneFlight(ReplyShape shape)
    {
        const int messages = 60;
        const int page = 5;
        Pop3Script ThroughStat() => Pop3Script.Greeting(capa: PipeliningSaslCapa)
            .Client($"AUTH PLAIN {PlainResponse}\r\n").Server("+OK Logged in.\r\n")
            .Client("CAPA\r\n").Server(PipeliningCapaAfterLogin)
            .Stat(messages, messages * 1000);
        var script = ThroughStat()
            .Client("LIST\r\n").Server(Listing(messages, n => $"{n} {1000 + n}"))
            .Client("UIDL\r\n").Server(Listing(messages, n => $"{n} uid-{n}"));
        for (var n = messages; n > messages - page; n--)
        {
            script.Client($"TOP {n} 0\r\n").Server($"+OK\r\nSubject: message {n}\r\nFrom: Sender <s{n}@example.test>\r\n\r\n.\r\n");
        }

        await using var session = await ScriptedSession.StartAsync(script, shape, allowPipelining: true);
        await session.Client.AuthenticateAsync("bob", "secret", Ct);

        var listing = await session.Client.ListMailboxAsync(page, Ct);

        Assert.Equal(4, session.Stream.Flights);
        // The TOP batch went out the moment STAT's reply was parsed, before a byte of LIST's reply was read.
        Assert.Equal(ThroughStat().ServerBytes(shape).Length, session.Stream.ServedWhenWritten($"TOP {messages} 0"));
        Assert.Equal(new Pop3Statistics(messages, messages * 1000), listing.Statistics);
        Assert.Equal(Enumerable.Range(1, messages), listing.Sizes.Select(static s => s.MessageNumber));
        Assert.Equal($"uid-{messages}", listing.Uids![^1].Uid);
        Assert.Equal(Enumerable.Range(messages - page + 1, page).Reverse(), listing.NewestSummaries.Select(static s => s.MessageNumber));
        Assert.Equal($"message {messages}", listing.NewestSummaries[0].Subject);
        Assert.Equal($"uid-{messages}", listing.NewestSummaries[0].Uid);
        Assert.Equal(1000 + messages, listing.NewestSummaries[0].Size);
        Assert.Empty(session.Client.Capabilities.SaslMechanisms); // The post-login CAPA came in the flight.
        session.AssertCompleted();
    }

    [Theory]
    [MemberData(nameof(ReplyShapes.All), MemberType = typeof(ReplyShapes))]
    public async Task WithoutPipeliningEveryCommandIsARoundTripOfItsOwn(ReplyShape shape)
    {
        // RFC 1939 without RFC 2449 §6.6: the least the protocol allows is one command per round trip.
        var script = Pop3Script.LoggedIn()
            .Stat(3, 3000)
            .Client("LIST\r\n").Server(Listing(3, n => $"{n} 1000"))
            .Client("UIDL\r\n").Server(Listing(3, n => $"{n} u{n}"))
            .Client("TOP 3 0\r\n").Server("+OK\r\nSubject: three\r\n\r\n.\r\n")
            .Client("TOP 2 0\r\n").Server("+OK\r\nSubject: two\r\n\r\n.\r\n");
        await using var session = await ScriptedSession.StartLoggedInAsync(script, shape);

        var listing = await session.Client.ListMailboxAsync(2, Ct);

        // Greeting, CAPA, USER, PASS, CAPA, then STAT, LIST, UIDL and two TOP.
        Assert.Equal(10, session.Stream.Flights);
        Assert.Equal(["three", "two"], listing.NewestSummaries.Select(static s => s.Subject));
        session.AssertCompleted();
    }

    [Theory]
    [MemberData(nameof(OneByteShapes))]
    public async Task ATopProbeRefusedInTheFirstBatchIsRetriedWithRetrInTheSameFlight(ReplyShape shape)
    {
        // CAPA does not list TOP (RFC 1939 §7: optional), so the first TOP batch is the probe.
        const string capa = "+OK\r\nSASL PLAIN\r\nUIDL\r\nPIPELINING\r\n.\r\n";
        var script = Pop3Script.Greeting(capa: capa)
            .Client($"AUTH PLAIN {PlainResponse}\r\n").Server("+OK\r\n")
            .Client("CAPA\r\n").Server("+OK\r\nUIDL\r\nPIPELINING\r\n.\r\n")
            .Stat(3, 300)
            .Client("LIST\r\n").Server(Listing(3, n => $"{n} 100"))
            .Client("UIDL\r\n").Server(Listing(3, n => $"{n} u{n}"))
            .Client("TOP 3 0\r\n").Server("-ERR unknown command\r\n")
            .Client("TOP 2 0\r\n").Server("-ERR unknown command\r\n")
            .Client("RETR 3\r\n").Server("+OK\r\nSubject: three\r\n\r\nbody\r\n.\r\n")
            .Client("RETR 2\r\n").Server("+OK\r\nSubject: two\r\n\r\nbody\r\n.\r\n")
            .Client("RETR 1\r\n").Server("+OK\r\nSubject: one\r\n\r\nbody\r\n.\r\n");
        await using var session = await ScriptedSession.StartAsync(script, shape, allowPipelining: true);
        await session.Client.AuthenticateAsync("bob", "secret", Ct);

        var listing = await session.Client.ListMailboxAsync(2, Ct);
        var laterPage = await session.Client.GetMessageSummariesAsync([1], cancellationToken: Ct);

        Assert.Equal(["three", "two"], listing.NewestSummaries.Select(static s => s.Subject));
        Assert.Equal("one", Assert.Single(laterPage).Subject); // The refusal was remembered: RETR at once.
        session.AssertCompleted();
    }

    [Theory]
    [MemberData(nameof(ReplyShapes.All), MemberType = typeof(ReplyShapes))]
    public async Task ARefusedUidlMeansNoUidsAndIsNotAskedAgain(ReplyShape shape)
    {
        var script = Pop3Script.LoggedIn()
            .Stat(2, 200)
            .Client("LIST\r\n").Server(Listing(2, n => $"{n} 100"))
            .Client("UIDL\r\n").Server("-ERR not supported\r\n")
            .Client("TOP 2 0\r\n").Server("+OK\r\nSubject: two\r\n\r\n.\r\n")
            .Client("TOP 1 0\r\n").Server("+OK\r\nSubject: one\r\n\r\n.\r\n");
        await using var session = await ScriptedSession.StartLoggedInAsync(script, shape);

        var listing = await session.Client.ListMailboxAsync(1, Ct);
        var laterPage = await session.Client.GetMessageSummariesAsync([1], cancellationToken: Ct);

        Assert.Null(listing.Uids);
        Assert.Null(Assert.Single(listing.NewestSummaries).Uid);
        Assert.Null(Assert.Single(laterPage).Uid);
        session.AssertCompleted();
    }

    [Fact]
    public async Task LaterPagesReuseTheListingAndSendOnlyTop()
    {
        var script = Pop3Script.LoggedIn(PipeliningCapaAfterLogin)
            .Stat(4, 400)
            .Client("LIST\r\n").Server(Listing(4, n => $"{n} 100"))
            .Client("UIDL\r\n").Server(Listing(4, n => $"{n} u{n}"))
            .Client("TOP 4 0\r\n").Server("+OK\r\nSubject: four\r\n\r\n.\r\n")
            .Client("TOP 1 0\r\n").Server("+OK\r\nSubject: one\r\n\r\n.\r\n")
            .Client("TOP 2 0\r\n").Server("+OK\r\nSubject: two\r\n\r\n.\r\n");
        await using var session = await ScriptedSession.StartLoggedInAsync(script, ReplyShape.RandomCrlf, allowPipelining: true);

        await session.Client.ListMailboxAsync(1, Ct);
        var page = await session.Client.GetMessageSummariesAsync([1, 2], cancellationToken: Ct);

        Assert.Equal(["u1", "u2"], page.Select(static s => s.Uid));
        session.AssertCompleted();
    }

    [Fact]
    public async Task AnEmptyMailboxIsListedWithoutAnyTop()
    {
        var script = Pop3Script.LoggedIn()
            .Stat(0)
            .Client("LIST\r\n").Server("+OK\r\n.\r\n")
            .Client("UIDL\r\n").Server("+OK\r\n.\r\n");
        await using var session = await ScriptedSession.StartLoggedInAsync(script, ReplyShape.WholeCrlf);

        var listing = await session.Client.ListMailboxAsync(50, Ct);

        Assert.Empty(listing.Sizes);
        Assert.Empty(listing.Uids!);
        Assert.Empty(listing.NewestSummaries);
        session.AssertCompleted();
    }

    [Fact]
    public async Task TheNewestMessagesLeaveOutThoseThisSessionDeleted()
    {
        var script = Pop3Script.LoggedIn()
            .Client("DELE 3\r\n").Server("+OK\r\n")
            .Stat(2, 200)
            .Client("LIST\r\n").Server("+OK\r\n1 100\r\n2 100\r\n.\r\n")
            .Client("UIDL\r\n").Server("+OK\r\n1 u1\r\n2 u2\r\n.\r\n")
            .Client("TOP 2 0\r\n").Server("+OK\r\nSubject: two\r\n\r\n.\r\n");
        await using var session = await ScriptedSession.StartLoggedInAsync(script, ReplyShape.OneByteCrlf);
        await session.Client.DeleteAsync(3, Ct);

        var listing = await session.Client.ListMailboxAsync(1, Ct);

        Assert.Equal(2, Assert.Single(listing.NewestSummaries).MessageNumber);
        session.AssertCompleted();
    }

    [Fact]
    public async Task ARefusedListIsACommandErrorAfterTheFlightAndTheConnectionStaysUsable()
    {
        var script = Pop3Script.LoggedIn()
            .Stat(1, 100)
            .Client("LIST\r\n").Server("-ERR [SYS/TEMP] try later\r\n")
            .Client("UIDL\r\n").Server("+OK\r\n1 u1\r\n.\r\n")
            .Client("NOOP\r\n").Server("+OK\r\n");
        await using var session = await ScriptedSession.StartLoggedInAsync(script, ReplyShape.RandomLf);

        var error = await Assert.ThrowsAsync<Pop3CommandException>(() => session.Client.ListMailboxAsync(0, Ct));
        await session.Client.NoopAsync(Ct);

        Assert.Equal("LIST", error.Command);
        Assert.Equal(Pop3ResponseCodeKind.SysTemp, error.ResponseCode.Kind);
        session.AssertCompleted();
    }

    [Fact]
    public async Task ListingBeforeLoginIsMisuse()
    {
        await using var session = await ScriptedSession.StartAsync(Pop3Script.Greeting(), ReplyShape.WholeCrlf);

        await Assert.ThrowsAsync<InvalidOperationException>(() => session.Client.ListMailboxAsync(10, Ct));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => session.Client.ListMailboxAsync(-1, Ct));
    }

    /// <summary>A multi-line +OK with "line(n)" for n = 1..count and the terminating ".".</summary>
    private static string Listing(int count, Func<int, string> line)
    {
        var text = new StringBuilder("+OK\r\n");
        for (var n = 1; n <= count; n++)
        {
            text.Append(line(n)).Append("\r\n");
        }

        return text.Append(".\r\n").ToString();
    }
}
