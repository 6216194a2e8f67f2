using Pop3Webmail.Pop3.Tests.Scripting;

namespace Pop3Webmail.Pop3.Tests;

public sealed class Pop3ClientConnectTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static TheoryData<string, ReplyShape> GarbageGreetings { get; } = ReplyShapes.Cross(
        "HELLO there\r\n",
        "+OKAY\r\n",
        "+ok ready\r\n",
        "-ERROR\r\n",
        "+ dGVzdA==\r\n",
        "\r\n",
        "\0+OK\r\n",
        "220 smtp.example.test ESMTP\r\n");

    [Theory]
    [MemberData(nameof(ReplyShapes.All), MemberType = typeof(ReplyShapes))]
    public async Task GreetingWithoutTimestampConnectsAndAsksForCapabilities(ReplyShape shape)
    {
        await using var session = await ScriptedSession.StartAsync(Pop3Script.Greeting("+OK POP3 server ready\r\n"), shape);

        Assert.True(session.Client.IsConnected);
        Assert.False(session.Client.IsSecure);
        Assert.False(session.Client.IsAuthenticated);
        Assert.Equal(Pop3SessionState.Authorization, session.Client.State);
        Assert.Equal("POP3 server ready", session.Client.Greeting);
        Assert.True(session.Client.Capabilities.IsSupported);
        Assert.True(session.Client.Capabilities.User);
        session.AssertCompleted();
    }

    [Theory]
    [MemberData(nameof(ReplyShapes.All), MemberType = typeof(ReplyShapes))]
    public async Task GreetingWithApopTimestampKeepsTheTextForDiagnostics(ReplyShape shape)
    {
        await using var session = await ScriptedSession.StartAsync(Pop3Script.Greeting("+OK POP3 server ready <1896.697170952@dbc.mtview.ca.us>\r\n"), shape);

        Assert.Equal("POP3 server ready <1896.697170952@dbc.mtview.ca.us>", session.Client.Greeting);
        session.AssertCompleted();
    }

    [Theory]
    [MemberData(nameof(ReplyShapes.All), MemberType = typeof(ReplyShapes))]
    public async Task ErrGreetingIsAProtocolErrorCarryingTheResponseCode(ReplyShape shape)
    {
        // RFC 1939 §4 allows a -ERR greeting; RFC 3206 §4 codes say why.
        var stream = new ScriptedPop3Stream(new Pop3Script().Server("-ERR [SYS/TEMP] Too many connections, try later\r\n"), shape);
        await using var client = new Pop3Client(ScriptedSession.PlaintextOptions());

        var error = await Assert.ThrowsAsync<Pop3ProtocolException>(() => client.ConnectAsync(stream, "pop.example.test", Ct));

        Assert.Equal(Pop3ResponseCodeKind.SysTemp, error.ResponseCode.Kind);
        Assert.Equal("Too many connections, try later", error.ServerText);
        Assert.False(client.IsConnected);
        Assert.True(stream.IsDisposed);
        stream.AssertCompleted();
    }

    [Theory]
    [MemberData(nameof(GarbageGreetings))]
    public async Task GarbageGreetingIsAProtocolErrorAndClosesTheConnection(string greeting, ReplyShape shape)
    {
        var stream = new ScriptedPop3Stream(new Pop3Script().Server(greeting), shape);
        await using var client = new Pop3Client(ScriptedSession.PlaintextOptions());

        var error = await Assert.ThrowsAsync<Pop3ProtocolException>(() => client.ConnectAsync(stream, "pop.example.test", Ct));

        Assert.IsNotType<Pop3TimeoutException>(error);
        Assert.False(client.IsConnected);
        Assert.True(stream.IsDisposed);
    }

    [Theory]
    [MemberData(nameof(ReplyShapes.All), MemberType = typeof(ReplyShapes))]
    public async Task CapaParsesEveryStandardCapability(ReplyShape shape)
    {
        // RFC 2449 §6, RFC 2595 §4 (STLS), RFC 3206 §6 (AUTH-RESP-CODE), RFC 5034 §3 (SASL), RFC 6856 §2-3 (UTF8, LANG).
        var capa = "+OK Capability list follows\r\n"
            + "TOP\r\nUSER\r\nUIDL\r\n"
            + "SASL SCRAM-SHA-256 PLAIN cram-md5\r\n"
            + "RESP-CODES\r\nAUTH-RESP-CODE\r\nPIPELINING\r\nSTLS\r\n"
            + "LOGIN-DELAY 900 USER\r\n"
            + "EXPIRE 60 USER\r\n"
            + "UTF8 USER\r\n"
            + "LANG\r\n"
            + "IMPLEMENTATION Shlemazle-Plotz-v302\r\n"
            + "X-VENDOR-THING some arguments\r\n"
            + ".\r\n";
        await using var session = await ScriptedSession.StartAsync(Pop3Script.Greeting(capa: capa), shape);
        var capabilities = session.Client.Capabilities;

        Assert.True(capabilities.IsSupported);
        Assert.True(capabilities.Top);
        Assert.True(capabilities.User);
        Assert.True(capabilities.Uidl);
        Assert.Equal(["CRAM-MD5", "PLAIN", "SCRAM-SHA-256"], capabilities.SaslMechanisms.Order(StringComparer.Ordinal));
        Assert.True(capabilities.SaslMechanisms.Contains("scram-sha-256"));
        Assert.True(capabilities.ResponseCodes);
        Assert.True(capabilities.AuthResponseCodes);
        Assert.True(capabilities.Pipelining);
        Assert.True(capabilities.StartTls);
        Assert.Equal(900, capabilities.LoginDelay);
        Assert.True(capabilities.LoginDelayPerUser);
        Assert.Equal(60, capabilities.ExpireDays);
        Assert.True(capabilities.ExpirePerUser);
        Assert.False(capabilities.ExpireNever);
        Assert.True(capabilities.Utf8);
        Assert.True(capabilities.Utf8User);
        Assert.True(capabilities.Lang);
        Assert.Equal("Shlemazle-Plotz-v302", capabilities.Implementation);
        Assert.Equal(14, capabilities.Lines.Count);
        Assert.Equal("X-VENDOR-THING some arguments", capabilities.Lines[^1]);
        Assert.False(session.Client.IsPipelining); // PIPELINING is only used after login.
        session.AssertCompleted();
    }

    [Theory]
    [MemberData(nameof(ReplyShapes.All), MemberType = typeof(ReplyShapes))]
    public async Task CapaParsesTheGlobalFormsOfExpireLoginDelayAndUtf8(ReplyShape shape)
    {
        var capa = "+OK\r\nEXPIRE NEVER\r\nLOGIN-DELAY 120\r\nUTF8\r\n.\r\n";
        await using var session = await ScriptedSession.StartAsync(Pop3Script.Greeting(capa: capa), shape);
        var capabilities = session.Client.Capabilities;

        Assert.True(capabilities.ExpireNever);
        Assert.Null(capabilities.ExpireDays);
        Assert.False(capabilities.ExpirePerUser);
        Assert.Equal(120, capabilities.LoginDelay);
        Assert.False(capabilities.LoginDelayPerUser);
        Assert.True(capabilities.Utf8);
        Assert.False(capabilities.Utf8User);
        Assert.False(capabilities.User);
        Assert.Empty(capabilities.SaslMechanisms);
        session.AssertCompleted();
    }

    [Theory]
    [MemberData(nameof(ReplyShapes.All), MemberType = typeof(ReplyShapes))]
    public async Task APreCapaServerAnsweringErrLeavesCapabilitiesUnsupported(ReplyShape shape)
    {
        // RFC 2449 §5: servers that predate CAPA answer it with -ERR; the connection goes on normally.
        await using var session = await ScriptedSession.StartAsync(Pop3Script.Greeting(capa: "-ERR unknown command\r\n"), shape);

        Assert.False(session.Client.Capabilities.IsSupported);
        Assert.Empty(session.Client.Capabilities.Lines);
        Assert.True(session.Client.IsConnected);
        session.AssertCompleted();
    }

    [Theory]
    [MemberData(nameof(ReplyShapes.All), MemberType = typeof(ReplyShapes))]
    public async Task CapaCanBeAskedForAgain(ReplyShape shape)
    {
        var script = Pop3Script.Greeting(capa: "+OK\r\nUSER\r\n.\r\n").Client("CAPA\r\n").Server("+OK\r\nUSER\r\nSTLS\r\n.\r\n");
        await using var session = await ScriptedSession.StartAsync(script, shape);

        var capabilities = await session.Client.CapaAsync(Ct);

        Assert.True(capabilities.StartTls);
        Assert.Same(capabilities, session.Client.Capabilities);
        session.AssertCompleted();
    }

    [Theory]
    [MemberData(nameof(ReplyShapes.All), MemberType = typeof(ReplyShapes))]
    public async Task RequiredStartTlsThatTheServerDoesNotOfferIsASecurityError(ReplyShape shape)
    {
        // RFC 2595 §4: with STLS required, a server that does not offer it must not get any credentials.
        var stream = new ScriptedPop3Stream(Pop3Script.Greeting(capa: "+OK\r\nUSER\r\nSASL PLAIN\r\n.\r\n"), shape);
        await using var client = new Pop3Client(new Pop3ClientOptions { Security = Pop3Security.StartTls });

        await Assert.ThrowsAsync<Pop3SecurityException>(() => client.ConnectAsync(stream, "pop.example.test", Ct));

        Assert.False(client.IsConnected);
        Assert.True(stream.IsDisposed);
        stream.AssertCompleted();
    }

    [Theory]
    [MemberData(nameof(ReplyShapes.All), MemberType = typeof(ReplyShapes))]
    public async Task DisposingTheClientClosesTheTransportWithoutSendingAnything(ReplyShape shape)
    {
        var session = await ScriptedSession.StartAsync(Pop3Script.Greeting(), shape);

        await session.DisposeAsync();

        Assert.False(session.Client.IsConnected);
        Assert.True(session.Stream.IsDisposed);
        session.AssertCompleted();
    }
}
