using Pop3Webmail.Testing;

namespace Pop3Webmail.Pop3.Tests.Integration;

/// <summary>A second private Dovecot with pop3_lock_session = yes: one session per mailbox at a time.</summary>
public sealed class LockedDovecotFixture : IAsyncLifetime
{
    private DovecotServer? _server;

    public DovecotUser Owner { get; } = new("owner", "owner-secret", DovecotFixture.Numbered(3));

    public DovecotServer Server
    {
        get
        {
            RealServers.RequireDovecot();
            return _server ?? throw new InvalidOperationException("The locked Dovecot fixture did not start.");
        }
    }

    public async ValueTask InitializeAsync()
    {
        if (RealServers.DovecotUnavailableReason is null)
        {
            _server = await DovecotServer.StartAsync(new DovecotServerOptions { Users = [Owner], LockSession = true });
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }

    public Pop3Client CreateClient() => new(new Pop3ClientOptions
    {
        Security = Pop3Security.Tls,
        CertificateThumbprint = Server.CertificateThumbprint,
    });

    /// <summary>Connects over implicit TLS and logs in as <see cref="Owner"/>.</summary>
    public async Task<Pop3Client> LoginAsync()
    {
        var client = CreateClient();
        try
        {
            await client.ConnectAsync(Server.Host, Server.TlsPort, TestContext.Current.CancellationToken);
            await client.AuthenticateAsync(Owner.Name, Owner.Password, TestContext.Current.CancellationToken);
            return client;
        }
        catch
        {
            await client.DisposeAsync();
            throw;
        }
    }
}

[CollectionDefinition(Name)]
public sealed class LockedDovecotCollectionDefinition : ICollectionFixture<LockedDovecotFixture>
{
    public const string Name = "Dovecot with pop3_lock_session";
}
