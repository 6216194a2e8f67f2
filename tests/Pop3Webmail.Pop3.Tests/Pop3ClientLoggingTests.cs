using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Pop3Webmail.Pop3.Tests.Scripting;

namespace Pop3Webmail.Pop3.Tests;

/// <summary>Debug logging shows the conversation, never a secret (passwords are never logged).</summary>
public sealed class Pop3ClientLoggingTests
{
    private const string Password = "S3cr3t-Passw0rd";
    private const string CapaAfterLogin = "+OK\r\nTOP\r\nUIDL\r\n.\r\n";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task UserPassLogsCommandsButNeverThePassword()
    {
        var logger = new FakeLogger<Pop3Client>();
        var script = Pop3Script.Greeting()
            .Client("USER bob\r\n").Server("+OK\r\n")
            .Client($"PASS {Password}\r\n").Server("+OK\r\n")
            .Client("CAPA\r\n").Server(CapaAfterLogin)
            .Client("STAT\r\n").Server("+OK 1 42\r\n");
        await using var session = await ScriptedSession.StartAsync(script, ReplyShape.WholeCrlf, logger: logger);

        await session.Client.AuthenticateAsync(Pop3AuthenticationMechanism.User, "bob", Password, Ct);
        await session.Client.StatAsync(Ct);

        var log = Messages(logger);
        Assert.Contains("C: USER bob", log);
        Assert.Contains("C: PASS ********", log);
        Assert.Contains("C: STAT", log);
        Assert.Contains(log, static line => line.StartsWith("S: +OK", StringComparison.Ordinal) && line.EndsWith("1 42", StringComparison.Ordinal));
        AssertNoSecret(log, Password);
        session.AssertCompleted();
    }

    [Fact]
    public async Task ApopLogsNeitherTheDigestNorThePassword()
    {
        var logger = new FakeLogger<Pop3Client>();
        var script = Pop3Script.Greeting("+OK POP3 server ready <1896.697170952@dbc.mtview.ca.us>\r\n")
            .Client("APOP mrose c4c9334bac560ecc979e58001b3e22fb\r\n").Server("+OK\r\n")
            .Client("CAPA\r\n").Server(CapaAfterLogin);
        await using var session = await ScriptedSession.StartAsync(script, ReplyShape.WholeCrlf, logger: logger);

        await session.Client.AuthenticateAsync(Pop3AuthenticationMechanism.Apop, "mrose", "tanstaaf", Ct);

        var log = Messages(logger);
        Assert.Contains("C: APOP ********", log);
        AssertNoSecret(log, "tanstaaf", "c4c9334bac560ecc979e58001b3e22fb");
        session.AssertCompleted();
    }

    [Fact]
    public async Task SaslLogsNeitherInitialResponsesNorChallengesNorContinuationLines()
    {
        // PLAIN fails (its initial response carries the password), then LOGIN succeeds through two challenges.
        var logger = new FakeLogger<Pop3Client>();
        var passwordBase64 = Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(Password));
        var plainBase64 = Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes("\0bob\0" + Password));
        var script = Pop3Script.Greeting(capa: "+OK\r\nSASL PLAIN LOGIN\r\n.\r\n")
            .Client($"AUTH PLAIN {plainBase64}\r\n").Server("-ERR try another\r\n")
            .Client("AUTH LOGIN\r\n").Server("+ VXNlcm5hbWU6\r\n")
            .Client("Ym9i\r\n").Server("+ UGFzc3dvcmQ6\r\n")
            .Client($"{passwordBase64}\r\n").Server("+OK\r\n")
            .Client("CAPA\r\n").Server(CapaAfterLogin);
        await using var session = await ScriptedSession.StartAsync(script, ReplyShape.WholeCrlf, logger: logger);

        await session.Client.AuthenticateAsync("bob", Password, Ct);

        var log = Messages(logger);
        Assert.Contains("C: AUTH PLAIN ********", log);
        Assert.Contains("C: AUTH LOGIN", log);
        Assert.Equal(2, log.Count(static line => line == "S: + (challenge)"));
        Assert.Equal(2, log.Count(static line => line == "C: ********"));
        AssertNoSecret(log, Password, passwordBase64, plainBase64, "VXNlcm5hbWU6", "UGFzc3dvcmQ6", "Ym9i");
        Assert.All(logger.Collector.GetSnapshot(), static record => Assert.Equal(LogLevel.Debug, record.Level));
        session.AssertCompleted();
    }

    [Fact]
    public async Task APasswordEchoedInAServerReplyIsNotLogged()
    {
        var logger = new FakeLogger<Pop3Client>();
        var script = Pop3Script.Greeting()
            .Client("USER bob\r\n").Server("+OK\r\n")
            .Client($"PASS {Password}\r\n").Server($"-ERR [AUTH] password {Password} is wrong\r\n");
        await using var session = await ScriptedSession.StartAsync(script, ReplyShape.WholeCrlf, logger: logger);

        await Assert.ThrowsAsync<Pop3AuthenticationException>(() => session.Client.AuthenticateAsync("bob", Password, Ct));

        var log = Messages(logger);
        Assert.Contains(log, static line => line.StartsWith("S: -ERR [AUTH]", StringComparison.Ordinal) && line.Contains("********", StringComparison.Ordinal));
        AssertNoSecret(log, Password);
        session.AssertCompleted();
    }

    private static List<string> Messages(FakeLogger<Pop3Client> logger) =>
        [.. logger.Collector.GetSnapshot().Select(static record => record.Message)];

    private static void AssertNoSecret(List<string> log, params string[] secrets)
    {
        Assert.NotEmpty(log);
        foreach (var secret in secrets)
        {
            Assert.DoesNotContain(log, line => line.Contains(secret, StringComparison.Ordinal));
        }
    }
}
