using System.Diagnostics.Metrics;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Pop3Webmail.Testing;
using Pop3Webmail.Web.Scheduling;
using Pop3Webmail.Web.Session;
using Pop3Webmail.Web.Telemetry;
using Pop3Webmail.Web.Tests.Telemetry;

namespace Pop3Webmail.Web.Tests.Deployment;

/// <summary>
/// deploy/grafana/pop3webmail-dashboard.json against what the app really exports: every series a panel queries is in a
/// real scrape of the app (so no panel stays empty because of a misspelt or renamed metric), and every metric of our
/// own meter is on the dashboard and in docs/operations.md.
/// </summary>
public sealed partial class GrafanaDashboardTests
{
    private const string LibraryPrefix = "pop3_client_";

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task EverySeriesThePanelsQueryIsInARealScrapeOfTheApp()
    {
        var libraryPublished = false;
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, _) => libraryPublished |= instrument.Meter.Name == MailboxTelemetry.Pop3MeterName,
        };
        await using var app = await RunningWebmail.StartAsync("Telemetry:Prometheus:Enabled=true");
        await ProduceEveryKindOfMeasurementAsync(app);
        listener.Start();

        using var client = new HttpClient { BaseAddress = app.Address };
        var scrape = await client.GetStringAsync("/metrics", Cancellation);
        var exported = ScrapedSeries().Matches(scrape).Select(m => m.Groups["name"].Value).ToHashSet(StringComparer.Ordinal);

        var queried = DashboardSeries();
        var missing = queried.Where(name => !exported.Contains(name) && (libraryPublished || !name.StartsWith(LibraryPrefix, StringComparison.Ordinal))).ToList();
        Assert.True(missing.Count == 0, $"Queried but not exported: {string.Join(", ", missing)}\nExported: {string.Join(", ", exported.Order())}");

        // Until the POP3 library publishes its meter, its series cannot be scraped; they must at least be documented.
        var guide = File.ReadAllText(RepositoryFiles.PathOf("docs/operations.md"));
        Assert.All(queried.Where(n => n.StartsWith(LibraryPrefix, StringComparison.Ordinal)), name => Assert.Contains(BaseName(name), guide, StringComparison.Ordinal));
    }

    [Fact]
    public void EveryMetricOfOurMeterIsOnTheDashboardAndInTheOperationsGuide()
    {
        using var capture = new TelemetryCapture();
        var instruments = new List<Instrument>();
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, _) =>
            {
                if (ReferenceEquals(instrument.Meter, capture.Telemetry.Meter))
                {
                    instruments.Add(instrument);
                }
            },
        };
        listener.Start();

        var dashboard = string.Join(' ', DashboardSeries());
        var guide = File.ReadAllText(RepositoryFiles.PathOf("docs/operations.md"));

        Assert.Equal(18, instruments.Count);
        Assert.All(instruments, instrument =>
        {
            Assert.Contains(instrument.Name.Replace('.', '_'), dashboard, StringComparison.Ordinal);
            Assert.Contains($"`{instrument.Name}`", guide, StringComparison.Ordinal);
        });
    }

    /// <summary>Our telemetry (every method), the scheduler, a real POP3 session with the demo server, and HTTP requests.</summary>
    private static async Task ProduceEveryKindOfMeasurementAsync(RunningWebmail app)
    {
        MailboxTelemetryTests.ExerciseEverything(app.Telemetry, SessionCorrelationId.NewId());

        var scheduler = app.Services.GetRequiredService<MailWorkScheduler>();
        var slots = new List<MailWorkSlot>();
        for (var i = 0; i < scheduler.MaxConcurrency; i++)
        {
            slots.Add(await scheduler.AcquireAsync(MailWorkPriority.Background, Cancellation));
        }

        var queued = scheduler.AcquireAsync(MailWorkPriority.Interactive, Cancellation).AsTask();
        slots.ForEach(s => s.Dispose());
        (await queued).Dispose();

        var catalog = app.Services.GetRequiredService<MailServerCatalog>();
        var demo = catalog.DemoCredentials ?? throw new InvalidOperationException("The app should run its demo mailbox.");
        await using (var pop3 = await app.Services.GetRequiredService<IPop3Connector>().ConnectAsync(catalog.Servers[0], Cancellation))
        {
            await pop3.AuthenticateAsync(demo.UserName, demo.Password, Cancellation);
            await pop3.StatAsync(Cancellation);
        }

        using var client = new HttpClient { BaseAddress = app.Address };
        (await client.GetAsync("/healthz", Cancellation)).Dispose();
    }

    /// <summary>Every metric series name in the dashboard's queries.</summary>
    private static IReadOnlyList<string> DashboardSeries()
    {
        using var dashboard = JsonDocument.Parse(File.ReadAllText(RepositoryFiles.PathOf("deploy/grafana/pop3webmail-dashboard.json")));
        var expressions = dashboard.RootElement.GetProperty("panels").EnumerateArray()
            .Where(p => p.TryGetProperty("targets", out _))
            .SelectMany(p => p.GetProperty("targets").EnumerateArray())
            .Select(t => t.GetProperty("expr").GetString()!)
            .ToList();
        Assert.NotEmpty(expressions);
        return [.. expressions.SelectMany(e => QueriedSeries().Matches(e).Select(m => m.Value)).Distinct().Order()];
    }

    /// <summary>pop3_client_command_duration_seconds_bucket → pop3.client.command.duration (as the library names it).</summary>
    private static string BaseName(string series) =>
        HistogramOrUnitSuffix().Replace(series, string.Empty).Replace('_', '.');

    [GeneratedRegex(@"^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(\{| )", RegexOptions.Multiline)]
    private static partial Regex ScrapedSeries();

    [GeneratedRegex(@"\b(pop3webmail|pop3_client|http_server|kestrel|dotnet)_[a-z0-9_]+")]
    private static partial Regex QueriedSeries();

    [GeneratedRegex(@"(_seconds|_bytes)?(_bucket|_count|_sum|_total)?$")]
    private static partial Regex HistogramOrUnitSuffix();
}
