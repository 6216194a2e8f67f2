using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Pop3Webmail.EndToEnd.Tests.Support;

/// <summary>
/// The real web app (its own Program, services and pipeline) on Kestrel at a free 127.0.0.1 port, in the Production
/// environment, configured by <paramref name="settings"/> as an operator would configure it. Test-only changes are
/// limited to what <paramref name="configureServices"/> replaces (a shorter circuit retention, a fake clock).
/// </summary>
internal sealed class WebmailApp(IEnumerable<KeyValuePair<string, string?>> settings, Action<IServiceCollection>? configureServices = null)
    : WebApplicationFactory<Program>
{
    private readonly KeyValuePair<string, string?>[] _settings = [.. settings];
    private Uri? _baseAddress;

    /// <summary>"http://127.0.0.1:PORT/" once started.</summary>
    public Uri BaseAddress => _baseAddress ?? throw new InvalidOperationException("The app has not been started.");

    /// <summary>Creates and starts the app; startup failures (invalid configuration) surface here.</summary>
    public static WebmailApp Start(IEnumerable<KeyValuePair<string, string?>> settings, Action<IServiceCollection>? configureServices = null)
    {
        var app = new WebmailApp(settings, configureServices);
        try
        {
            app.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
            app.StartServer();
            var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
            app._baseAddress = new Uri(address.TrimEnd('/') + "/");
            return app;
        }
        catch
        {
            app.Dispose();
            throw;
        }
    }

    /// <summary>A plain HTTP client for this app: no redirects followed, no cookies kept.</summary>
    public HttpClient CreateHttpClient() =>
        new(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false, UseProxy = false }) { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(30) };

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment(Environments.Production);
        builder.UseSetting("Logging:LogLevel:Default", "Warning");
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }

        if (configureServices is not null)
        {
            builder.ConfigureTestServices(configureServices);
        }
    }
}
