using System.Globalization;
using Pop3Webmail.Benchmarks.Reporting;
using Pop3Webmail.Benchmarks.Scenarios;

namespace Pop3Webmail.Benchmarks.Crowd;

/// <summary>
/// Nine o'clock: a crowd signs in at the same moment through the session service (with the process-wide scheduler),
/// against as many raw sockets doing the same first-page work (TLS, sign-in, LIST, UIDL, 50 TOP) at once, back to back
/// in the same run. Twice: a first visit (nothing remembered), then a revisit of the same mailboxes (the mailbox state
/// store remembers them), which is what most of a morning crowd is.
/// </summary>
internal static class CrowdBurst
{
    public static async Task RunAsync(BenchEnvironment environment, SessionHost host, IReadOnlyList<string> users, int messageCount, CrowdReport report)
    {
        foreach (var visit in new[] { "first visit", "revisit" })
        {
            Console.WriteLine($"{users.Count} sign-ins at once ({visit}), then {users.Count} raw sockets…");
            Samples ours;
            long remembering;
            using (var counter = new CommandCounter())
            {
                ours = await SessionScenarios.SessionBurstAsync(host, users, new Samples(), new Samples());
                remembering = counter.VisitsRemembering(messageCount);
            }

            var raw = await SessionScenarios.RawBurstAsync(user => environment.Endpoint(user, tls: true), users, messageCount);
            report.Rows.Add(ResultRow.Compare(
                $"{users.Count} sign-ins at once ({visit}), {BenchmarkPlan.Label(messageCount)} each (TLS): first page p95", Samples.Of(ours.Percentile(0.95)),
                $"{users.Count} raw sockets at once (p95)", Samples.Of(raw.Percentile(0.95)), "s", "ours/raw ≤ 1.2", static (o, p) => o <= 1.2 * p,
                string.Create(CultureInfo.InvariantCulture, $"p50 ours {ours.Median:0.00} s, raw {raw.Median:0.00} s")));
            report.Fact(string.Create(CultureInfo.InvariantCulture,
                $"{users.Count} sign-ins ({visit}): first page p50 {ours.Median:0.00} s, p95 {ours.Percentile(0.95):0.00} s; raw sockets p50 {raw.Median:0.00} s, p95 {raw.Percentile(0.95):0.00} s; {remembering} of the visits opened their remembered mailbox"));
        }
    }
}
