using System.Text;
using Pop3Webmail.Pop3.Tests.Scripting;

namespace Pop3Webmail.Pop3.Tests;

/// <summary>
/// Every bound against a hostile server, as exact transcripts: the reply goes past the bound, the client stops at
/// once with a typed error, the connection is closed first, and only a little more than the bound was read.
/// </summary>
public sealed class Pop3ClientLimitTests
{
    /// <summary>What a client may read past a bound before it notices: one receive buffer and a line.</summary>
    private const int ReadAhead = 32 * 1024;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [MemberData(nameof(ReplyShapes.Bulk), MemberType = typeof(ReplyShapes))]
    public async Task ACapabilityListLongerThanAnyServerSendsStopsTheConnect(ReplyShape shape)
    {
        var capa = "+OK\r\n" + Lines(10_000, n => $"X-CAPABILITY-{n}") + ".\r\n";
        var stream = new ScriptedPop3Stream(Pop3Script.Greeting(capa: capa), shape);
        await using var client = new Pop3Client(ScriptedSession.PlaintextOptions());

        var error = await Assert.ThrowsAsync<Pop3LimitExceededException>(() => client.ConnectAsync(stream, "pop.example.test", Ct));

        Assert.Equal(Pop3Limit.ReplyLines, error.Limit);
        Assert.Equal(256, error.Maximum);
        Assert.True(stream.IsDisposed);
        Assert.False(client.IsConnected);
        Assert.InRange(stream.BytesServed, 0, BytesOfLines(capa, 258) + ReadAhead);
    }

    [Theory]
    [MemberData(nameof(ReplyShapes.Bulk), MemberType = typeof(ReplyShapes))]
    public async Task ACapabilityListAfterLoginIsBoundedToo(ReplyShape shape)
    {
        var script = Pop3Script.LoggedIn("+OK\r\n" + Lines(300, n => $"X-CAP-{n}") + ".\r\n");
        var stream = new ScriptedPop3Stream(script, shape);
        await using var client = new Pop3Client(ScriptedSession.PlaintextOptions());
        await client.ConnectAsync(stream, "pop.example.test", Ct);

        var error = await Assert.ThrowsAsync<Pop3LimitExceededException>(
            () => client.AuthenticateAsync(Pop3AuthenticationMechanism.User, Pop3Script.UserName, Pop3Script.Password, Ct));

        Assert.Equal(Pop3Limit.ReplyLines, error.Limit);
        Assert.False(client.IsConnected);
    }

    [Fact]
    public async Task ALanguageListIsBoundedLikeCapabilities()
    {
        var script = Pop3Script.LoggedIn().Client("LANG\r\n").Server("+OK\r\n" + Lines(257, n => $"x{n} Language {n}") + ".\r\n");
        await using var session = await ScriptedSession.StartLoggedInAsync(script, ReplyShape.RandomCrlf);

        var error = await Assert.ThrowsAsync<Pop3LimitExceededException>(() => session.Client.LangAsync(Ct));

        Assert.Equal(Pop3Limit.ReplyLines, error.Limit);
        Assert.True(session.Stream.IsDisposed);
    }

    [Theory]
    [InlineData("LIST", ReplyShape.WholeCrlf)]
    [InlineData("LIST", ReplyShape.OneByteLf)]
    [InlineData("UIDL", ReplyShape.RandomCrlf)]
    [InlineData("UIDL", ReplyShape.WholeLf)]
    public async Task AListingWithMoreLinesThanStatCountedStopsAtTheFirstExtraLine(string verb, ReplyShape shape)
    {
        var reply = "+OK\r\n" + Lines(2_000, n => verb == "LIST" ? $"{n} {1000 + n}" : $"{n} uid-{n}") + ".\r\n";
        var script = Pop3Script.LoggedIn().Stat(3, 3003).Client(verb + "\r\n").Server(reply);
        await using var session = await ScriptedSession.StartLoggedInAsync(script, shape);

        var error = await Assert.ThrowsAsync<Pop3LimitExceededException>(() => verb == "LIST" ? session.Client.ListAsync(Ct) : session.Client.UidlAsync(Ct));

        Assert.Equal(Pop3Limit.ListingLines, error.Limit);
        Assert.Equal(3, error.Maximum);
        Assert.True(session.Stream.IsDisposed);
        Assert.InRange(session.Stream.BytesServed, 0, BytesOfLines(reply, 5) + 200 + ReadAhead);
    }

