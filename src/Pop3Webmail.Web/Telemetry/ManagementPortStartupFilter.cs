using System.Globalization;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace Pop3Webmail.Web.Telemetry;

/// <summary>
/// Serves the Prometheus scrape endpoint, ahead of everything else in the pipeline. With a management port, the app
/// also listens there and that port answers the scrape path and nothing else (404), while the scrape path answers 404
/// on the public port: the port the connection came in on decides, not the Host header (which any client sets, so
/// <c>RequireHost</c> would let the public listener serve metrics to anyone who writes the management port into it).
/// </summary>
internal sealed class ManagementPortStartupFilter(PrometheusTelemetryOptions options) : IStartupFilter
{
    // Kestrel's own default when no address is configured; adding ours to an empty list would otherwise replace it.
    private const string KestrelDefaultAddress = "http://localhost:5000";

    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        var path = new PathString(options.Path);
        if (options.Port is int port)
        {
            ListenOnManagementPort(app, port);
            app.MapWhen(
                context => context.Connection.LocalPort == port,
                management =>
                {
                    management.UseOpenTelemetryPrometheusScrapingEndpoint(
                        meterProvider: null, predicate: context => context.Request.Path == path, path: null, configureBranchedPipeline: null, optionsName: null);
                    management.Run(context =>
                    {
                        context.Response.StatusCode = StatusCodes.Status404NotFound;
                        return Task.CompletedTask;
                    });
                });
        }
        else
        {
            app.UseOpenTelemetryPrometheusScrapingEndpoint(context => context.Request.Path == path);
        }

        next(app);
    };

    /// <summary>
    /// Adds the management address to the server's addresses. Startup filters run after the host has copied the
    /// configured URLs (ASPNETCORE_URLS, ASPNETCORE_HTTP_PORTS, --urls) into that list and before the server binds, so
    /// the app keeps its own addresses and gains this one.
    /// </summary>
    private void ListenOnManagementPort(IApplicationBuilder app, int port)
    {
        var addresses = app.ServerFeatures.Get<IServerAddressesFeature>()?.Addresses;
        if (addresses is null || addresses.IsReadOnly)
        {
            return; // an in-memory test server: no sockets to add
        }

        if (addresses.Count == 0)
        {
            addresses.Add(KestrelDefaultAddress);
        }

        if (addresses.Any(address => UsesPort(address, port)))
        {
            throw new InvalidOperationException(
                $"Telemetry:Prometheus:Port {port} is also one of the app's own addresses; the management port must be a port of its own.");
        }

        addresses.Add(string.Create(CultureInfo.InvariantCulture, $"http://{options.BindAddress}:{port}"));
    }

    private static bool UsesPort(string address, int port) => BindingAddress.Parse(address).Port == port;
}
