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
    public async Task CustomServersNeedPermissionAndStayOutOfPrivateNetworks(string host, int port)
    {
        await using var demo = TestMailboxes.Start(1);
        await using var disabled = SessionHarness.ForDemo(demo);
        await using var enabled = SessionHarness.ForDemo(demo, new MailOptions { AllowCustomServer = true });

        var refused = await disabled.CreateSession().SignInAsync(new SignInRequest("demo", "demo", string.Empty, host, port), TestContext.Current.CancellationToken);
        var stillRefused = await enabled.CreateSession().SignInAsync(new SignInRequest("demo", "demo", string.Empty, host, port), TestContext.Current.CancellationToken);

        Assert.Equal(SignInError.ServerNotAllowed, refused.Error);
        Assert.Equal(SignInError.ServerNotAllowed, stillRefused.Error);
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
    public async Task RepeatedAttemptsForOneUserAreRateLimitedWithAWait()
    {
        await using var demo = TestMailboxes.Start(1);
        await using var harness = SessionHarness.ForDemo(demo, new MailOptions { RateLimits = new MailRateLimitOptions { AttemptsPerUser = 3, AttemptsPerClient = 100 } });
        var session = harness.CreateSession();
        for (var attempt = 0; attempt < 3; attempt++)
        {
            Assert.Equal(SignInError.InvalidCredentials, (await session.SignInAsync(SessionHarness.Demo(password: "guess" + attempt), TestContext.Current.CancellationToken)).Error);
        }

        var limited = await session.SignInAsync(SessionHarness.Demo(), TestContext.Current.CancellationToken);

        Assert.Equal(SignInError.RateLimited, limited.Error);
        Assert.InRange(limited.RetryAfter!.Value, TimeSpan.FromMilliseconds(1), TimeSpan.FromMinutes(1));
        Assert.Equal(3, demo.TotalSessionCount); // the limited attempt never reached the server
        var otherUser = await harness.CreateSession().SignInAsync(SessionHarness.Demo(user: "other"), TestContext.Current.CancellationToken);
        Assert.Equal(SignInError.InvalidCredentials, otherUser.Error);
    }

    [Fact]
    public async Task RepeatedAttemptsFromOneClientAreRateLimitedAcrossUsers()
    {
        await using var demo = TestMailboxes.Start(1);
        await using var harness = SessionHarness.ForDemo(demo, new MailOptions { RateLimits = new MailRateLimitOptions { AttemptsPerUser = 100, AttemptsPerClient = 2 } });
        var session = harness.CreateSession(clientAddress: "198.51.100.7");
        await session.SignInAsync(SessionHarness.Demo(user: "a"), TestContext.Current.CancellationToken);
        await session.SignInAsync(SessionHarness.Demo(user: "b"), TestContext.Current.CancellationToken);

        var limited = await session.SignInAsync(SessionHarness.Demo(), TestContext.Current.CancellationToken);
        var elsewhere = await harness.CreateSession(clientAddress: "198.51.100.8").SignInAsync(SessionHarness.Demo(), TestContext.Current.CancellationToken);

        Assert.Equal(SignInError.RateLimited, limited.Error);
        Assert.True(elsewhere.Succeeded);
    }
}
