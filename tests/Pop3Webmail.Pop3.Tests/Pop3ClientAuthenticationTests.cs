using System.Security.Cryptography;
using System.Text;
using Pop3Webmail.Pop3.Tests.Sasl;
using Pop3Webmail.Pop3.Tests.Scripting;

namespace Pop3Webmail.Pop3.Tests;

public sealed class Pop3ClientAuthenticationTests
{
    private const string SaslCapa = "+OK\r\nUSER\r\nSASL SCRAM-SHA-256 SCRAM-SHA-1 CRAM-MD5 PLAIN LOGIN XOAUTH2 OAUTHBEARER\r\nRESP-CODES\r\nAUTH-RESP-CODE\r\n.\r\n";
    private const string CapaAfterLogin = "+OK\r\nTOP\r\nUIDL\r\nPIPELINING\r\n.\r\n";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static TheoryData<string, ReplyShape> StoppingCodes { get; } = ReplyShapes.Cross("IN-USE", "LOGIN-DELAY", "SYS/TEMP", "SYS/PERM", "AUTH");

    [Theory]
    [MemberData(nameof(ReplyShapes.All), MemberType = typeof(ReplyShapes))]
    public async Task UserPassSendsBothCommandsAndRereadsCapabilitiesAfterLogin(ReplyShape shape)
    {
        var script = Pop3Script.LoggedIn(CapaAfterLogin);
        await using var session = await ScriptedSession.StartAsync(script, shape);

        Assert.False(session.Client.Capabilities.Pipelining);
        await session.Client.AuthenticateAsync(Pop3AuthenticationMechanism.User, "bob", "secret", Ct);

        Assert.True(session.Client.IsAuthenticated);
        Assert.Equal(Pop3SessionState.Transaction, session.Client.State);
        Assert.True(session.Client.Capabilities.Pipelining);
        Assert.True(session.Client.IsPipelining);
        session.AssertCompleted();
    }

    [Theory]
    [MemberData(nameof(ReplyShapes.All), MemberType = typeof(ReplyShapes))]
    public async Task UserRejectedByTheServerIsNotFollowedByPass(ReplyShape shape)
    {
        var script = Pop3Script.Greeting().Client("USER bob\r\n").Server("-ERR no such mailbox\r\n");
        await using var session = await ScriptedSession.StartAsync(script, shape);

        var error = await Assert.ThrowsAsync<Pop3AuthenticationException>(
            () => session.Client.AuthenticateAsync(Pop3AuthenticationMechanism.User, "bob", "secret", Ct));

        Assert.Equal("USER", error.Command);
        Assert.Equal("no such mailbox", error.ServerText);
        Assert.Equal(Pop3SessionState.Authorization, session.Client.State);
        session.AssertCompleted();
    }

    [Theory]
    [MemberData(nameof(ReplyShapes.All), MemberType = typeof(ReplyShapes))]
    public async Task ApopSendsTheRfc1939Digest(ReplyShape shape)
    {
        // RFC 1939 §7: MD5("<1896.697170952@dbc.mtview.ca.us>tanstaaf") = c4c9334bac560ecc979e58001b3e22fb.
        var script = Pop3Script.Greeting("+OK POP3 server ready <1896.697170952@dbc.mtview.ca.us>\r\n")
            .Client("APOP mrose c4c9334bac560ecc979e58001b3e22fb\r\n").Server("+OK mrose's maildrop has 2 messages (320 octets)\r\n")
            .Client("CAPA\r\n").Server(CapaAfterLogin);
        await using var session = await ScriptedSession.StartAsync(script, shape);

        await session.Client.AuthenticateAsync(Pop3AuthenticationMechanism.Apop, "mrose", "tanstaaf", Ct);

        Assert.True(session.Client.IsAuthenticated);
        session.AssertCompleted();
    }

