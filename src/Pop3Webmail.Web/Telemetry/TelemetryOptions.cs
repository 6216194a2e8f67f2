using OpenTelemetry.Exporter;

namespace Pop3Webmail.Web.Telemetry;

/// <summary>The <c>Telemetry</c> configuration section. Everything is off by default: no exporter, no endpoint.</summary>
public sealed class TelemetryOptions
{
    public const string SectionName = "Telemetry";

    /// <summary>The <c>service.name</c> resource attribute on everything exported.</summary>
    public string ServiceName { get; init; } = "pop3webmail";

    public PrometheusTelemetryOptions Prometheus { get; init; } = new();

    public OtlpTelemetryOptions Otlp { get; init; } = new();

    internal bool AnyExporter => Prometheus.Enabled || Otlp.Endpoint is not null;
}

/// <summary><c>Telemetry:Prometheus</c>: a scrape endpoint for Prometheus.</summary>
public sealed class PrometheusTelemetryOptions
{
    public bool Enabled { get; init; }

    /// <summary>The scrape path, on the management port when <see cref="Port"/> is set, else on the app's own port.</summary>
    public string Path { get; init; } = "/metrics";

    /// <summary>
    /// A separate management port for the scrape endpoint. The app listens on it in addition to its own addresses, and
    /// answers only the scrape path there; the scrape path answers 404 on every other port. Decided by the port the
    /// connection arrived on, never by the Host header, which the client chooses.
    /// </summary>
    public int? Port { get; init; }

    /// <summary>The address the management port binds to: <c>*</c> (every interface, for a scraper in another pod) or an IP.</summary>
    public string BindAddress { get; init; } = "*";
}

/// <summary><c>Telemetry:Otlp</c>: push metrics and traces to an OpenTelemetry collector.</summary>
public sealed class OtlpTelemetryOptions
{
    /// <summary>The collector's base address, e.g. <c>http://otel-collector:4317</c> (gRPC) or <c>:4318</c> (HTTP).</summary>
    public Uri? Endpoint { get; init; }

    public OtlpExportProtocol Protocol { get; init; } = OtlpExportProtocol.Grpc;

    /// <summary>How often metrics are pushed.</summary>
    public TimeSpan MetricsInterval { get; init; } = TimeSpan.FromSeconds(30);
}
