using System.Diagnostics;
using Pop3Webmail.Benchmarks.Contenders;
using Pop3Webmail.Benchmarks.Reporting;
using Pop3Webmail.Benchmarks.Shaping;

namespace Pop3Webmail.Benchmarks.Scenarios;

/// <summary>
/// Scenarios 1, 6 and 7: list every header of an n-message inbox (sign in, LIST, UIDL, TOP n 0 for all, parsed into
/// the summaries the inbox shows) over plaintext or implicit TLS on the loopback, and over TLS through the shaped
/// link; timed from connect until the last summary is in (QUIT is not timed; poplib times itself to QUIT). Ours against the raw pipelined socket (the server-bound limit), MailKit (the peer users would pick), and on
/// the loopback Python's poplib (one round trip per message, which would take minutes on the shaped link).
/// </summary>
internal static class ListingScenario
{
    private const string OursRawTarget = "ours/raw ≤ 1.1";

    public static Task RunAsync(BenchEnvironment environment, BenchmarkPlan plan, ResultReport report, int size, bool tls) =>
        RunAsync(environment, plan, report, size, environment.Endpoint(BenchEnvironment.MailboxUser(size), tls), tls ? "TLS" : "plain", poplib: true);

    /// <summary>The first visit of a mailbox over a real-world link: everything listed, through <paramref name="proxy"/>.</summary>
    public static Task RunShapedAsync(BenchEnvironment environment, BenchmarkPlan plan, ResultReport report, int size, ShapedLinkProxy proxy) =>
        RunAsync(environment, plan, report, size, environment.Endpoint(BenchEnvironment.MailboxUser(size), tls: true) with { Port = proxy.Port },
            $"TLS, shaped {proxy.Shape}", poplib: false);

    private static async Task RunAsync(BenchEnvironment environment, BenchmarkPlan plan, ResultReport report, int size, PopEndpoint endpoint, string transport, bool poplib)
    {
        Console.WriteLine($"Listing {size} headers ({transport}), {plan.Repetitions} rounds…");
        var contenders = new List<Contender>
        {
            new("ours", () => TimeAsync(clock => OurContender.ListAllSummariesAsync(endpoint, clock), size, "ours")),
            new("raw", () => TimeAsync(clock => RawPipelinedContender.ListAllAsync(endpoint, size, clock), size, "raw pipelined socket")),
            new("MailKit", () => TimeAsync(clock => MailKitContender.ListAllSummariesAsync(endpoint, clock), size, "MailKit")),
        };
        if (poplib)
        {
            contenders.Add(new Contender("poplib", async () =>
            {
                var (seconds, count) = await PoplibContender.ListAllSummariesAsync(endpoint, environment.Server.Certificate.CertificatePath);
                Check(count, size, "poplib");
                return seconds;
            }));
        }

        var samples = await Contest.RunAsync(plan.Repetitions, [.. contenders]);
        var name = $"list {BenchmarkPlan.Label(size)} headers ({transport})";
        report.Add(ResultRow.Compare(name, samples[0], "raw pipelined socket", samples[1], "s", OursRawTarget, static (o, p) => o <= 1.1 * p,
            "raw: every command written at once, replies only counted, nothing parsed"));
        report.Add(ResultRow.Compare(name, samples[0], "MailKit 4.18.2", samples[2], "s", "— (reference: the peer users would pick)", met: null));
        if (poplib)
        {
            report.Add(ResultRow.Compare(name, samples[0], "Python poplib", samples[3], "s", "faster than one round trip per message (ratio < 1)", static (o, p) => o < p,
                "poplib: one round trip per message, times itself from connect to QUIT"));
        }
    }

    /// <summary>Times from connect to the last summary; <paramref name="run"/> stops the clock there, before QUIT.</summary>
    private static async Task<double> TimeAsync(Func<Stopwatch, Task<int>> run, int expected, string who)
    {
        var clock = Stopwatch.StartNew();
        var count = await run(clock);
        Check(count, expected, who);
        return clock.Elapsed.TotalSeconds;
    }

    private static void Check(int count, int expected, string who)
    {
        if (count != expected)
        {
            throw new InvalidOperationException($"{who} listed {count} messages, expected {expected}: the measurement would be meaningless.");
        }
    }
}