    [Theory]
    [MemberData(nameof(ReplyShapes.All), MemberType = typeof(ReplyShapes))]
    public async Task ApopWithoutAGreetingTimestampIsRefusedBeforeAnythingIsSent(ReplyShape shape)
    {
        await using var session = await ScriptedSession.StartAsync(Pop3Script.Greeting("+OK ready <not-a-msg-id>\r\n"), shape);

        await Assert.ThrowsAsync<InvalidOperationException>(
            () => session.Client.AuthenticateAsync(Pop3AuthenticationMechanism.Apop, "mrose", "tanstaaf", Ct));

        Assert.True(session.Client.IsConnected);
        session.AssertCompleted();
    }

    [Theory]
    [MemberData(nameof(ReplyShapes.All), MemberType = typeof(ReplyShapes))]
    public async Task PlainSendsItsInitialResponseOnTheAuthLine(ReplyShape shape)
    {
        // RFC 4616: "" NUL "bob" NUL "secret"; RFC 5034 §4: initial response on the AUTH command.
        var script = Pop3Script.Greeting(capa: SaslCapa)
            .Client("AUTH PLAIN AGJvYgBzZWNyZXQ=\r\n").Server("+OK Logged in.\r\n")
            .Client("CAPA\r\n").Server(CapaAfterLogin);
        await using var session = await ScriptedSession.StartAsync(script, shape);

        await session.Client.AuthenticateAsync(Pop3AuthenticationMechanism.Plain, "bob", "secret", Ct);

        Assert.True(session.Client.IsAuthenticated);
        session.AssertCompleted();
    }

    [Theory]
    [InlineData(175, true)]
    [InlineData(176, false)]
    [InlineData(400, false)]
    public async Task PlainLeavesTheInitialResponseOffWhenTheAuthLineWouldExceed255Octets(int passwordLength, bool inline)
    {
        // RFC 5034 §4: an initial response that would make the command longer than 255 octets is sent after
        // an empty "+ " challenge instead. 175 characters give a 253-octet line, 176 one of 257 octets.
        var password = new string('p', passwordLength);
        var encoded = Convert.ToBase64String(Encoding.UTF8.GetBytes("\0bob\0" + password));
        var script = Pop3Script.Greeting(capa: SaslCapa);
        script = inline
            ? script.Client($"AUTH PLAIN {encoded}\r\n")
            : script.Client("AUTH PLAIN\r\n").Server("+ \r\n").Client(encoded + "\r\n");
        script.Server("+OK\r\n").Client("CAPA\r\n").Server(CapaAfterLogin);
        await using var session = await ScriptedSession.StartAsync(script, ReplyShape.OneByteCrlf);

        await session.Client.AuthenticateAsync(Pop3AuthenticationMechanism.Plain, "bob", password, Ct);

        Assert.Equal(inline, $"AUTH PLAIN {encoded}\r\n".Length <= 255);
        Assert.True(session.Client.IsAuthenticated);
        session.AssertCompleted();
    }

    [Theory]
    [MemberData(nameof(ReplyShapes.All), MemberType = typeof(ReplyShapes))]
    public async Task LoginAnswersTheUserNamePromptThenThePasswordPrompt(ReplyShape shape)
    {
        var script = Pop3Script.Greeting(capa: SaslCapa)
            .Client("AUTH LOGIN\r\n").Server("+ VXNlcm5hbWU6\r\n")
            .Client("Ym9i\r\n").Server("+ UGFzc3dvcmQ6\r\n")
            .Client("c2VjcmV0\r\n").Server("+OK\r\n")
            .Client("CAPA\r\n").Server(CapaAfterLogin);
        await using var session = await ScriptedSession.StartAsync(script, shape);

        await session.Client.AuthenticateAsync(Pop3AuthenticationMechanism.Login, "bob", "secret", Ct);

        Assert.True(session.Client.IsAuthenticated);
        session.AssertCompleted();
    }