    [Theory]
    [InlineData("LIST", "1 100\r\n1 100\r\n")]
    [InlineData("UIDL", "1 a\r\n1 b\r\n")]
    [InlineData("LIST", "0 100\r\n")]
    [InlineData("UIDL", "0 a\r\n")]
    [InlineData("LIST", "4 100\r\n")]
    [InlineData("UIDL", "4 a\r\n")]
    [InlineData("LIST", "1 -100\r\n")]
    [InlineData("LIST", "1 1099511627777\r\n")]
    [InlineData("LIST", "-1 100\r\n")]
    [InlineData("UIDL", "1\r\n")]
    public async Task RepeatedOrOutOfRangeNumbersAndImpossibleSizesAreAnInvalidReply(string verb, string lines)
    {
        // STAT counted 3 messages: numbers are 1 to 3, each at most once (RFC 1939 §5, §7), sizes 0 to 1 TiB.
        var script = Pop3Script.LoggedIn().Stat(3, 300).Client(verb + "\r\n").Server("+OK\r\n" + lines + ".\r\n");
        await using var session = await ScriptedSession.StartLoggedInAsync(script, ReplyShape.RandomCrlf);

        var error = await Assert.ThrowsAsync<Pop3ProtocolException>(() => verb == "LIST" ? session.Client.ListAsync(Ct) : session.Client.UidlAsync(Ct));

        Assert.IsNotType<Pop3LimitExceededException>(error);
        Assert.Contains("invalid " + verb + " reply", error.Message, StringComparison.Ordinal);
        Assert.True(session.Stream.IsDisposed);
    }

    [Fact]
    public async Task TheLargestPlausibleSizeIsAccepted()
    {
        var script = Pop3Script.LoggedIn().Stat(1, 0).Client("LIST\r\n").Server("+OK\r\n1 1099511627776\r\n.\r\n");
        await using var session = await ScriptedSession.StartLoggedInAsync(script, ReplyShape.WholeCrlf);

        Assert.Equal([new Pop3MessageSize(1, 1L << 40)], await session.Client.ListAsync(Ct));
        session.AssertCompleted();
    }

    [Fact]
    public async Task AListingFatterThanItsLinesCanBeIsAByteLimitError()
    {
        // Ten lines are allowed 10 × 128 + 64 KiB; ten lines of 8,000 bytes each are not sloppiness but an attack.
        var fat = new string('u', 8_000);
        var reply = "+OK\r\n" + Lines(10, n => $"{n} {fat}") + ".\r\n";
        var script = Pop3Script.LoggedIn().Stat(10, 1000).Client("UIDL\r\n").Server(reply);
        await using var session = await ScriptedSession.StartLoggedInAsync(script, ReplyShape.WholeCrlf);

        var error = await Assert.ThrowsAsync<Pop3LimitExceededException>(() => session.Client.UidlAsync(Ct));

        Assert.Equal(Pop3Limit.ReplyBytes, error.Limit);
        Assert.Equal((10 * 128) + (64 * 1024), error.Maximum);
        Assert.True(session.Stream.IsDisposed);
    }

    [Fact]
    public async Task AMailboxAboveMaxMessageCountIsRefusedBeforeItsListingIsRead()
    {
        var options = new Pop3ClientOptions { Security = Pop3Security.None, AllowPlaintextAuthentication = true, MaxMessageCount = 500 };
        var script = Pop3Script.LoggedIn().Stat(501, 50_100).Client("LIST\r\n").Server("+OK\r\n" + Lines(501, n => $"{n} 100") + ".\r\n");
        await using var session = await ScriptedSession.StartLoggedInAsync(script, ReplyShape.WholeCrlf, options);

        var error = await Assert.ThrowsAsync<Pop3LimitExceededException>(() => session.Client.ListAsync(Ct));

        Assert.Equal(Pop3Limit.MessageCount, error.Limit);
        Assert.Equal(500, error.Maximum);
        Assert.True(session.Stream.IsDisposed);
    }

    [Theory]
    [MemberData(nameof(ReplyShapes.Bulk), MemberType = typeof(ReplyShapes))]
    public async Task AnEndlessHeaderLineInTopStopsAtMaxHeaderBytesWithoutDraining(ReplyShape shape)
    {
        var options = new Pop3ClientOptions { Security = Pop3Security.None, AllowPlaintextAuthentication = true, MaxHeaderBytes = 4096 };
        var endless = "+OK\r\nX-Endless: " + new string('a', 2_000_000) + "\r\n\r\n.\r\n";
        var script = Pop3Script.LoggedIn().Stat(1, 100).Client("LIST\r\n").Server("+OK\r\n1 100\r\n.\r\n")
            .Client("UIDL\r\n").Server("+OK\r\n1 u\r\n.\r\n")
            .Client("TOP 1 0\r\n").Server(endless);
        await using var session = await ScriptedSession.StartLoggedInAsync(script, shape, options);

        var error = await Assert.ThrowsAsync<Pop3LimitExceededException>(() => session.Client.GetMessageSummariesAsync([1], cancellationToken: Ct));

        Assert.Equal(Pop3Limit.HeaderBytes, error.Limit);
        Assert.Equal(1, error.MessageNumber);
        Assert.True(session.Stream.IsDisposed);
        Assert.InRange(session.Stream.BytesServed, 0, 4096 + ReadAhead + 1000);
    }

