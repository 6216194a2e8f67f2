using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Pop3Webmail.DemoServer;
using Pop3Webmail.Pop3;
using Pop3Webmail.Web.Session;

namespace Pop3Webmail.Web.Tests.Support;

/// <summary>
/// Connects sessions to a demo server through in-memory streams instead of TCP, so a test can run thousands of POP3
/// sessions without a port each. Everything above the stream (the client, the session) is the production code.
/// </summary>
internal sealed class InMemoryDemoConnector(DemoPop3Server server, ILoggerFactory? loggerFactory = null) : IPop3Connector
{
    public async Task<Pop3Client> ConnectAsync(MailServer mailServer, CancellationToken cancellationToken)
    {
        var client = new Pop3Client(
            new Pop3ClientOptions { Security = Pop3Security.None, AllowPlaintextAuthentication = true },
            (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger<Pop3Client>());
        try
        {
            await client.ConnectAsync(server.ConnectInMemory(), "demo.invalid", cancellationToken);
            return client;
        }
        catch
        {
            await client.DisposeAsync();
            throw;
        }
    }
}