    [Theory]
    [MemberData(nameof(ReplyShapes.All), MemberType = typeof(ReplyShapes))]
    public async Task CramMd5ReproducesTheRfc2195Example(ReplyShape shape)
    {
        // RFC 2195 §2: challenge <1896.697170952@postoffice.reston.mci.net>, user tim, password tanstaaftanstaaf.
        var script = Pop3Script.Greeting(capa: SaslCapa)
            .Client("AUTH CRAM-MD5\r\n").Server("+ PDE4OTYuNjk3MTcwOTUyQHBvc3RvZmZpY2UucmVzdG9uLm1jaS5uZXQ+\r\n")
            .Client("dGltIGI5MTNhNjAyYzdlZGE3YTQ5NWI0ZTZlNzMzNGQzODkw\r\n").Server("+OK CRAM authentication successful\r\n")
            .Client("CAPA\r\n").Server(CapaAfterLogin);
        await using var session = await ScriptedSession.StartAsync(script, shape);

        await session.Client.AuthenticateAsync(Pop3AuthenticationMechanism.CramMd5, "tim", "tanstaaftanstaaf", Ct);

        Assert.True(session.Client.IsAuthenticated);
        Assert.Equal("tim b913a602c7eda7a495b4e6e7334d3890", Encoding.ASCII.GetString(Convert.FromBase64String(session.Stream.ClientLines[2])));
        session.AssertCompleted();
    }

    [Theory]
    [MemberData(nameof(ReplyShapes.All), MemberType = typeof(ReplyShapes))]
    public async Task SaslContinuationsSentAsPlusOkAreTolerated(ReplyShape shape)
    {
        // Some servers answer with "+OK <base64>" where RFC 5034 §4 says "+ <base64>".
        var script = Pop3Script.Greeting(capa: SaslCapa)
            .Client("AUTH LOGIN\r\n").Server("+OK VXNlcm5hbWU6\r\n")
            .Client("Ym9i\r\n").Server("+OK UGFzc3dvcmQ6\r\n")
            .Client("c2VjcmV0\r\n").Server("+OK Logged in.\r\n")
            .Client("CAPA\r\n").Server(CapaAfterLogin);
        await using var session = await ScriptedSession.StartAsync(script, shape);

        await session.Client.AuthenticateAsync(Pop3AuthenticationMechanism.Login, "bob", "secret", Ct);

        Assert.True(session.Client.IsAuthenticated);
        session.AssertCompleted();
    }

    [Theory]
    [InlineData("SCRAM-SHA-256", true, ReplyShape.WholeCrlf)]
    [InlineData("SCRAM-SHA-256", false, ReplyShape.OneByteLf)]
    [InlineData("SCRAM-SHA-1", true, ReplyShape.RandomCrlf)]
    [InlineData("SCRAM-SHA-1", false, ReplyShape.WholeLf)]
    public async Task ScramExchangeProvesThePasswordAndVerifiesTheServer(string mechanism, bool finalAsChallenge, ReplyShape shape)
    {
        // RFC 5802 §3 over RFC 5034: the server-final message comes as a challenge (answered with an empty line)
        // or as additional data on +OK; either way the client accepts only a correct ServerSignature.
        var hash = mechanism == "SCRAM-SHA-256" ? HashAlgorithmName.SHA256 : HashAlgorithmName.SHA1;
        var server = new ScramTestServer(hash, "pencil");
        var capa = "+OK\r\nSASL " + mechanism + " PLAIN\r\n.\r\n";
        var script = Pop3Script.Greeting(capa: capa)
            .ClientLine($"AUTH {mechanism} with a client-first message", line => server.AcceptAuthLine(line, "user"))
            .Server(server.ServerFirstChallenge)
            .ClientLine("a client-final message with a valid proof", server.AcceptClientFinal);
        script = finalAsChallenge
            ? script.Server(() => "+ " + server.ServerFinal() + "\r\n").Client("\r\n").Server("+OK\r\n")
            : script.Server(() => "+OK " + server.ServerFinal() + "\r\n");
        script.Client("CAPA\r\n").Server(CapaAfterLogin);
        await using var session = await ScriptedSession.StartAsync(script, shape);

        await session.Client.AuthenticateAsync("user", "pencil", Ct);

        Assert.True(session.Client.IsAuthenticated);
        session.AssertCompleted();
    }

