using Microsoft.AspNetCore.Components.Server.Circuits;
using Microsoft.Extensions.DependencyInjection.Extensions;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Pop3Webmail.Web.Telemetry;

public static class TelemetryServiceCollectionExtensions
{
    /// <summary>
    /// Meters of the framework worth exporting beside ours: HTTP requests (by route template, never by path), Kestrel
    /// connections, SignalR connections (one per circuit), Blazor circuits, and the runtime (GC, thread pool, CPU).
    /// </summary>
    internal static readonly string[] FrameworkMeters =
    [
        "Microsoft.AspNetCore.Hosting",
        "Microsoft.AspNetCore.Server.Kestrel",
        "Microsoft.AspNetCore.Http.Connections",
        "Microsoft.AspNetCore.Components.Server.Circuits",
        "System.Runtime",
    ];

    /// <summary>The POP3 library's command latency histogram (seconds, tagged <c>pop3.command</c>).</summary>
    internal const string Pop3CommandDuration = "pop3.client.command.duration";

    // Seconds, for a POP3 command: from a sub-millisecond NOOP on a LAN to a large RETR or a server stalling to a timeout.
    // The SDK's default boundaries (0 to 10,000) suit milliseconds and would put every command in the first bucket.
    private static readonly double[] Pop3CommandBuckets = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

    /// <summary>
    /// <see cref="MailboxTelemetry"/>, the per-circuit correlation id and its logging scope, and, when configured
    /// (section <c>Telemetry</c>), the OpenTelemetry exporters: a Prometheus scrape endpoint and/or OTLP push.
    /// </summary>
    public static IServiceCollection AddPop3WebmailTelemetry(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var options = configuration.GetSection(TelemetryOptions.SectionName).Get<TelemetryOptions>() ?? new TelemetryOptions();
        Validate(options);

        services.AddMetrics();
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<MailboxTelemetry>();
        services.AddScoped<SessionCorrelation>();
        services.TryAddEnumerable(ServiceDescriptor.Scoped<CircuitHandler, SessionLoggingCircuitHandler>());

        if (!options.AnyExporter)
        {
            return services;
        }

        var openTelemetry = services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(options.ServiceName, serviceInstanceId: Environment.MachineName));
        openTelemetry.WithMetrics(metrics =>
        {
            metrics.AddMeter(MailboxTelemetry.MeterName, MailboxTelemetry.Pop3MeterName).AddMeter(FrameworkMeters)
                .AddView(Pop3CommandDuration, new ExplicitBucketHistogramConfiguration { Boundaries = Pop3CommandBuckets });
            if (options.Prometheus.Enabled)
            {
                metrics.AddPrometheusExporter();
            }

            if (options.Otlp.Endpoint is { } endpoint)
            {
                metrics.AddOtlpExporter((exporter, reader) =>
                {
                    ConfigureOtlp(exporter, options.Otlp, endpoint, "v1/metrics");
                    reader.PeriodicExportingMetricReaderOptions.ExportIntervalMilliseconds = (int)options.Otlp.MetricsInterval.TotalMilliseconds;
                });
            }
        });

        if (options.Otlp.Endpoint is { } traceEndpoint)
        {
            // Our spans only: the framework's request spans would carry URL paths, and download links hold tokens.
            openTelemetry.WithTracing(tracing => tracing
                .AddSource(MailboxTelemetry.ActivitySourceName)
                .AddOtlpExporter(exporter => ConfigureOtlp(exporter, options.Otlp, traceEndpoint, "v1/traces")));
        }

        if (options.Prometheus.Enabled)
        {
            services.AddSingleton<IStartupFilter>(new ManagementPortStartupFilter(options.Prometheus));
        }

        return services;
    }

    /// <summary>
    /// gRPC takes the collector's address as is; OTLP/HTTP takes one URL per signal (/v1/metrics, /v1/traces), which
    /// the exporter does not append to an address set in code.
    /// </summary>
    private static void ConfigureOtlp(OtlpExporterOptions exporter, OtlpTelemetryOptions options, Uri endpoint, string signalPath)
    {
        exporter.Protocol = options.Protocol;
        exporter.Endpoint = options.Protocol == OtlpExportProtocol.HttpProtobuf
            ? new Uri(endpoint.AbsoluteUri.TrimEnd('/') + "/" + signalPath)
            : endpoint;
    }

    private static void Validate(TelemetryOptions options)
    {
        var prometheus = options.Prometheus;
        if (prometheus.Enabled && (!prometheus.Path.StartsWith('/') || prometheus.Path.Length < 2 || prometheus.Path.AsSpan().IndexOfAny("?# ") >= 0))
        {
            throw new InvalidOperationException($"Telemetry:Prometheus:Path '{prometheus.Path}' is not a plain path such as /metrics.");
        }

        if (prometheus.Port is < 1 or > 65535)
        {
            throw new InvalidOperationException($"Telemetry:Prometheus:Port {prometheus.Port} is not a TCP port (1-65535).");
        }

        if (options.Otlp.Endpoint is { IsAbsoluteUri: false } or { Scheme: not ("http" or "https") })
        {
            throw new InvalidOperationException($"Telemetry:Otlp:Endpoint '{options.Otlp.Endpoint}' is not an http or https address.");
        }

        if (options.Otlp.MetricsInterval < TimeSpan.FromSeconds(1))
        {
            throw new InvalidOperationException("Telemetry:Otlp:MetricsInterval must be at least one second.");
        }
    }
}
