using System.Net;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Pop3Webmail.Testing;
using Yarp.ReverseProxy.Configuration;

namespace Pop3Webmail.EndToEnd.Tests.Support;

/// <summary>
/// A TLS-terminating reverse proxy in front of the app, as nginx would be in production: HTTPS on its own port
/// (self-signed certificate), only <c>/mail/…</c> routed, forwarded unchanged (path included) to the app over plain
/// HTTP with X-Forwarded-For, -Proto and -Host, WebSockets included (YARP does all of it by default).
/// </summary>
internal sealed class TlsReverseProxy : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly X509Certificate2 _certificate;
    private readonly string _certificateDirectory;

    private TlsReverseProxy(WebApplication app, X509Certificate2 certificate, string certificateDirectory, Uri baseAddress)
    {
        _app = app;
        _certificate = certificate;
        _certificateDirectory = certificateDirectory;
        BaseAddress = baseAddress;
    }

    /// <summary>"https://127.0.0.1:PORT/".</summary>
    public Uri BaseAddress { get; }

    public static async Task<TlsReverseProxy> StartAsync(string pathBase, Uri destination)
    {
        ArgumentNullException.ThrowIfNull(destination);
        var directory = Directory.CreateTempSubdirectory("p3w-proxy-").FullName;
        var pem = SelfSignedCertificate.Create(directory);
        var certificate = X509Certificate2.CreateFromPemFile(pem.CertificatePath, pem.KeyPath);
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, listen =>
        {
            listen.Protocols = HttpProtocols.Http1;
            listen.UseHttps(certificate);
        }));
        builder.Services.AddReverseProxy().LoadFromMemory(
            [new RouteConfig { RouteId = "webmail", ClusterId = "app", Match = new RouteMatch { Path = pathBase + "/{**rest}" } }],
            [new ClusterConfig { ClusterId = "app", Destinations = new Dictionary<string, DestinationConfig> { ["app"] = new() { Address = destination.ToString() } } }]);
        var app = builder.Build();
        app.MapReverseProxy();
        await app.StartAsync();
        return new TlsReverseProxy(app, certificate, directory, new Uri(app.Urls.Single().TrimEnd('/') + "/"));
    }

    public async ValueTask DisposeAsync()
    {
        await _app.DisposeAsync();
        _certificate.Dispose();
        Directory.Delete(_certificateDirectory, recursive: true);
    }
}