    [Theory]
    [MemberData(nameof(ReplyShapes.All), MemberType = typeof(ReplyShapes))]
    public async Task ScramWithAForgedServerSignatureAbortsAndFailsAsASecurityError(ReplyShape shape)
    {
        // The server could not prove it knows the password: "*" cancels the exchange (RFC 5034 §4), and the
        // client must not fall back to a weaker mechanism that would hand the password to that server.
        var server = new ScramTestServer(HashAlgorithmName.SHA256, "pencil");
        var script = Pop3Script.Greeting(capa: "+OK\r\nSASL SCRAM-SHA-256 PLAIN\r\nUSER\r\n.\r\n")
            .ClientLine("AUTH SCRAM-SHA-256", line => server.AcceptAuthLine(line, "user"))
            .Server(server.ServerFirstChallenge)
            .ClientLine("a client-final message", server.AcceptClientFinal)
            .Server(() => "+ " + server.ServerFinal(forge: true) + "\r\n")
            .Client("*\r\n").Server("-ERR [AUTH] Authentication canceled\r\n");
        await using var session = await ScriptedSession.StartAsync(script, shape);

        await Assert.ThrowsAsync<Pop3SecurityException>(() => session.Client.AuthenticateAsync("user", "pencil", Ct));

        Assert.False(session.Client.IsConnected);
        Assert.True(session.Stream.IsDisposed);
        session.AssertCompleted();
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task ScramSuccessWithoutTheServersProofIsASecurityError(bool forgedProof)
    {
        var server = new ScramTestServer(HashAlgorithmName.SHA256, "pencil");
        var script = Pop3Script.Greeting(capa: "+OK\r\nSASL SCRAM-SHA-256 PLAIN\r\n.\r\n")
            .ClientLine("AUTH SCRAM-SHA-256", line => server.AcceptAuthLine(line, "user"))
            .Server(server.ServerFirstChallenge)
            .ClientLine("a client-final message", server.AcceptClientFinal)
            .Server(() => forgedProof ? "+OK " + server.ServerFinal(forge: true) + "\r\n" : "+OK Logged in.\r\n");
        await using var session = await ScriptedSession.StartAsync(script, ReplyShape.OneByteCrlf);

        await Assert.ThrowsAsync<Pop3SecurityException>(() => session.Client.AuthenticateAsync("user", "pencil", Ct));

        Assert.False(session.Client.IsConnected);
        session.AssertCompleted();
    }

    [Theory]
    [MemberData(nameof(ReplyShapes.All), MemberType = typeof(ReplyShapes))]
    public async Task XOAuth2SendsUserAndBearerTokenInTheInitialResponse(ReplyShape shape)
    {
        // "user=bob^Aauth=Bearer ya29.token^A^A"
        var script = Pop3Script.Greeting(capa: SaslCapa)
            .Client("AUTH XOAUTH2 dXNlcj1ib2IBYXV0aD1CZWFyZXIgeWEyOS50b2tlbgEB\r\n").Server("+OK\r\n")
            .Client("CAPA\r\n").Server(CapaAfterLogin);
        await using var session = await ScriptedSession.StartAsync(script, shape);

        await session.Client.AuthenticateAsync(Pop3AuthenticationMechanism.XOAuth2, "bob", "ya29.token", Ct);

        Assert.True(session.Client.IsAuthenticated);
        session.AssertCompleted();
    }

    [Theory]
    [MemberData(nameof(ReplyShapes.All), MemberType = typeof(ReplyShapes))]
    public async Task XOAuth2AnswersTheErrorChallengeWithAnEmptyLineAndReportsTheFailure(ReplyShape shape)
    {
        var script = Pop3Script.Greeting(capa: SaslCapa)
            .Client("AUTH XOAUTH2 dXNlcj1ib2IBYXV0aD1CZWFyZXIgeWEyOS50b2tlbgEB\r\n")
            .Server("+ eyJzdGF0dXMiOiI0MDEiLCJzY2hlbWVzIjoiYmVhcmVyIiwic2NvcGUiOiJodHRwczovL21haWwuZ29vZ2xlLmNvbS8ifQ==\r\n")
            .Client("\r\n").Server("-ERR [AUTH] Invalid credentials\r\n");
        await using var session = await ScriptedSession.StartAsync(script, shape);

        var error = await Assert.ThrowsAsync<Pop3AuthenticationException>(
            () => session.Client.AuthenticateAsync(Pop3AuthenticationMechanism.XOAuth2, "bob", "ya29.token", Ct));

        Assert.Equal(Pop3ResponseCodeKind.Auth, error.ResponseCode.Kind);
        Assert.True(session.Client.IsConnected);
        Assert.Equal(Pop3SessionState.Authorization, session.Client.State);
        session.AssertCompleted();
    }

    [Theory]
    [MemberData(nameof(ReplyShapes.All), MemberType = typeof(ReplyShapes))]
    public async Task OAuthBearerSendsTheGs2HeaderAndBearerToken(ReplyShape shape)
    {
        // RFC 7628 §3.1: "n,a=bob,^Aauth=Bearer ya29.token^A^A"
        var script = Pop3Script.Greeting(capa: SaslCapa)
            .Client("AUTH OAUTHBEARER bixhPWJvYiwBYXV0aD1CZWFyZXIgeWEyOS50b2tlbgEB\r\n").Server("+OK\r\n")
            .Client("CAPA\r\n").Server(CapaAfterLogin);
        await using var session = await ScriptedSession.StartAsync(script, shape);

        await session.Client.AuthenticateAsync(Pop3AuthenticationMechanism.OAuthBearer, "bob", "ya29.token", Ct);

        Assert.True(session.Client.IsAuthenticated);
        session.AssertCompleted();
    }

    [Theory]
    [MemberData(nameof(ReplyShapes.All), MemberType = typeof(ReplyShapes))]
    public async Task OAuthBearerAnswersTheErrorChallengeWithControlA(ReplyShape shape)
    {
        // RFC 7628 §3.2.3: the client answers the error JSON with a single %x01, then the server fails.
        var script = Pop3Script.Greeting(capa: SaslCapa)
            .Client("AUTH OAUTHBEARER bixhPWJvYiwBYXV0aD1CZWFyZXIgeWEyOS50b2tlbgEB\r\n")
            .Server("+ eyJzdGF0dXMiOiJpbnZhbGlkX3Rva2VuIiwic2NvcGUiOiJtYWlsIn0=\r\n")
            .Client("AQ==\r\n").Server("-ERR [AUTH] token expired\r\n");
        await using var session = await ScriptedSession.StartAsync(script, shape);

        var error = await Assert.ThrowsAsync<Pop3AuthenticationException>(
            () => session.Client.AuthenticateAsync(Pop3AuthenticationMechanism.OAuthBearer, "bob", "ya29.token", Ct));

        Assert.Equal("token expired", error.ServerText);
        session.AssertCompleted();
    }

    [Theory]
    [MemberData(nameof(ReplyShapes.All), MemberType = typeof(ReplyShapes))]
    public async Task AutomaticAuthenticationTriesMechanismsStrongestFirst(ReplyShape shape)
    {
        // Every attempt fails without a response code, so the cascade walks the whole order; APOP is skipped
        // over plaintext even though the greeting offers it.
        var script = Pop3Script.Greeting("+OK ready <1.2@host>\r\n", SaslCapa)
            .ClientLine("AUTH SCRAM-SHA-256 with an initial response", line => line.StartsWith("AUTH SCRAM-SHA-256 ", StringComparison.Ordinal))
            .Server("-ERR not today\r\n")
            .ClientLine("AUTH SCRAM-SHA-1 with an initial response", line => line.StartsWith("AUTH SCRAM-SHA-1 ", StringComparison.Ordinal))
            .Server("-ERR not today\r\n")
            .Client("AUTH CRAM-MD5\r\n").Server("-ERR not today\r\n")
            .Client("AUTH PLAIN AGJvYgBzZWNyZXQ=\r\n").Server("-ERR not today\r\n")
            .Client("AUTH LOGIN\r\n").Server("-ERR not today\r\n")
            .Client("USER bob\r\n").Server("-ERR not today\r\n");
        await using var session = await ScriptedSession.StartAsync(script, shape);

        var error = await Assert.ThrowsAsync<Pop3AuthenticationException>(() => session.Client.AuthenticateAsync("bob", "secret", Ct));

        Assert.Equal("USER", error.Command);
        Assert.True(session.Client.IsConnected);
        Assert.Equal(Pop3SessionState.Authorization, session.Client.State);
        session.AssertCompleted();
    }

    [Theory]
    [MemberData(nameof(ReplyShapes.All), MemberType = typeof(ReplyShapes))]
    public async Task AnErrWithoutResponseCodeMovesOnToTheNextMechanism(ReplyShape shape)
    {
        var script = Pop3Script.Greeting(capa: "+OK\r\nSASL PLAIN CRAM-MD5\r\n.\r\n")
            .Client("AUTH CRAM-MD5\r\n").Server("-ERR mechanism disabled\r\n")
            .Client("AUTH PLAIN AGJvYgBzZWNyZXQ=\r\n").Server("+OK\r\n")
            .Client("CAPA\r\n").Server(CapaAfterLogin);
        await using var session = await ScriptedSession.StartAsync(script, shape);

        await session.Client.AuthenticateAsync("bob", "secret", Ct);

        Assert.True(session.Client.IsAuthenticated);
        session.AssertCompleted();
    }

    [Theory]
    [MemberData(nameof(StoppingCodes))]
    public async Task AutomaticAuthenticationStopsAtCodesThatMakeRetriesPointless(string code, ReplyShape shape)
    {
        // RFC 2449 §8.1.1/§8.1.2 (IN-USE, LOGIN-DELAY) and RFC 3206 §4 (SYS/TEMP, SYS/PERM, AUTH).
        var script = Pop3Script.Greeting(capa: "+OK\r\nSASL CRAM-MD5 PLAIN\r\nUSER\r\n.\r\n")
            .Client("AUTH CRAM-MD5\r\n").Server($"-ERR [{code}] go away\r\n");
        await using var session = await ScriptedSession.StartAsync(script, shape);

        var error = await Assert.ThrowsAsync<Pop3AuthenticationException>(() => session.Client.AuthenticateAsync("bob", "secret", Ct));

        Assert.Equal(code, error.ResponseCode.Value);
        Assert.True(error.ResponseCode.StopsAuthentication);
        Assert.Equal("go away", error.ServerText);
        session.AssertCompleted();
    }

    [Theory]
    [MemberData(nameof(ReplyShapes.All), MemberType = typeof(ReplyShapes))]
    public async Task ClearTextMechanismsAreNotChosenWithoutTlsUnlessAllowed(ReplyShape shape)
    {
        var options = new Pop3ClientOptions { Security = Pop3Security.None };
        var script = Pop3Script.Greeting("+OK ready <1.2@host>\r\n", "+OK\r\nUSER\r\nSASL PLAIN LOGIN XOAUTH2 OAUTHBEARER\r\n.\r\n");
        await using var session = await ScriptedSession.StartAsync(script, shape, options);

        var error = await Assert.ThrowsAsync<Pop3AuthenticationException>(() => session.Client.AuthenticateAsync("bob", "secret", Ct));

        Assert.Contains("without TLS", error.Message, StringComparison.Ordinal);
        session.AssertCompleted();
    }

    [Theory]
    [MemberData(nameof(ReplyShapes.All), MemberType = typeof(ReplyShapes))]
    public async Task WithoutTlsOnlyChallengeResponseMechanismsAreTried(ReplyShape shape)
    {
        var options = new Pop3ClientOptions { Security = Pop3Security.None };
        var script = Pop3Script.Greeting("+OK ready <1.2@host>\r\n", "+OK\r\nUSER\r\nSASL PLAIN LOGIN CRAM-MD5\r\n.\r\n")
            .Client("AUTH CRAM-MD5\r\n").Server("-ERR not configured\r\n");
        await using var session = await ScriptedSession.StartAsync(script, shape, options);

        var error = await Assert.ThrowsAsync<Pop3AuthenticationException>(() => session.Client.AuthenticateAsync("bob", "secret", Ct));

        Assert.Equal("AUTH CRAM-MD5", error.Command);
        session.AssertCompleted();
    }

    [Theory]
    [InlineData(Pop3AuthenticationMechanism.Plain)]
    [InlineData(Pop3AuthenticationMechanism.Login)]
    [InlineData(Pop3AuthenticationMechanism.User)]
    [InlineData(Pop3AuthenticationMechanism.XOAuth2)]
    [InlineData(Pop3AuthenticationMechanism.OAuthBearer)]
    public async Task AnExplicitClearTextMechanismWithoutTlsIsRefusedBeforeAnythingIsSent(Pop3AuthenticationMechanism mechanism)
    {
        var options = new Pop3ClientOptions { Security = Pop3Security.None };
        await using var session = await ScriptedSession.StartAsync(Pop3Script.Greeting(capa: SaslCapa), ReplyShape.WholeCrlf, options);

        await Assert.ThrowsAsync<InvalidOperationException>(() => session.Client.AuthenticateAsync(mechanism, "bob", "secret", Ct));

        Assert.True(session.Client.IsConnected);
        session.AssertCompleted();
    }

    [Theory]
    [MemberData(nameof(ReplyShapes.All), MemberType = typeof(ReplyShapes))]
    public async Task ApopIsNeverChosenAutomaticallyOverPlaintext(ReplyShape shape)
    {
        var script = Pop3Script.Greeting("+OK POP3 server ready <1896.697170952@dbc.mtview.ca.us>\r\n", "+OK\r\nUSER\r\n.\r\n")
            .Client("USER bob\r\n").Server("+OK\r\n")
            .Client("PASS secret\r\n").Server("+OK\r\n")
            .Client("CAPA\r\n").Server(CapaAfterLogin);
        await using var session = await ScriptedSession.StartAsync(script, shape);

        await session.Client.AuthenticateAsync("bob", "secret", Ct);

        Assert.True(session.Client.IsAuthenticated);
        session.AssertCompleted();
    }

    [Theory]
    [MemberData(nameof(ReplyShapes.All), MemberType = typeof(ReplyShapes))]
    public async Task APasswordEchoedByTheServerNeverAppearsInTheException(ReplyShape shape)
    {
        const string password = "Hunter2!xyz";
        var script = Pop3Script.Greeting()
            .Client("USER bob\r\n").Server("+OK\r\n")
            .Client($"PASS {password}\r\n").Server($"-ERR [AUTH] password {password} is wrong for bob\r\n");
        await using var session = await ScriptedSession.StartAsync(script, shape);

        var error = await Assert.ThrowsAsync<Pop3AuthenticationException>(() => session.Client.AuthenticateAsync("bob", password, Ct));

        Assert.DoesNotContain(password, error.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(password, error.ServerText!, StringComparison.Ordinal);
        Assert.Contains("********", error.Message, StringComparison.Ordinal);
        Assert.Equal(Pop3ResponseCodeKind.Auth, error.ResponseCode.Kind);
        session.AssertCompleted();
    }

    [Theory]
    [MemberData(nameof(ReplyShapes.All), MemberType = typeof(ReplyShapes))]
    public async Task APreCapaServerIsLoggedIntoWithUserPass(ReplyShape shape)
    {
        // RFC 2449 §5: a server without CAPA answers -ERR; USER/PASS is then the only option RFC 1939 guarantees.
        var script = Pop3Script.Greeting(capa: "-ERR unknown command\r\n")
            .Client("USER bob\r\n").Server("+OK\r\n")
            .Client("PASS secret\r\n").Server("+OK\r\n")
            .Client("CAPA\r\n").Server("-ERR unknown command\r\n");
        await using var session = await ScriptedSession.StartAsync(script, shape);

        Assert.False(session.Client.Capabilities.IsSupported);
        await session.Client.AuthenticateAsync("bob", "secret", Ct);

        Assert.True(session.Client.IsAuthenticated);
        Assert.False(session.Client.IsPipelining);
        session.AssertCompleted();
    }
}
