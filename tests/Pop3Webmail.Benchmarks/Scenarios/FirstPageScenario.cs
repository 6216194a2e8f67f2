using System.Diagnostics;
using System.Globalization;
using Pop3Webmail.Benchmarks.Contenders;
using Pop3Webmail.Benchmarks.Reporting;
using Pop3Webmail.Benchmarks.Shaping;
using Pop3Webmail.Pop3;

namespace Pop3Webmail.Benchmarks.Scenarios;

/// <summary>
/// Scenario 8: connect (implicit TLS) to the 50 newest summaries with the library (<c>ListMailboxAsync(50)</c>), on
/// the loopback and through the shaped link, against the raw minimal first-page sequence, MailKit, and on the shaped
/// link against the computed minimum: round trips times the measured RTT plus the bytes of the minimal sequence
/// over the measured bandwidth.
/// </summary>
internal static class FirstPageScenario
{
    public const int PageSize = 50;

    /// <summary>
    /// Round trips of the minimal sequence through the proxy: the TLS 1.3 handshake, the greeting (the server sends it
    /// once the client's Finished has arrived), CAPA, AUTH PLAIN with its initial response, and one flight of STAT,
    /// LIST, UIDL with the TOP commands overlapping the listing. The TCP handshake with the proxy is not shaped.
    /// </summary>
    private const int MinimalFlights = 5;

    private const string Reference = "— (reference)";

    public static Task RunAsync(BenchEnvironment environment, BenchmarkPlan plan, ResultReport report) =>
        RunAsync(environment, plan, report, proxy: null, calibration: null);

    public static Task RunShapedAsync(BenchEnvironment environment, BenchmarkPlan plan, ResultReport report, ShapedLinkProxy proxy, LinkCalibration.Result calibration) =>
        RunAsync(environment, plan, report, proxy, calibration);

    private static async Task RunAsync(BenchEnvironment environment, BenchmarkPlan plan, ResultReport report, ShapedLinkProxy? proxy, LinkCalibration.Result? calibration)
    {
        var size = plan.SessionMailboxSize;
        var endpoint = environment.Endpoint(BenchEnvironment.MailboxUser(size), tls: true);
        var link = "loopback";
        if (proxy is not null)
        {
            endpoint = endpoint with { Port = proxy.Port };
            link = $"shaped {proxy.Shape}";
        }

        Console.WriteLine($"First page (connect to {PageSize} newest summaries) of a {size}-message mailbox, TLS, {link}, {plan.Repetitions} rounds…");
        var samples = await Contest.RunAsync(
            plan.Repetitions,
            new Contender("ours", () => TimeOpenAsync(() => OurContender.FirstPageAsync(endpoint, PageSize))),
            new Contender("raw", () => TimeOpenAsync(() => RawPipelinedContender.MinimalFirstPageAsync(endpoint, PageSize))),
            new Contender("MailKit", () => TimeOpenAsync(async () => new Closing(await MailKitContender.FirstPageAsync(endpoint, PageSize)))),
            new Contender("ours, PLAIN", () => TimeOpenAsync(() => OurContender.FirstPageAsync(endpoint, PageSize, [Pop3AuthenticationMechanism.Plain]))));
        var name = $"first page, {BenchmarkPlan.Label(size)} mailbox (TLS, {link})";
        report.Add(ResultRow.Compare(name, samples[0], "raw minimal first-page sequence", samples[1], "s", "ours/raw ≤ 1.15", static (o, p) => o <= 1.15 * p,
            "ours: ConnectAsync, AuthenticateAsync, ListMailboxAsync(50); raw: greeting, CAPA, AUTH PLAIN, STAT+LIST+UIDL, 50 TOP after STAT"));
        report.Add(ResultRow.Compare(name, samples[0], "MailKit 4.18.2 (sizes, UIDs, 50 newest headers)", samples[2], "s", "— (reference: the peer users would pick)", met: null));
        report.Add(ResultRow.Compare(name + ", ours with PLAIN only", samples[3], "raw minimal first-page sequence", samples[1], "s", "ours/raw ≤ 1.15", static (o, p) => o <= 1.15 * p,
            "AllowedMechanisms = PLAIN (one round trip); the automatic cascade prefers CRAM-MD5 (two) even over TLS"));

        if (proxy is not null && calibration is not null)
        {
            var bytes = await BytesDownstreamAsync(proxy, endpoint, PageSize);
            var listingBytes = await BytesDownstreamAsync(proxy, endpoint, 0);
            var roundTrip = calibration.RoundTrip.Median;
            var bandwidth = calibration.BytesPerSecond.Median;

            // The TOP batch leaves once STAT has answered; its replies can come no sooner than a round trip later, or
            // after the LIST and UIDL bytes, whichever is later: a listing shorter than a round trip costs the rest of one.
            var uncovered = Math.Max(0, roundTrip - (listingBytes / bandwidth));
            var minimum = (MinimalFlights * roundTrip) + uncovered + (bytes / bandwidth);
            var computed = Samples.Of(minimum);
            var how = string.Create(CultureInfo.InvariantCulture,
                $"{MinimalFlights} round trips × {roundTrip * 1000:0.0} ms + {uncovered * 1000:0.0} ms of the TOP round trip the listing does not cover + {bytes / 1024.0:0} KiB ÷ {bandwidth * 8 / 1e6:0.0} Mbit/s (measured); no server time");
            report.Add(ResultRow.Compare(name, samples[0], "computed minimum", computed, "s", "ours ≤ 1.25 × minimum", static (o, p) => o <= 1.25 * p, how));
            report.Add(ResultRow.Compare(name + ", ours with PLAIN only", samples[3], "computed minimum", computed, "s", "ours ≤ 1.25 × minimum", static (o, p) => o <= 1.25 * p, how));
            report.Add(ResultRow.Compare(name + ", raw minimal sequence", samples[1], "computed minimum", computed, "s", Reference, met: null,
                "what the server's own work (login, listing) adds to the model"));
        }
    }

    /// <summary>Server-to-client bytes of one raw minimal first page of <paramref name="pageSize"/> summaries through the proxy.</summary>
    private static async Task<long> BytesDownstreamAsync(ShapedLinkProxy proxy, PopEndpoint endpoint, int pageSize)
    {
        var before = proxy.BytesDownstream;
        await using (await RawPipelinedContender.MinimalFirstPageAsync(endpoint, pageSize))
        {
            return proxy.BytesDownstream - before;
        }
    }

    /// <summary>Times <paramref name="open"/> (connect to first page); the session it leaves open is closed off the clock.</summary>
    private static async Task<double> TimeOpenAsync<T>(Func<Task<T>> open)
        where T : IAsyncDisposable
    {
        var clock = Stopwatch.StartNew();
        var session = await open();
        var seconds = clock.Elapsed.TotalSeconds;
        await session.DisposeAsync();
        return seconds;
    }

    /// <summary>A MailKit client (IDisposable only) closed without QUIT, like the others' open sessions.</summary>
    private sealed class Closing(IDisposable client) : IAsyncDisposable
    {
        public ValueTask DisposeAsync()
        {
            client.Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
