namespace Pop3Webmail.Pop3.Tests.Integration;

[Collection(LockedDovecotCollectionDefinition.Name)]
public sealed class LockedMailboxTests(LockedDovecotFixture dovecot)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task SecondLoginToALockedMailboxFailsWithInUseAndANewOneSucceedsOnceTheFirstQuits()
    {
        var server = dovecot.Server;
        var owner = dovecot.Owner;
        await using var first = await dovecot.LoginAsync();

        // Dovecot waits about 10 s for the session lock before it gives up with [IN-USE] (RFC 2449 §8.1.1).
        await using var second = dovecot.CreateClient();
        await second.ConnectAsync(server.Host, server.TlsPort, Ct);
        var error = await Assert.ThrowsAsync<Pop3AuthenticationException>(() => second.AuthenticateAsync(owner.Name, owner.Password, Ct));

        Assert.Equal(Pop3ResponseCodeKind.InUse, error.ResponseCode.Kind);
        Assert.True(error.ResponseCode.StopsAuthentication);
        var refused = await server.WaitForSessionAsync(s => s.User == owner.Name && s.DisconnectReason == "Couldn't lock POP3 session", cancellationToken: Ct);
        Assert.False(refused.LoggedOut);

        await first.QuitAsync(Ct);
        await server.WaitForPop3SessionCountAsync(0, owner.Name, cancellationToken: Ct);
        await using var third = await dovecot.LoginAsync();
        Assert.Equal(3, (await third.StatAsync(Ct)).MessageCount);
        await third.QuitAsync(Ct);
    }
}
