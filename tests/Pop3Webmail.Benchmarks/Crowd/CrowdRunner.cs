using System.Diagnostics;
using System.Globalization;
using Pop3Webmail.Benchmarks.Scenarios;

namespace Pop3Webmail.Benchmarks.Crowd;

/// <summary>
/// <c>--crowd</c> and <c>--shutdown</c>: many users at once on one app instance, against one private Dovecot whose
/// mailboxes all hold the same generated messages. In one run, so every number shares the machine's conditions (the
/// load average is noted with each): the sign-in burst against raw sockets, a thousand visits held open with keep-alive
/// on (memory per visit, none lost), their graceful shutdown, then real circuits held open in the app's own process (the
/// circuit's part of the memory, and a drain through SIGTERM). <c>--shutdown</c> runs only the held visits' drain.
/// </summary>
internal static class CrowdRunner
{
    public static async Task<int> RunAsync(CrowdOptions options, string mode)
    {
        Console.WriteLine($"Pop3Webmail {mode}: {options} on {ScenarioRunner.MachineDescription()}");
        var loadAverageBefore = ScenarioRunner.LoadAverage();
        var clock = Stopwatch.StartNew();
        var report = new CrowdReport();
        var burst = Names("burst", options.Burst);
        var held = Names("held", options.Held);
        var circuits = Names("circuit", options.Circuits > 0 ? options.Circuits + 1 : 0);
        var maxSessions = Math.Max(options.Held, options.Burst) + circuits.Count + 100;
        await using (var environment = await BenchEnvironment.StartCrowdAsync([.. burst, .. held, .. circuits], options.MessagesPerMailbox, maxSessions))
        {
            var warming = Stopwatch.StartNew();
            await environment.WarmAsync([.. burst, .. held, .. circuits], options.MessagesPerMailbox);
            report.Fact($"{burst.Count + held.Count + circuits.Count} mailboxes listed once in {warming.Elapsed.TotalSeconds:0} s");

            var state = SessionHost.NewStateDirectory();
            double retainedPerVisit;
            try
            {
                using var host = new SessionHost(environment, stateDirectory: state, settings: new Dictionary<string, string?>
                {
                    ["Mail:KeepAliveInterval"] = options.KeepAlive.ToString("c", CultureInfo.InvariantCulture),
                    ["Mail:RememberMailbox"] = options.RememberMailbox ? "true" : "false",
                });
                if (burst.Count > 0)
                {
                    await CrowdBurst.RunAsync(environment, host, burst, options.MessagesPerMailbox, report);
                }

                var (sessions, retained) = await HeldVisits.SignInAsync(host, held, options.MessagesPerMailbox, report);
                retainedPerVisit = retained;
                await HeldVisits.HoldAsync(sessions, environment, options.Hold, options.KeepAlive, report);
                await ShutdownDrain.RunAsync(host, sessions, held, environment, report);
                foreach (var session in sessions)
                {
                    await session.DisposeAsync();
                }
            }
            finally
            {
                SessionHost.DeleteStateDirectory(state);
            }

            if (circuits.Count > 0)
            {
                await CircuitCrowd.RunAsync(environment, circuits, retainedPerVisit, options.RememberMailbox, report);
            }
        }

        var json = Path.Combine(Program.RepositoryRoot(), "artifacts", "bench", mode.TrimStart('-') + ".json");
        await report.WriteJsonAsync(json);
        Console.WriteLine();
        Console.WriteLine($"Load average (1/5/15 min) at start: {loadAverageBefore}; at end: {ScenarioRunner.LoadAverage()}; {clock.Elapsed.TotalMinutes:0.0} min");
        Console.WriteLine();
        Console.WriteLine(report.ToMarkdown());
        Console.WriteLine($"Results: {json}");
        return report.Problems.Count == 0 ? 0 : 1;
    }

    private static List<string> Names(string prefix, int count) =>
        [.. Enumerable.Range(0, count).Select(i => string.Create(CultureInfo.InvariantCulture, $"{prefix}{i:D4}"))];
}