    [Fact]
    public async Task ATopReplyThatGoesOnAfterItsHeadersIsStoppedAtMaxHeaderBytes()
    {
        // TOP n 0 asks for no body lines; a reply that sends a megabyte of them anyway is not drained.
        var options = new Pop3ClientOptions { Security = Pop3Security.None, AllowPlaintextAuthentication = true, MaxHeaderBytes = 4096 };
        var reply = "+OK\r\nSubject: short\r\n\r\n" + Lines(50_000, n => $"body line {n}") + ".\r\n";
        var script = Pop3Script.LoggedIn().Stat(1, 100).Client("LIST\r\n").Server("+OK\r\n1 100\r\n.\r\n")
            .Client("UIDL\r\n").Server("+OK\r\n1 u\r\n.\r\n")
            .Client("TOP 1 0\r\n").Server(reply);
        await using var session = await ScriptedSession.StartLoggedInAsync(script, ReplyShape.RandomCrlf, options);

        var error = await Assert.ThrowsAsync<Pop3LimitExceededException>(() => session.Client.GetMessageSummariesAsync([1], cancellationToken: Ct));

        Assert.Equal(Pop3Limit.HeaderBytes, error.Limit);
        Assert.InRange(session.Stream.BytesServed, 0, 4096 + ReadAhead + 1000);
    }

    [Fact]
    public async Task AHeaderBlockOfExactlyMaxHeaderBytesIsAccepted()
    {
        var options = new Pop3ClientOptions { Security = Pop3Security.None, AllowPlaintextAuthentication = true, MaxHeaderBytes = 4096 };
        var header = "Subject: fits\r\nX-Fill: ";
        header += new string('f', 4096 - header.Length - 4) + "\r\n\r\n";
        var script = Pop3Script.LoggedIn().Stat(1, 4096).Client("LIST\r\n").Server("+OK\r\n1 4096\r\n.\r\n")
            .Client("UIDL\r\n").Server("+OK\r\n1 u\r\n.\r\n")
            .Client("TOP 1 0\r\n").Server("+OK\r\n" + header + ".\r\n");
        await using var session = await ScriptedSession.StartLoggedInAsync(script, ReplyShape.WholeCrlf, options);

        var summary = Assert.Single(await session.Client.GetMessageSummariesAsync([1], cancellationToken: Ct));

        Assert.Equal(4096, Encoding.ASCII.GetByteCount(header));
        Assert.Equal("fits", summary.Subject);
        session.AssertCompleted();
    }

    [Fact]
    public async Task TheRetrFallbackStopsAtMaxHeaderBytesWhenTheHeaderNeverEnds()
    {
        var options = new Pop3ClientOptions { Security = Pop3Security.None, AllowPlaintextAuthentication = true, MaxHeaderBytes = 4096 };
        var script = Pop3Script.LoggedIn("-ERR unknown command\r\n").Stat(1, 2_000_000)
            .Client("LIST\r\n").Server("+OK\r\n1 2000000\r\n.\r\n")
            .Client("UIDL\r\n").Server("-ERR unknown command\r\n")
            .Client("TOP 1 0\r\n").Server("-ERR unknown command\r\n")
            .Client("RETR 1\r\n").Server("+OK\r\n" + Lines(100_000, n => $"X-Header-{n}: value") + ".\r\n");
        await using var session = await ScriptedSession.StartLoggedInAsync(script, ReplyShape.RandomLf, options);

        var error = await Assert.ThrowsAsync<Pop3LimitExceededException>(() => session.Client.GetMessageSummariesAsync([1], cancellationToken: Ct));

        Assert.Equal(Pop3Limit.HeaderBytes, error.Limit);
        Assert.Equal(1, error.MessageNumber);
    }

