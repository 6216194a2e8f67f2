using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Pop3Webmail.DemoServer;
using Pop3Webmail.Web.Session;

namespace Pop3Webmail.Web.Tests.Support;

/// <summary>The real app in memory (WebApplicationFactory), configured with one demo POP3 server and a fake clock.</summary>
internal sealed class WebAppFactory : WebApplicationFactory<Program>
{
    private readonly DemoPop3Server? _server;

    public WebAppFactory(DemoPop3Server? server, params (string Key, string Value)[] settings)
    {
        _server = server;
        Settings = settings;
    }

    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 3, 2, 9, 0, 0, TimeSpan.Zero));

    private (string Key, string Value)[] Settings { get; }

    /// <summary>A circuit-like scope: its own MailboxSession and BrowserContext, as a browser tab would have.</summary>
    public (AsyncServiceScopeHolder Scope, MailboxSession Session) CreateTab(string browserKey)
    {
        var scope = Services.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<BrowserContext>().BrowserKey = browserKey;
        return (new AsyncServiceScopeHolder(scope), scope.ServiceProvider.GetRequiredService<MailboxSession>());
    }

    public HttpClient CreateBrowser(string? browserKey)
    {
        var client = CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false });
        if (browserKey is not null)
        {
            client.DefaultRequestHeaders.Add("Cookie", Pop3Webmail.Web.Security.BrowserBinding.CookieName + "=" + browserKey);
        }

        return client;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        if (_server is not null)
        {
            builder.UseSetting("Mail:Servers:0:Name", "Test");
            builder.UseSetting("Mail:Servers:0:Host", _server.Host);
            builder.UseSetting("Mail:Servers:0:Port", _server.Port.ToString(System.Globalization.CultureInfo.InvariantCulture));
            builder.UseSetting("Mail:Servers:0:Security", "None");
            builder.UseSetting("Mail:Servers:0:AllowPlaintextAuthentication", "true");
        }

        foreach (var (key, value) in Settings)
        {
            builder.UseSetting(key, value);
        }

        builder.ConfigureTestServices(services => services.AddSingleton<TimeProvider>(Time));
    }
}

/// <summary>Owns a scope for a test; disposing it is what closing the circuit does.</summary>
internal sealed class AsyncServiceScopeHolder(AsyncServiceScope scope) : IAsyncDisposable
{
    public IServiceProvider Services => scope.ServiceProvider;

    public ValueTask DisposeAsync() => scope.DisposeAsync();
}
