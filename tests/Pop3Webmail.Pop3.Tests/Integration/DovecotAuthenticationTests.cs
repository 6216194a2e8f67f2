using Microsoft.Extensions.Logging.Testing;

namespace Pop3Webmail.Pop3.Tests.Integration;

/// <summary>Every mechanism Dovecot offers, chosen explicitly and automatically, proven by what the server logged.</summary>
[Collection(DovecotCollectionDefinition.Name)]
public sealed class DovecotAuthenticationTests(DovecotFixture dovecot)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(Pop3AuthenticationMechanism.Plain, "PLAIN")]
    [InlineData(Pop3AuthenticationMechanism.Login, "LOGIN")]
    [InlineData(Pop3AuthenticationMechanism.CramMd5, "CRAM-MD5")]
    [InlineData(Pop3AuthenticationMechanism.Apop, "APOP")]
    [InlineData(Pop3AuthenticationMechanism.User, "PLAIN")] // Dovecot logs USER/PASS as PLAIN.
    public async Task ExplicitMechanismLogsIn(Pop3AuthenticationMechanism mechanism, string serverMethod)
    {
        var server = dovecot.Server;
        var user = dovecot.AddAccount(DovecotFixture.Numbered(1));
        var logger = new FakeLogger<Pop3Client>();
        await using var client = new Pop3Client(dovecot.TlsOptions(), logger);
        await client.ConnectAsync(server.Host, server.TlsPort, Ct);

        await client.AuthenticateAsync(mechanism, user.Name, user.Password, Ct);

        Assert.True(client.IsAuthenticated);
        Assert.Equal(1, (await client.StatAsync(Ct)).MessageCount);
        await client.QuitAsync(Ct);
        Assert.Equal(mechanism, MechanismUsed(logger));
        var session = await server.WaitForSessionAsync(s => s.User == user.Name && s.Ended, cancellationToken: Ct);
        Assert.Equal(serverMethod, session.Method);
        Assert.DoesNotContain(logger.Collector.GetSnapshot(), record => record.Message.Contains(user.Password, StringComparison.Ordinal));
    }

    [Fact]
    public async Task ApopUsesTheTimestampFromTheGreeting()
    {
        var server = dovecot.Server;
        await using var client = new Pop3Client(dovecot.TlsOptions());

        await client.ConnectAsync(server.Host, server.TlsPort, Ct);

        Assert.Matches("<[^<>@ ]+@[^<> ]+>$", client.Greeting);
        await client.AuthenticateAsync(Pop3AuthenticationMechanism.Apop, dovecot.Reader.Name, dovecot.Reader.Password, Ct);
        Assert.True(client.IsAuthenticated);
        await client.QuitAsync(Ct);
    }

    [Fact]
    public async Task AutomaticLoginOverTlsChoosesTheStrongestOfferedMechanism()
    {
        var server = dovecot.Server;
        var user = dovecot.AddAccount(DovecotFixture.Numbered(1));
        var logger = new FakeLogger<Pop3Client>();
        await using var client = new Pop3Client(dovecot.TlsOptions(), logger);
        await client.ConnectAsync(server.Host, server.TlsPort, Ct);

        await client.AuthenticateAsync(user.Name, user.Password, Ct);
        await client.QuitAsync(Ct);

        // Dovecot here offers PLAIN LOGIN CRAM-MD5 (+ APOP, USER); no SCRAM, so CRAM-MD5 is the strongest.
        Assert.Equal(Pop3AuthenticationMechanism.CramMd5, MechanismUsed(logger));
        Assert.Equal("CRAM-MD5", (await server.WaitForSessionAsync(s => s.User == user.Name && s.Ended, cancellationToken: Ct)).Method);
    }

    [Theory]
    [InlineData(new[] { Pop3AuthenticationMechanism.Apop, Pop3AuthenticationMechanism.Plain }, Pop3AuthenticationMechanism.Apop, "APOP")]
    [InlineData(new[] { Pop3AuthenticationMechanism.Login, Pop3AuthenticationMechanism.User }, Pop3AuthenticationMechanism.Login, "LOGIN")]
    [InlineData(new[] { Pop3AuthenticationMechanism.User }, Pop3AuthenticationMechanism.User, "PLAIN")]
    public async Task AutomaticLoginKeepsToTheAllowedMechanisms(Pop3AuthenticationMechanism[] allowed, Pop3AuthenticationMechanism expected, string serverMethod)
    {
        var server = dovecot.Server;
        var user = dovecot.AddAccount(DovecotFixture.Numbered(1));
        var logger = new FakeLogger<Pop3Client>();
        await using var client = new Pop3Client(dovecot.TlsOptions(allowed), logger);
        await client.ConnectAsync(server.Host, server.TlsPort, Ct);

        await client.AuthenticateAsync(user.Name, user.Password, Ct);
        await client.QuitAsync(Ct);

        Assert.Equal(expected, MechanismUsed(logger));
        Assert.Equal(serverMethod, (await server.WaitForSessionAsync(s => s.User == user.Name && s.Ended, cancellationToken: Ct)).Method);
    }

    [Fact]
    public async Task WrongPasswordFailsWithTheAuthCodeAfterOneAttempt()
    {
        var server = dovecot.Server;
        var user = dovecot.AddAccount(DovecotFixture.Numbered(1));
        const string wrongPassword = "not-the-password";
        await using var client = new Pop3Client(dovecot.TlsOptions());
        await client.ConnectAsync(server.Host, server.TlsPort, Ct);

        var error = await Assert.ThrowsAsync<Pop3AuthenticationException>(() => client.AuthenticateAsync(user.Name, wrongPassword, Ct));

        Assert.Equal(Pop3ResponseCodeKind.Auth, error.ResponseCode.Kind);
        Assert.DoesNotContain(wrongPassword, error.Message, StringComparison.Ordinal);
        Assert.True(client.IsConnected);
        Assert.Equal(Pop3SessionState.Authorization, client.State);
        await client.QuitAsync(Ct);

        // RFC 3206 [AUTH] means the credentials are wrong: the cascade must not try the other mechanisms.
        var failure = await server.WaitForFailedLoginAsync(f => f.User == user.Name, cancellationToken: Ct);
        Assert.Contains("1 attempts", failure.Line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WrongPasswordLeavesTheConnectionReadyForTheRightOne()
    {
        var server = dovecot.Server;
        var user = dovecot.AddAccount(DovecotFixture.Numbered(1));
        await using var client = new Pop3Client(dovecot.TlsOptions());
        await client.ConnectAsync(server.Host, server.TlsPort, Ct);

        await Assert.ThrowsAsync<Pop3AuthenticationException>(() => client.AuthenticateAsync(user.Name, "wrong", Ct));
        await client.AuthenticateAsync(user.Name, user.Password, Ct);

        Assert.True(client.IsAuthenticated);
        await client.QuitAsync(Ct);
    }

    [Fact]
    public async Task UnknownUserFailsLikeAWrongPassword()
    {
        var server = dovecot.Server;
        await using var client = new Pop3Client(dovecot.TlsOptions());
        await client.ConnectAsync(server.Host, server.TlsPort, Ct);

        var error = await Assert.ThrowsAsync<Pop3AuthenticationException>(() => client.AuthenticateAsync("nobody-here", "whatever", Ct));

        Assert.Equal(Pop3ResponseCodeKind.Auth, error.ResponseCode.Kind);
    }

    private static Pop3AuthenticationMechanism MechanismUsed(FakeLogger<Pop3Client> logger)
    {
        // The client's own account of the mechanism it settled on (its debug log "Authenticated with {Mechanism}"):
        // the server logs USER/PASS and AUTH PLAIN alike.
        const string prefix = "Authenticated with ";
        var authenticated = Assert.Single(logger.Collector.GetSnapshot(), record => record.Message.StartsWith(prefix, StringComparison.Ordinal));
        return Enum.Parse<Pop3AuthenticationMechanism>(authenticated.Message[prefix.Length..]);
    }
}
