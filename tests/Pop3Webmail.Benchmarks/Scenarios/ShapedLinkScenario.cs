using System.Net;
using Pop3Webmail.Benchmarks.Reporting;
using Pop3Webmail.Benchmarks.Shaping;

namespace Pop3Webmail.Benchmarks.Scenarios;

/// <summary>
/// Scenarios 7–9 over a real-world link (<see cref="LinkShape.RealWorld"/>, through the in-process
/// <see cref="ShapedLinkProxy"/>): first the link is measured, then the first visit (everything listed) and the first
/// page run through it, then the session service's first visit and revisit (or, revisitOnly, only those).
/// </summary>
internal static class ShapedLinkScenario
{
    public static async Task RunAsync(BenchEnvironment environment, BenchmarkPlan plan, ResultReport report, bool revisitOnly = false)
    {
        var shape = LinkShape.RealWorld;
        Console.WriteLine($"Shaped link ({shape}): calibration…");
        var calibration = await LinkCalibration.MeasureAsync(shape, plan.CalibrationTransfers);
        report.Add(ResultRow.Compare("shaped link: round trip (1-byte ping-pong through the proxy)", calibration.RoundTrip, "configured", Samples.Of(shape.RoundTrip.TotalSeconds),
            "s", "within 10 % of configured", static (o, p) => Math.Abs((o / p) - 1) <= 0.1));
        report.Add(ResultRow.Compare("shaped link: bandwidth (8 MiB, first to last byte)", calibration.BytesPerSecond, "configured", Samples.Of(shape.BytesPerSecond),
            "bytes/s", "within 10 % of configured", static (o, p) => Math.Abs((o / p) - 1) <= 0.1));

        await using var proxy = new ShapedLinkProxy(new DnsEndPoint(environment.Server.Host, environment.Server.TlsPort), shape);
        if (!revisitOnly)
        {
            await ListingScenario.RunShapedAsync(environment, plan, report, plan.ShapedListingSize, proxy);
            await FirstPageScenario.RunShapedAsync(environment, plan, report, proxy, calibration);
        }

        await RevisitScenario.RunAsync(environment, plan, report, proxy);
    }
}
