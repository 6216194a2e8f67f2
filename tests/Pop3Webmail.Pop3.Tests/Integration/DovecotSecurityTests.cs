using System.Net;
using System.Net.Security;
using System.Security.Cryptography;

namespace Pop3Webmail.Pop3.Tests.Integration;

/// <summary>Plaintext, STLS (RFC 2595) and implicit TLS (RFC 8314) against the real server and its self-signed certificate.</summary>
[Collection(DovecotCollectionDefinition.Name)]
public sealed class DovecotSecurityTests(DovecotFixture dovecot)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task PlaintextSessionLogsInWithUserPassWhenPlaintextIsExplicitlyAllowed()
    {
        var server = dovecot.Server;
        await using var client = new Pop3Client(new Pop3ClientOptions { Security = Pop3Security.None, AllowPlaintextAuthentication = true });

        await client.ConnectAsync(server.Host, server.Port, Ct);
        Assert.False(client.IsSecure);
        Assert.True(client.Capabilities.StartTls);
        await client.AuthenticateAsync(Pop3AuthenticationMechanism.User, dovecot.Reader.Name, dovecot.Reader.Password, Ct);

        Assert.True(client.IsAuthenticated);
        Assert.Equal(dovecot.ReaderMailbox.Count, (await client.StatAsync(Ct)).MessageCount);
        await client.QuitAsync(Ct);
    }

    [Fact]
    public async Task AutomaticLoginWithoutTlsUsesCramMd5AndNeverAPlaintextMechanism()
    {
        var server = dovecot.Server;
        var user = dovecot.AddAccount(DovecotFixture.Numbered(1));
        await using var client = new Pop3Client(new Pop3ClientOptions { Security = Pop3Security.None });

        await client.ConnectAsync(server.Host, server.Port, Ct);
        await client.AuthenticateAsync(user.Name, user.Password, Ct);
        await client.QuitAsync(Ct);

        var session = await server.WaitForSessionAsync(s => s.User == user.Name && s.Ended, cancellationToken: Ct);
        Assert.Equal("CRAM-MD5", session.Method);
        Assert.Null(session.Tls);
    }

    [Fact]
    public async Task StartTlsWithThePinnedCertificateSecuresTheSessionAndRereadsCapabilities()
    {
        var server = dovecot.Server;
        var user = dovecot.AddAccount(DovecotFixture.Numbered(1));
        await using var client = new Pop3Client(new Pop3ClientOptions
        {
            Security = Pop3Security.StartTls,
            CertificateThumbprint = server.CertificateThumbprint,
        });

        await client.ConnectAsync(server.Host, server.Port, Ct);

        Assert.True(client.IsSecure);
        // RFC 2595 §4: the capabilities are asked for again over TLS, and a server that is already secure offers no STLS.
        Assert.False(client.Capabilities.StartTls);
        Assert.True(client.Capabilities.IsSupported);
        Assert.Contains("PLAIN", client.Capabilities.SaslMechanisms);
        await client.AuthenticateAsync(Pop3AuthenticationMechanism.Plain, user.Name, user.Password, Ct);
        await client.QuitAsync(Ct);

        var session = await server.WaitForSessionAsync(s => s.User == user.Name && s.Ended, cancellationToken: Ct);
        Assert.StartsWith("TLSv1.", session.Tls, StringComparison.Ordinal);
        Assert.True(session.LoggedOut);
    }

    [Fact]
    public async Task ConnectingToAnAddressDialsItAndValidatesTheCertificateForTheGivenHostName()
    {
        // The web app dials the address its policy approved (against DNS rebinding) and names the host for TLS.
        var server = dovecot.Server;
        var user = dovecot.AddAccount(DovecotFixture.Numbered(1));
        string? targetHost = null;
        var errors = SslPolicyErrors.None;
        await using var client = new Pop3Client(new Pop3ClientOptions
        {
            Security = Pop3Security.Tls,
            ServerCertificateValidationCallback = (sender, certificate, _, sslPolicyErrors) =>
            {
                targetHost = ((SslStream)sender).TargetHostName;
                errors = sslPolicyErrors;
                return string.Equals(certificate?.GetCertHashString(HashAlgorithmName.SHA256), server.CertificateThumbprint, StringComparison.OrdinalIgnoreCase);
            },
        });

        await client.ConnectAsync(IPAddress.Loopback, server.TlsPort, "pop.example.test", Ct);
        await client.AuthenticateAsync(user.Name, user.Password, Ct);
        await client.QuitAsync(Ct);

        Assert.Equal("pop.example.test", targetHost);
        Assert.True(errors.HasFlag(SslPolicyErrors.RemoteCertificateNameMismatch)); // The certificate names localhost.
    }

    [Fact]
    public async Task ConnectingToAnAddressWithThePinnedCertificateSignsIn()
    {
        var server = dovecot.Server;
        var user = dovecot.AddAccount(DovecotFixture.Numbered(2));
        await using var client = new Pop3Client(dovecot.TlsOptions());

        await client.ConnectAsync(IPAddress.Loopback, server.TlsPort, "localhost", Ct);
        await client.AuthenticateAsync(user.Name, user.Password, Ct);

        Assert.True(client.IsSecure);
        Assert.Equal(2, (await client.StatAsync(Ct)).MessageCount);
        await client.QuitAsync(Ct);
    }

    [Fact]
    public async Task ConnectingToAnAddressWhereNothingListensIsAProtocolErrorCarryingTheSocketError()
    {
        using var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        await using var client = new Pop3Client(new Pop3ClientOptions { Security = Pop3Security.None });

        var error = await Assert.ThrowsAsync<Pop3ProtocolException>(() => client.ConnectAsync(IPAddress.Loopback, port, "pop.example.test", Ct));

        Assert.IsType<System.Net.Sockets.SocketException>(error.InnerException);
        Assert.Contains("pop.example.test", error.Message, StringComparison.Ordinal);
        Assert.False(client.IsConnected);
    }

    [Fact]
    public async Task StartTlsWithDefaultValidationRejectsTheSelfSignedCertificate()
    {
        var server = dovecot.Server;
        await using var client = new Pop3Client(new Pop3ClientOptions { Security = Pop3Security.StartTls });

        // "localhost" matches the certificate's name, so the only fault left is that nobody trusts its issuer.
        var error = await Assert.ThrowsAsync<Pop3SecurityException>(() => client.ConnectAsync("localhost", server.Port, Ct));

        Assert.False(client.IsConnected);
        Assert.False(client.IsSecure);
        Assert.NotNull(error.InnerException);
    }

    [Fact]
    public async Task ImplicitTlsWithThePinnedCertificateLogsIn()
    {
        var server = dovecot.Server;
        var user = dovecot.AddAccount(DovecotFixture.Numbered(2));

        await using var client = await dovecot.LoginAsync(user);

        Assert.True(client.IsSecure);
        Assert.False(client.Capabilities.StartTls);
        Assert.Equal(2, (await client.StatAsync(Ct)).MessageCount);
        await client.QuitAsync(Ct);
        var session = await server.WaitForSessionAsync(s => s.User == user.Name && s.Ended, cancellationToken: Ct);
        Assert.StartsWith("TLSv1.", session.Tls, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ImplicitTlsAcceptsTheSha1PinToo()
    {
        var server = dovecot.Server;
        await using var client = new Pop3Client(new Pop3ClientOptions
        {
            CertificateThumbprint = server.Certificate.Certificate.GetCertHashString(HashAlgorithmName.SHA1),
        });

        await client.ConnectAsync(server.Host, server.TlsPort, Ct);

        Assert.True(client.IsSecure);
        await client.QuitAsync(Ct);
    }

    [Fact]
    public async Task ImplicitTlsRejectsACertificateThatDoesNotMatchThePin()
    {
        var server = dovecot.Server;
        await using var client = new Pop3Client(new Pop3ClientOptions { CertificateThumbprint = new string('0', 64) });

        await Assert.ThrowsAsync<Pop3SecurityException>(() => client.ConnectAsync(server.Host, server.TlsPort, Ct));

        Assert.False(client.IsConnected);
    }

    [Fact]
    public async Task ImplicitTlsWithDefaultValidationRejectsTheSelfSignedCertificate()
    {
        var server = dovecot.Server;
        await using var client = new Pop3Client();

        await Assert.ThrowsAsync<Pop3SecurityException>(() => client.ConnectAsync("localhost", server.TlsPort, Ct));

        Assert.False(client.IsConnected);
    }
}
