using System.Diagnostics;
using Pop3Webmail.Benchmarks.Contenders;
using Pop3Webmail.Benchmarks.Reporting;

namespace Pop3Webmail.Benchmarks.Scenarios;

/// <summary>
/// Scenarios 1 and 6: list every header of an n-message inbox (sign in, LIST, UIDL, TOP n 0 for all, parsed into
/// the summaries the inbox shows), over plaintext or implicit TLS. Ours against the raw pipelined socket (the
/// server-bound limit), MailKit, and Python's poplib (one round trip per message).
/// </summary>
internal static class ListingScenario
{
    public static async Task RunAsync(BenchEnvironment environment, BenchmarkPlan plan, ResultReport report, int size, bool tls)
    {
        var endpoint = environment.Endpoint(BenchEnvironment.MailboxUser(size), tls);
        var transport = tls ? "TLS" : "plain";
        Console.WriteLine($"Listing {size} headers ({transport}), {plan.Repetitions} rounds…");

        var samples = await Contest.RunAsync(
            plan.Repetitions,
            new Contender("ours", () => TimeAsync(() => OurContender.ListAllSummariesAsync(endpoint), size, "ours")),
            new Contender("raw", () => TimeAsync(() => RawPipelinedContender.ListAllAsync(endpoint, size), size, "raw pipelined socket")),
            new Contender("MailKit", () => TimeAsync(() => MailKitContender.ListAllSummariesAsync(endpoint), size, "MailKit")),
            new Contender("poplib", async () =>
            {
                var (seconds, count) = await PoplibContender.ListAllSummariesAsync(endpoint, environment.Server.Certificate.CertificatePath);
                Check(count, size, "poplib");
                return seconds;
            }));
        var (ours, raw, mailKit, poplib) = (samples[0], samples[1], samples[2], samples[3]);

        var name = $"list {BenchmarkPlan.Label(size)} headers ({transport})";
        report.Add(ResultRow.Compare(name, ours, "raw pipelined socket", raw, "s", "ours/raw ≤ 1.3", static (o, p) => o <= 1.3 * p,
            "raw: every command written at once, replies only counted, nothing parsed"));
        report.Add(ResultRow.Compare(name, ours, "MailKit 4.18.2", mailKit, "s", "MailKit/ours ≥ 2.5 (ratio ≤ 0.40)", static (o, p) => p >= 2.5 * o));
        report.Add(ResultRow.Compare(name, ours, "Python poplib", poplib, "s", "faster than one round trip per message (ratio < 1)", static (o, p) => o < p,
            "poplib: one round trip per message, times itself from connect to QUIT"));
    }

    private static async Task<double> TimeAsync(Func<Task<int>> run, int expected, string who)
    {
        var clock = Stopwatch.StartNew();
        var count = await run();
        var seconds = clock.Elapsed.TotalSeconds;
        Check(count, expected, who);
        return seconds;
    }

    private static void Check(int count, int expected, string who)
    {
        if (count != expected)
        {
            throw new InvalidOperationException($"{who} listed {count} messages, expected {expected}: the measurement would be meaningless.");
        }
    }
}
