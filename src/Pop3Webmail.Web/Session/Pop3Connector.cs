using Microsoft.Extensions.Options;
using Pop3Webmail.Pop3;
using Pop3Webmail.Web.Configuration;
using Pop3Webmail.Web.Security;

namespace Pop3Webmail.Web.Session;

/// <summary>Opens a secured POP3 connection (not yet authenticated) to a configured or custom server.</summary>
public sealed class Pop3Connector
{
    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(20);
    private readonly MailOptions _options;
    private readonly ILoggerFactory _loggerFactory;

    public Pop3Connector(IOptions<MailOptions> options, ILoggerFactory loggerFactory)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Value;
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
                // Dial the address that passed the policy check, never the name again (DNS rebinding).
                var address = await ServerAddressPolicy.ResolveAsync(server.Host, _options.AllowPrivateNetworks, cancellationToken);
                await client.ConnectAsync(address, server.Port, server.Host, cancellationToken);
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
