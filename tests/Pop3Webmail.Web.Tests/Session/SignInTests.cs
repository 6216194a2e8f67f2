using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Pop3Webmail.DemoServer;
using Pop3Webmail.Pop3;
using Pop3Webmail.Web.Configuration;
using Pop3Webmail.Web.Session;
using Pop3Webmail.Web.Tests.Support;

namespace Pop3Webmail.Web.Tests.Session;

/// <summary>Each way a sign-in can fail maps to one specific, safe error; brute force meets the rate limit.</summary>
public sealed class SignInTests
{
    [Fact]
    public async Task AWrongPasswordIsInvalidCredentials()
    {
        await using var demo = TestMailboxes.Start(1);
        await using var harness = SessionHarness.ForDemo(demo);
        var session = harness.CreateSession();

        var result = await session.SignInAsync(SessionHarness.Demo(password: "wrong"), TestContext.Current.CancellationToken);

        Assert.Equal(SignInError.InvalidCredentials, result.Error);
        Assert.Null(session.Account);
        Assert.Equal(MailboxSessionStatus.SignedOut, session.Status);
        Assert.Equal(0, harness.Registry.Count);
    }

    [Theory]
    [InlineData(DemoPop3LoginFailure.InUse, SignInError.MailboxInUse)]
    [InlineData(DemoPop3LoginFailure.LoginDelay, SignInError.LoginDelay)]
    [InlineData(DemoPop3LoginFailure.SysTemp, SignInError.TemporaryFailure)]
    [InlineData(DemoPop3LoginFailure.SysPerm, SignInError.PermanentFailure)]
    public async Task ServerResponseCodesBecomeSpecificErrors(DemoPop3LoginFailure failure, SignInError expected)
    {
        await using var demo = TestMailboxes.Start(1);
        demo.Faults.LoginFailure = failure;
        await using var harness = SessionHarness.ForDemo(demo);
        var session = harness.CreateSession();

        var result = await session.SignInAsync(SessionHarness.Demo(), TestContext.Current.CancellationToken);

        Assert.Equal(expected, result.Error);
        Assert.Null(session.Account);
        if (expected == SignInError.MailboxInUse)
        {
            Assert.NotNull(result.RetryAfter);
        }
    }

    [Fact]
    public async Task AClosedPortIsServerUnreachable()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        await using var harness = new SessionHarness(new MailServer(SessionHarness.ServerId, "closed", "127.0.0.1", port, Pop3Security.None, AllowPlaintextAuthentication: true));

        var result = await harness.CreateSession().SignInAsync(SessionHarness.Demo(), TestContext.Current.CancellationToken);