    [Theory]
    [MemberData(nameof(ReplyShapes.Bulk), MemberType = typeof(ReplyShapes))]
    public async Task AMessageFarLargerThanItsListSizeStopsAtTwiceThatPlusOneMebibyte(ReplyShape shape)
    {
        var body = Lines(200_000, n => $"line {n} of a message that claimed to be one kilobyte");
        var script = Pop3Script.LoggedIn().Stat(1, 1024).Client("LIST\r\n").Server("+OK\r\n1 1024\r\n.\r\n")
            .Client("RETR 1\r\n").Server("+OK\r\n" + body + ".\r\n");
        await using var session = await ScriptedSession.StartLoggedInAsync(script, shape);
        await session.Client.ListAsync(Ct);

        await using var message = await session.Client.RetrieveAsync(1, Ct);
        var error = await Assert.ThrowsAsync<Pop3LimitExceededException>(() => message.CopyToAsync(Stream.Null, Ct));

        Assert.Equal(Pop3Limit.MessageSize, error.Limit);
        Assert.Equal((2 * 1024) + (1024 * 1024), error.Maximum);
        Assert.Equal(1, error.MessageNumber);
        Assert.True(session.Stream.IsDisposed);
        Assert.InRange(session.Stream.BytesServed, 0, error.Maximum + ReadAhead + 300);
    }

    [Fact]
    public async Task AMessageWithBareLfLinesCountedAsCrlfStillFitsItsListSize()
    {
        // The LIST size counts CRLF (RFC 1939 §11); a server that stored LF and counted that is off by at most 2×.
        var body = Lines(2_000, _ => string.Empty);
        var script = Pop3Script.LoggedIn().Stat(1, 2_000).Client("LIST\r\n").Server("+OK\r\n1 2000\r\n.\r\n")
            .Client("RETR 1\r\n").Server("+OK\r\n" + body + ".\r\n");
        await using var session = await ScriptedSession.StartLoggedInAsync(script, ReplyShape.WholeCrlf);
        await session.Client.ListAsync(Ct);

        await using var message = await session.Client.RetrieveAsync(1, Ct);
        var copy = new MemoryStream();
        await message.CopyToAsync(copy, Ct);

        Assert.Equal(4_000, copy.Length);
        session.AssertCompleted();
    }

    [Fact]
    public async Task AMessageOfUnknownSizeStopsAtMaxMessageSize()
    {
        var options = new Pop3ClientOptions { Security = Pop3Security.None, AllowPlaintextAuthentication = true, MaxMessageSize = 64 * 1024 };
        var script = Pop3Script.LoggedIn().Client("RETR 1\r\n").Server("+OK\r\n" + Lines(20_000, n => $"line {n}") + ".\r\n");
        await using var session = await ScriptedSession.StartLoggedInAsync(script, ReplyShape.RandomCrlf, options);

        await using var message = await session.Client.RetrieveAsync(1, Ct);
        var error = await Assert.ThrowsAsync<Pop3LimitExceededException>(() => message.CopyToAsync(Stream.Null, Ct));

        Assert.Equal(Pop3Limit.MessageSize, error.Limit);
        Assert.Equal(64 * 1024, error.Maximum);
        Assert.InRange(session.Stream.BytesServed, 0, (64 * 1024) + ReadAhead + 300);
    }

    [Fact]
    public async Task AHalfReadMessageIsDrainedByTheNextCommandOnlyWithinItsLimit()
    {
        var options = new Pop3ClientOptions { Security = Pop3Security.None, AllowPlaintextAuthentication = true, MaxMessageSize = 64 * 1024 };
        var script = Pop3Script.LoggedIn().Client("RETR 1\r\n").Server("+OK\r\n" + Lines(20_000, n => $"line {n}") + ".\r\n");
        await using var session = await ScriptedSession.StartLoggedInAsync(script, ReplyShape.WholeCrlf, options);
        var message = await session.Client.RetrieveAsync(1, Ct);
        await message.ReadExactlyAsync(new byte[100], Ct);
        await message.DisposeAsync();

        var error = await Assert.ThrowsAsync<Pop3LimitExceededException>(() => session.Client.NoopAsync(Ct));

        Assert.Equal(Pop3Limit.MessageSize, error.Limit);
        Assert.False(session.Client.IsConnected);
    }

    /// <summary>n lines "text(i)\r\n" for i = 1..n.</summary>
    private static string Lines(int count, Func<int, string> text)
    {
        var builder = new StringBuilder();
        for (var n = 1; n <= count; n++)
        {
            builder.Append(text(n)).Append("\r\n");
        }

        return builder.ToString();
    }

    /// <summary>The bytes of the first <paramref name="lines"/> lines of <paramref name="reply"/> (status line included).</summary>
    private static int BytesOfLines(string reply, int lines)
    {
        var end = 0;
        for (var i = 0; i < lines && end >= 0; i++)
        {
            end = reply.IndexOf('\n', end) + 1;
        }

        return Encoding.UTF8.GetByteCount(reply.AsSpan(0, end));
    }
}
