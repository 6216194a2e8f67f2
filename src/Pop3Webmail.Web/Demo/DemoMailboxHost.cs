using Pop3Webmail.DemoServer;
using Pop3Webmail.Pop3;
using Pop3Webmail.Web.Session;

namespace Pop3Webmail.Web.Demo;

/// <summary>
/// With no server configured, runs the in-process demo POP3 server on loopback and offers it as the only server,
/// so a fresh clone works with <c>dotnet run</c> and nothing else. The demo speaks plaintext on 127.0.0.1 only;
/// its credentials are public and shown on the login page.
/// </summary>
internal sealed partial class DemoMailboxHost(MailServerCatalog catalog, ILoggerFactory loggerFactory) : IHostedService, IAsyncDisposable
{
    public const string ServerId = "demo";
    private readonly ILogger _logger = loggerFactory.CreateLogger<DemoMailboxHost>();
    private DemoPop3Server? _server;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _server = DemoPop3Server.Start(new DemoPop3ServerOptions(), loggerFactory.CreateLogger<DemoPop3Server>());
        catalog.UseDemo(
            new MailServer(ServerId, "Demo mailbox", _server.Host, _server.Port, Pop3Security.None, AllowPlaintextAuthentication: true),
            new DemoCredentials(DemoPop3Server.DemoUserName, DemoPop3Server.DemoPassword));
        LogStarted(_server.Port);
        return Task.CompletedTask;
    }

    // Sessions have been ended with QUIT on ApplicationStopping (MailboxSessionRegistry) before hosted services stop.
    public async Task StopAsync(CancellationToken cancellationToken) => await DisposeAsync();

    public async ValueTask DisposeAsync()
    {
        if (_server is { } server)
        {
            _server = null;
            await server.DisposeAsync();
        }
    }

    [LoggerMessage(EventId = 300, Level = LogLevel.Information, Message = "No mail server configured: demo mailbox listening on 127.0.0.1:{Port}")]
    private partial void LogStarted(int port);
}