        Assert.Equal(SignInError.ServerUnreachable, result.Error);
    }

    [Fact]
    public async Task TlsToAServerThatDoesNotSpeakItIsASecureConnectionFailure()
    {
        await using var demo = TestMailboxes.Start(1);
        await using var harness = new SessionHarness(new MailServer(SessionHarness.ServerId, "tls", demo.Host, demo.Port, Pop3Security.Tls));

        var result = await harness.CreateSession().SignInAsync(SessionHarness.Demo(), TestContext.Current.CancellationToken);

        Assert.Equal(SignInError.SecureConnectionFailed, result.Error);
    }

    [Fact]
    public async Task StartTlsRequiredButNotOfferedIsASecureConnectionFailure()
    {
        await using var demo = TestMailboxes.Start(1);
        await using var harness = new SessionHarness(new MailServer(SessionHarness.ServerId, "stls", demo.Host, demo.Port, Pop3Security.StartTls));

        var result = await harness.CreateSession().SignInAsync(SessionHarness.Demo(), TestContext.Current.CancellationToken);

        Assert.Equal(SignInError.SecureConnectionFailed, result.Error);
        Assert.DoesNotContain(demo.Sessions.SelectMany(s => s.Commands), c => c.StartsWith("PASS", StringComparison.Ordinal) || c.StartsWith("AUTH", StringComparison.Ordinal));
    }

    [Fact]
    public async Task PlaintextWithoutPermissionRefusesToSendThePassword()
    {
        await using var demo = TestMailboxes.Start(1);
        await using var harness = new SessionHarness(new MailServer(SessionHarness.ServerId, "plain", demo.Host, demo.Port, Pop3Security.None));

        var result = await harness.CreateSession().SignInAsync(SessionHarness.Demo(), TestContext.Current.CancellationToken);

        Assert.Equal(SignInError.NoCommonMechanism, result.Error);
        Assert.DoesNotContain(demo.Sessions.SelectMany(s => s.Commands), c => c.StartsWith("PASS", StringComparison.Ordinal) || c.StartsWith("AUTH", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AServerThatIsNotPop3IsAProtocolError()
    {
        await using var demo = TestMailboxes.Start(1);
        demo.Faults.GreetingReply = "HTTP/1.1 400 Bad Request\r\n\r\n";
        await using var harness = SessionHarness.ForDemo(demo);

        var result = await harness.CreateSession().SignInAsync(SessionHarness.Demo(), TestContext.Current.CancellationToken);

        Assert.Equal(SignInError.ProtocolError, result.Error);
    }

    [Theory]
    [InlineData("", "pw")]
    [InlineData("demo", "")]
    [InlineData("de mo", "pw")]
    [InlineData("demo\r\nDELE 1", "pw")]
    public async Task MalformedInputIsRefusedBeforeAnyConnection(string user, string password)
    {
        await using var demo = TestMailboxes.Start(1);
        await using var harness = SessionHarness.ForDemo(demo);

        var result = await harness.CreateSession().SignInAsync(new SignInRequest(user, password, SessionHarness.ServerId), TestContext.Current.CancellationToken);

        Assert.Equal(SignInError.InvalidInput, result.Error);
        Assert.Equal(0, demo.TotalSessionCount);
    }

    [Fact]
    public async Task AnUnknownServerIdIsNotAllowed()
    {
        await using var demo = TestMailboxes.Start(1);
        await using var harness = SessionHarness.ForDemo(demo);

        var result = await harness.CreateSession().SignInAsync(new SignInRequest("demo", "demo", "elsewhere"), TestContext.Current.CancellationToken);

        Assert.Equal(SignInError.ServerNotAllowed, result.Error);
    }

    [Theory]
    [InlineData("127.0.0.1", 995)]
    [InlineData("10.1.2.3", 995)]
    [InlineData("192.168.1.1", 110)]
    [InlineData("mail.example.test", 25)]
    public async Task CustomServersNeedPermission(string host, int port)
    {
        await using var demo = TestMailboxes.Start(1);
        await using var disabled = SessionHarness.ForDemo(demo);

        var refused = await disabled.CreateSession().SignInAsync(new SignInRequest("demo", "demo", string.Empty, host, port), TestContext.Current.CancellationToken);

        Assert.Equal(SignInError.ServerNotAllowed, refused.Error);
    }

    [Fact]
    public async Task ACustomServerOnAPortOtherThanPop3sOrPop3IsNotAllowed()
    {
        await using var demo = TestMailboxes.Start(1);
        await using var enabled = SessionHarness.ForDemo(demo, new MailOptions { AllowCustomServer = true });

        var refused = await enabled.CreateSession().SignInAsync(new SignInRequest("demo", "demo", string.Empty, "mail.example.test", 25), TestContext.Current.CancellationToken);

        Assert.Equal(SignInError.ServerNotAllowed, refused.Error);
    }

    [Theory]
    [InlineData("127.0.0.1", 995)] // refused by policy: loopback
    [InlineData("10.1.2.3", 995)] // refused by policy: RFC 1918
    [InlineData("64:ff9b::a01:203", 110)] // refused by policy: NAT64 of 10.1.2.3
    [InlineData("no-such-host.invalid", 995)] // no such host (RFC 6761 §6.4)
    public async Task ForACustomServerAPolicyRefusalLooksLikeAnUnreachableServer(string host, int port)
    {
        await using var demo = TestMailboxes.Start(1);
        await using var enabled = SessionHarness.ForDemo(demo, new MailOptions { AllowCustomServer = true });

        var result = await enabled.CreateSession().SignInAsync(new SignInRequest("demo", "demo", string.Empty, host, port), TestContext.Current.CancellationToken);

        Assert.Equal(SignInError.ServerUnreachable, result.Error);
    }

    [Fact]
    public async Task PasswordsNeverReachTheLogsEvenAtTraceLevel()
    {
        await using var demo = TestMailboxes.Start(2);
        var logs = new FakeLogCollector();
        using var loggerFactory = LoggerFactory.Create(b => b.AddProvider(new FakeLoggerProvider(logs)).SetMinimumLevel(LogLevel.Trace));
        await using var harness = SessionHarness.ForDemo(demo, loggerFactory: loggerFactory);
        var session = harness.CreateSession();

        await session.SignInAsync(SessionHarness.Demo(password: "Wrong-Guess-17"), TestContext.Current.CancellationToken);
        await session.SignInAsync(SessionHarness.Demo(), TestContext.Current.CancellationToken);
        await session.SignOutAsync(TestContext.Current.CancellationToken);

        var records = logs.GetSnapshot();
        Assert.NotEmpty(records);
        Assert.DoesNotContain(records, r => r.Message.Contains("Wrong-Guess-17", StringComparison.Ordinal)
            || r.Message.Contains("PASS " + DemoPop3Server.DemoPassword, StringComparison.Ordinal)
            || (r.Exception?.ToString().Contains("Wrong-Guess-17", StringComparison.Ordinal) ?? false));
    }

    [Fact]
    public async Task RepeatedFailuresForOneUserAreThrottledWithAWait()
    {
        await using var demo = TestMailboxes.Start(1);
        await using var harness = SessionHarness.ForDemo(demo, new MailOptions { RateLimits = new MailRateLimitOptions { FailuresPerUser = 3 } });
        var session = harness.CreateSession();
        for (var attempt = 0; attempt < 3; attempt++)
        {
            Assert.Equal(SignInError.InvalidCredentials, (await session.SignInAsync(SessionHarness.Demo(password: "guess" + attempt), TestContext.Current.CancellationToken)).Error);
        }

        var limited = await session.SignInAsync(SessionHarness.Demo(), TestContext.Current.CancellationToken);

        Assert.Equal(SignInError.RateLimited, limited.Error);
        Assert.Equal(new MailRateLimitOptions().UserBackoff, limited.RetryAfter);
        Assert.Equal(3, demo.TotalSessionCount); // the limited attempt never reached the server
        var otherUser = await harness.CreateSession().SignInAsync(SessionHarness.Demo(user: "other"), TestContext.Current.CancellationToken);
        Assert.Equal(SignInError.InvalidCredentials, otherUser.Error);
    }

    [Fact]
    public async Task RepeatedFailuresFromOneBrowserAreThrottledAcrossUsers()
    {
        await using var demo = TestMailboxes.Start(1);
        await using var harness = SessionHarness.ForDemo(demo, new MailOptions { RateLimits = new MailRateLimitOptions { FailuresPerBrowser = 2 } });
        var session = harness.CreateSession(clientAddress: "198.51.100.7");
        await session.SignInAsync(SessionHarness.Demo(user: "a"), TestContext.Current.CancellationToken);
        await session.SignInAsync(SessionHarness.Demo(user: "b"), TestContext.Current.CancellationToken);

        var limited = await session.SignInAsync(SessionHarness.Demo(), TestContext.Current.CancellationToken);
        var elsewhere = await harness.CreateSession(clientAddress: "198.51.100.8", browserKey: "browser-2").SignInAsync(SessionHarness.Demo(), TestContext.Current.CancellationToken);

        Assert.Equal(SignInError.RateLimited, limited.Error);
        Assert.True(elsewhere.Succeeded);
    }

    [Fact]
    public async Task WrongPasswordsFromAnotherBrowserDoNotLockTheUserOutOfTheirOwnBrowser()
    {
        await using var demo = TestMailboxes.Start(1);
        await using var harness = SessionHarness.ForDemo(demo);
        var own = harness.CreateSession(clientAddress: "192.0.2.10", browserKey: "users-browser");
        Assert.True((await own.SignInAsync(SessionHarness.Demo(), TestContext.Current.CancellationToken)).Succeeded);
        await own.SignOutAsync(TestContext.Current.CancellationToken);
        var attacker = harness.CreateSession(clientAddress: "203.0.113.66", browserKey: "attackers-browser");
        var guesses = new List<SignInError>();
        for (var attempt = 0; attempt < 8; attempt++)
        {
            guesses.Add((await attacker.SignInAsync(SessionHarness.Demo(password: "guess" + attempt), TestContext.Current.CancellationToken)).Error);
        }

        var again = await harness.CreateSession(clientAddress: "192.0.2.10", browserKey: "users-browser").SignInAsync(SessionHarness.Demo(), TestContext.Current.CancellationToken);

        Assert.Equal(Enumerable.Repeat(SignInError.InvalidCredentials, 5).Concat(Enumerable.Repeat(SignInError.RateLimited, 3)), guesses);
        Assert.True(again.Succeeded, again.Error.ToString());
    }
}
