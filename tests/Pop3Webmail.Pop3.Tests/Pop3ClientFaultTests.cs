using Pop3Webmail.Pop3.Tests.Scripting;

namespace Pop3Webmail.Pop3.Tests;

/// <summary>Hostile and broken servers, and callers that misuse the client.</summary>
public sealed class Pop3ClientFaultTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static TheoryData<string, ReplyShape> GarbageStatusLines { get; } = ReplyShapes.Cross(
        "OK 2 320\r\n",
        "+OKAY 2 320\r\n",
        "-ERROR\r\n",
        "+ dGVzdA==\r\n",
        "+\r\n",
        "\r\n",
        " +OK 2 320\r\n",
        "\0\0\0\r\n",
        "* OK IMAP4rev1 ready\r\n");

    public static TheoryData<ReplyShape> EveryPointShapes { get; } = new(ReplyShape.WholeCrlf, ReplyShape.OneByteCrlf, ReplyShape.RandomLf);

    [Theory]
    [MemberData(nameof(EveryPointShapes))]
    public async Task EndOfStreamAtAnyPointIsAProtocolErrorThatClosesTheConnection(ReplyShape shape)
    {
        // The server hangs up after every possible byte of a complete session; the only acceptable outcomes
        // are a Pop3ProtocolException with the connection closed, or (with every byte sent) success.
        var total = RepresentativeSession().ServerBytes(shape).Length;
        var failures = new List<string>();
        for (var cut = 0; cut <= total; cut++)
        {
            var stream = new ScriptedPop3Stream(RepresentativeSession(), shape) { ServerCutAt = cut };
            await using var client = new Pop3Client(ScriptedSession.PlaintextOptions());
            try
            {
                await RunRepresentativeSessionAsync(client, stream);
                if (cut != total)
                {
                    failures.Add($"cut at {cut}: the session succeeded without all server bytes");
                }
                else
                {
                    stream.AssertCompleted();
                }
            }
            catch (Pop3ProtocolException ex) when (ex is not Pop3TimeoutException)
            {
                if (client.IsConnected || !stream.IsDisposed)
                {
                    failures.Add($"cut at {cut}: the connection stayed open after {ex.Message}");
                }
                else if (cut == total)
                {
                    failures.Add($"complete session failed: {ex.Message}");
                }
            }
            catch (Exception ex)
            {
                failures.Add($"cut at {cut}: {ex.GetType().Name}: {ex.Message}");
            }
        }

        Assert.True(failures.Count == 0, string.Join(Environment.NewLine, failures.Take(20)));
    }

    [Theory]
    [MemberData(nameof(ReplyShapes.All), MemberType = typeof(ReplyShapes))]
    public async Task AStatusLineLongerThanMaxLineLengthIsAProtocolError(ReplyShape shape)
    {
        var options = new Pop3ClientOptions { Security = Pop3Security.None, MaxLineLength = 512 };
        var stream = new ScriptedPop3Stream(new Pop3Script().Server("+OK " + new string('a', 509) + "\r\n"), shape);
        await using var client = new Pop3Client(options);

        await Assert.ThrowsAsync<Pop3ProtocolException>(() => client.ConnectAsync(stream, "pop.example.test", Ct));

        Assert.False(client.IsConnected);
        Assert.True(stream.IsDisposed);
    }

    [Theory]
    [MemberData(nameof(ReplyShapes.All), MemberType = typeof(ReplyShapes))]
    public async Task AStatusLineOfExactlyMaxLineLengthIsAccepted(ReplyShape shape)
    {
        var greeting = "+OK " + new string('a', 508);
        var options = new Pop3ClientOptions { Security = Pop3Security.None, MaxLineLength = 512 };
        var stream = new ScriptedPop3Stream(Pop3Script.Greeting(greeting + "\r\n"), shape);
        await using var client = new Pop3Client(options);

        await client.ConnectAsync(stream, "pop.example.test", Ct);

        Assert.Equal(greeting[4..], client.Greeting);
        stream.AssertCompleted();
    }

    [Theory]
    [InlineData("LIST\r\n", "+OK\r\n1 ")]
    [InlineData("UIDL\r\n", "+OK\r\n1 ")]
    public async Task AListingLineLongerThanMaxLineLengthIsAProtocolError(string command, string start)
    {
        var options = new Pop3ClientOptions { Security = Pop3Security.None, AllowPlaintextAuthentication = true, MaxLineLength = 512 };
        var script = Pop3Script.LoggedIn().Stat(1, 100).Client(command).Server(start + new string('9', 600) + "\r\n.\r\n");
        await using var session = await ScriptedSession.StartLoggedInAsync(script, ReplyShape.RandomCrlf, options);

        await Assert.ThrowsAsync<Pop3ProtocolException>(() => command == "LIST\r\n" ? session.Client.ListAsync(Ct) : session.Client.UidlAsync(Ct));

        Assert.False(session.Client.IsConnected);
    }

    [Theory]
    [MemberData(nameof(ReplyShapes.All), MemberType = typeof(ReplyShapes))]
    public async Task MessageLinesAreNotLimitedByMaxLineLength(ReplyShape shape)
    {
        // The limit bounds what is buffered; message data is streamed and may have very long lines.
        var options = new Pop3ClientOptions { Security = Pop3Security.None, AllowPlaintextAuthentication = true, MaxLineLength = 512 };
        var line = new string('x', 40_000); // longer than the reader's buffer too
        var script = Pop3Script.LoggedIn().Client("RETR 1\r\n").Server("+OK\r\n" + line + "\r\n.\r\n");
        await using var session = await ScriptedSession.StartLoggedInAsync(script, shape, options);

        using var reader = new StreamReader(await session.Client.RetrieveAsync(1, Ct));
        var body = await reader.ReadToEndAsync(Ct);

        Assert.Equal(shape.Adapt(line + "\r\n"), body);
        session.AssertCompleted();
    }

    [Theory]
    [MemberData(nameof(GarbageStatusLines))]
    public async Task AGarbageStatusLineIsAProtocolErrorThatClosesTheConnection(string reply, ReplyShape shape)
    {
        var script = Pop3Script.LoggedIn().Client("STAT\r\n").Server(reply);
        await using var session = await ScriptedSession.StartLoggedInAsync(script, shape);

        await Assert.ThrowsAsync<Pop3ProtocolException>(() => session.Client.StatAsync(Ct));

        Assert.False(session.Client.IsConnected);
        Assert.True(session.Stream.IsDisposed);
        await Assert.ThrowsAsync<InvalidOperationException>(() => session.Client.NoopAsync(Ct));
    }

    [Theory]
    [InlineData("en\r\nDELE 1")]
    [InlineData("en\nDELE 1")]
    [InlineData("en\0")]
    public async Task ACommandArgumentWithCrLfOrNulIsRejectedBeforeAnythingIsWritten(string language)
    {
        await using var session = await ScriptedSession.StartAsync(Pop3Script.Greeting(), ReplyShape.WholeCrlf);
        var writes = session.Stream.WriteCount;

        await Assert.ThrowsAnyAsync<ArgumentException>(() => session.Client.LangAsync(language, Ct));

        Assert.Equal(writes, session.Stream.WriteCount);
        Assert.True(session.Client.IsConnected);
        session.AssertCompleted();
    }

    [Theory]
    [InlineData("bob\r\nDELE 1", "secret")]
    [InlineData("bob smith", "secret")]
    [InlineData("bob\0", "secret")]
    [InlineData("bob", "pass\r\nDELE 1")]
    [InlineData("bob", "pass\nword")]
    [InlineData("bob", "pass\0word")]
    [InlineData("", "secret")]
    [InlineData("bob", "")]
    public async Task CredentialsThatCouldBreakTheCommandLineAreRejectedBeforeAnythingIsWritten(string user, string password)
    {
        await using var session = await ScriptedSession.StartAsync(Pop3Script.Greeting(capa: "+OK\r\nUSER\r\nSASL PLAIN\r\n.\r\n"), ReplyShape.WholeCrlf);
        var writes = session.Stream.WriteCount;

        await Assert.ThrowsAnyAsync<ArgumentException>(() => session.Client.AuthenticateAsync(user, password, Ct));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => session.Client.AuthenticateAsync(Pop3AuthenticationMechanism.User, user, password, Ct));

        Assert.Equal(writes, session.Stream.WriteCount);
        session.AssertCompleted();
    }

    [Fact]
    public async Task TransactionCommandsBeforeLoginAreMisuse()
    {
        await using var session = await ScriptedSession.StartAsync(Pop3Script.Greeting(), ReplyShape.WholeCrlf);

        await Assert.ThrowsAsync<InvalidOperationException>(() => session.Client.StatAsync(Ct));
        await Assert.ThrowsAsync<InvalidOperationException>(() => session.Client.ListAsync(Ct));
        await Assert.ThrowsAsync<InvalidOperationException>(() => session.Client.RetrieveAsync(1, Ct));
        await Assert.ThrowsAsync<InvalidOperationException>(() => session.Client.DeleteAsync(1, Ct));
        await Assert.ThrowsAsync<InvalidOperationException>(() => session.Client.GetMessageSummariesAsync(1, 5, cancellationToken: Ct));

        Assert.True(session.Client.IsConnected);
        session.AssertCompleted();
    }

    [Fact]
    public async Task CallsBeforeConnectAfterQuitOrTwiceAreMisuse()
    {
        await using var unconnected = new Pop3Client(ScriptedSession.PlaintextOptions());
        await Assert.ThrowsAsync<InvalidOperationException>(() => unconnected.AuthenticateAsync("bob", "secret", Ct));
        await Assert.ThrowsAsync<InvalidOperationException>(() => unconnected.CapaAsync(Ct));

        var script = Pop3Script.LoggedIn().Client("QUIT\r\n").Server("+OK\r\n");
        await using var session = await ScriptedSession.StartLoggedInAsync(script, ReplyShape.WholeCrlf);
        await Assert.ThrowsAsync<InvalidOperationException>(() => session.Client.AuthenticateAsync("bob", "secret", Ct));
        await Assert.ThrowsAsync<InvalidOperationException>(
            () => session.Client.ConnectAsync(new ScriptedPop3Stream(new Pop3Script(), ReplyShape.WholeCrlf), "pop.example.test", Ct));
        await session.Client.QuitAsync(Ct);

        await Assert.ThrowsAsync<InvalidOperationException>(() => session.Client.StatAsync(Ct));
        session.AssertCompleted();
    }

    [Fact]
    public async Task InvalidMessageNumbersAreRejectedBeforeAnythingIsWritten()
    {
        await using var session = await ScriptedSession.StartLoggedInAsync(Pop3Script.LoggedIn(), ReplyShape.WholeCrlf);

        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => session.Client.RetrieveAsync(0, Ct));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => session.Client.TopAsync(1, -1, Ct));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => session.Client.DeleteAsync([1, -2], Ct));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => session.Client.GetMessageSummariesAsync(5, 4, cancellationToken: Ct));

        session.AssertCompleted();
    }

    [Fact]
    public async Task ASecondCallWhileOneIsRunningIsMisuse()
    {
        var script = Pop3Script.LoggedIn().Client("STAT\r\n").Hang();
        await using var session = await ScriptedSession.StartLoggedInAsync(script, ReplyShape.WholeCrlf);
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(Ct);

        var stat = session.Client.StatAsync(cancel.Token);
        await session.Stream.ReadBlocked;
        await Assert.ThrowsAsync<InvalidOperationException>(() => session.Client.NoopAsync(Ct));
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => stat);
        session.AssertCompleted();
    }

    private static Pop3Script RepresentativeSession() =>
        Pop3Script.LoggedIn()
            .Client("STAT\r\n").Server("+OK 2 320\r\n")
            .Client("LIST\r\n").Server("+OK 2 messages\r\n1 120\r\n2 200\r\n.\r\n")
            .Client("UIDL\r\n").Server("+OK\r\n1 uid-one\r\n2 uid-two\r\n.\r\n")
            .Client("TOP 1 0\r\n").Server("+OK\r\nSubject: =?UTF-8?B?w6k=?=\r\nFrom: a@example.test\r\n\r\n.\r\n")
            .Client("RETR 2\r\n").Server("+OK 200 octets\r\nSubject: two\r\n\r\n..dotted\r\nbody\r\n.\r\n")
            .Client("DELE 1\r\n").Server("+OK\r\n")
            .Client("QUIT\r\n").Server("+OK bye\r\n");

    private static async Task RunRepresentativeSessionAsync(Pop3Client client, ScriptedPop3Stream stream)
    {
        await client.ConnectAsync(stream, "pop.example.test", Ct);
        await client.AuthenticateAsync(Pop3AuthenticationMechanism.User, "bob", "secret", Ct);
        await client.StatAsync(Ct);
        await client.ListAsync(Ct);
        await client.UidlAsync(Ct);
        var summaries = await client.GetMessageSummariesAsync([1], cancellationToken: Ct);
        Assert.Equal("é", Assert.Single(summaries).Subject);
        await using (var body = await client.RetrieveAsync(2, Ct))
        {
            await body.CopyToAsync(Stream.Null, Ct);
        }

        await client.DeleteAsync(1, Ct);
        await client.QuitAsync(Ct);
    }
}
