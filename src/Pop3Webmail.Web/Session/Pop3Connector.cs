using Pop3Webmail.Pop3;
using Pop3Webmail.Web.Security;

namespace Pop3Webmail.Web.Session;

/// <summary>Opens a secured POP3 connection (not yet authenticated) to a configured or custom server.</summary>
public sealed class Pop3Connector : IPop3Connector
{
    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(20);
    private readonly CustomServerDialer _customServers;
    private readonly ILoggerFactory _loggerFactory;

    public Pop3Connector(CustomServerDialer customServers, ILoggerFactory loggerFactory)
    {
        _customServers = customServers;
        _loggerFactory = loggerFactory;
    }

    public async Task<Pop3Client> ConnectAsync(MailServer server, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(server);
        var client = new Pop3Client(
            new Pop3ClientOptions
            {
                Security = server.Security,
                CertificateThumbprint = server.CertificateThumbprint,
                AllowedMechanisms = server.AllowedMechanisms,
                AllowPlaintextAuthentication = server.AllowPlaintextAuthentication,
                ConnectTimeout = ConnectTimeout,
            },
            _loggerFactory.CreateLogger<Pop3Client>());
        try
        {
            if (server.IsCustom)
            {
                // A server the user typed: resolved once, checked against the address policy, dialled by that address.
                await _customServers.ConnectAsync(client, server.Host, server.Port, cancellationToken);
            }
            else
            {
                await client.ConnectAsync(server.Host, server.Port, cancellationToken);
            }

            return client;
        }
        catch
        {
            await client.DisposeAsync();
            throw;
        }
    }
}
