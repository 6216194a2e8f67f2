using System.Collections.Concurrent;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using Pop3Webmail.Web.Session;
using Pop3Webmail.Web.Telemetry;

namespace Pop3Webmail.Web.Tests.Telemetry;

public sealed class TelemetryServiceCollectionExtensionsTests
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public void WithNoTelemetrySettingsNothingIsExported()
    {
        using var services = Build([]);

        Assert.NotNull(services.GetService<MailboxTelemetry>());
        Assert.Null(services.GetService<MeterProvider>());
        Assert.Null(services.GetService<TracerProvider>());
    }

    /// <summary>OTLP over HTTP to a collector stand-in on loopback: what arrives is the real exporter's protobuf.</summary>
    [Fact]
    public async Task AnOtlpEndpointReceivesOurMetricsAndSpans()
    {
        await using var collector = await OtlpCollector.StartAsync();
        using var services = Build([("Telemetry:Otlp:Endpoint", collector.Address.ToString()), ("Telemetry:Otlp:Protocol", "HttpProtobuf")]);
        var meters = services.GetRequiredService<MeterProvider>();
        var tracer = services.GetRequiredService<TracerProvider>();
        using (var signIn = services.GetRequiredService<MailboxTelemetry>().StartSignIn(SessionCorrelationId.NewId()))
        {
            signIn.Complete(SignInError.InvalidCredentials);
        }

        Assert.True(meters.ForceFlush(10_000));
        Assert.True(tracer.ForceFlush(10_000));

        var metrics = Assert.Single(collector.Received, r => r.Path == "/v1/metrics" && r.Body.Contains("pop3webmail.signins", StringComparison.Ordinal));
        Assert.Equal("application/x-protobuf", metrics.ContentType);
        Assert.Contains("invalid_credentials", metrics.Body, StringComparison.Ordinal);
        Assert.Contains("pop3webmail", metrics.Body, StringComparison.Ordinal); // service.name
        Assert.Contains(collector.Received, r => r.Path == "/v1/traces" && r.Body.Contains("pop3webmail.sign_in", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("Telemetry:Prometheus:Path", "metrics")]
    [InlineData("Telemetry:Prometheus:Path", "/metrics?x=1")]
    [InlineData("Telemetry:Prometheus:Port", "70000")]
    [InlineData("Telemetry:Otlp:Endpoint", "ftp://collector:4317")]
    [InlineData("Telemetry:Otlp:MetricsInterval", "00:00:00.100")]
    public void AnInvalidSettingStopsTheAppNamingTheKey(string key, string value)
    {
        var error = Assert.Throws<InvalidOperationException>(() => Build([("Telemetry:Prometheus:Enabled", "true"), (key, value)]));

        Assert.Contains(key, error.Message, StringComparison.Ordinal);
    }

    private static ServiceProvider Build((string Key, string Value)[] settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value))).Build();
        return new ServiceCollection().AddLogging().AddPop3WebmailTelemetry(configuration).BuildServiceProvider();
    }

    /// <summary>Accepts OTLP/HTTP posts on a loopback port and keeps them (body as Latin-1, so protobuf strings are readable).</summary>
    private sealed class OtlpCollector : IAsyncDisposable
    {
        private readonly WebApplication _app;
        private readonly ConcurrentQueue<(string Path, string? ContentType, string Body)> _received = new();

        private OtlpCollector(WebApplication app) => _app = app;

        public Uri Address => new(_app.Urls.First());

        public IReadOnlyList<(string Path, string? ContentType, string Body)> Received => [.. _received];

        public static async Task<OtlpCollector> StartAsync()
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            builder.Logging.ClearProviders();
            var app = builder.Build();
            var collector = new OtlpCollector(app);
            app.MapPost("/v1/{signal}", async (HttpContext context) =>
            {
                using var body = new MemoryStream();
                await context.Request.Body.CopyToAsync(body, context.RequestAborted);
                collector._received.Enqueue((context.Request.Path.Value!, context.Request.ContentType, Encoding.Latin1.GetString(body.ToArray())));
                return Results.Ok();
            });
            await app.StartAsync(Cancellation);
            return collector;
        }

        public async ValueTask DisposeAsync()
        {
            await _app.StopAsync(CancellationToken.None);
            await _app.DisposeAsync();
        }
    }
}
