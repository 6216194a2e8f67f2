using System.Runtime.InteropServices;
using Pop3Webmail.Benchmarks.Reporting;

namespace Pop3Webmail.Benchmarks.Scenarios;

/// <summary>Starts the private Dovecot, runs every scenario side by side, prints the table and writes results.json.</summary>
internal static class ScenarioRunner
{
    public static async Task<int> RunAsync(bool quick)
    {
        var plan = quick ? BenchmarkPlan.QuickSmoke : BenchmarkPlan.Full;
        Console.WriteLine($"Pop3Webmail benchmarks ({(quick ? "quick smoke run" : "full run")}) on {MachineDescription()}");
        var loadBefore = LoadAverage();
        var report = new ResultReport();
        await using (var environment = await BenchEnvironment.StartAsync(plan))
        {
            foreach (var size in plan.ListingSizes)
            {
                await ListingScenario.RunAsync(environment, plan, report, size, tls: false);
            }

            await RetrieveScenario.RunAsync(environment, plan, report);

            using (var host = new SessionHost(environment))
            {
                await SessionScenarios.FirstPageAsync(environment, host, plan, report);
                await SessionScenarios.RetainedMemoryAsync(host, plan, report);
                await SessionScenarios.ConcurrencyAsync(environment, host, plan, report);
            }

            foreach (var size in plan.ListingSizes)
            {
                await ListingScenario.RunAsync(environment, plan, report, size, tls: true);
            }

            await FirstPageScenario.RunAsync(environment, plan, report);
            await ShapedLinkScenario.RunAsync(environment, plan, report);
        }

        var json = Path.Combine(Program.RepositoryRoot(), "artifacts", "bench", "results.json");
        await report.WriteJsonAsync(json);
        Console.WriteLine();
        Console.WriteLine($"Load average (1/5/15 min) at start: {loadBefore}; at end: {LoadAverage()}");
        Console.WriteLine();
        Console.WriteLine(report.ToMarkdown());
        Console.WriteLine($"Results: {json}");
        return 0;
    }

    /// <summary>Other work on the machine shares the two cores with client and server; the load says how much.</summary>
    internal static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "unknown";

    /// <summary>Cores, memory, OS, runtime: what a reader needs to weigh the numbers.</summary>
    public static string MachineDescription()
    {
        var memory = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / (1024.0 * 1024 * 1024);
        return $"{Environment.ProcessorCount} cores, {memory:0.0} GiB, {RuntimeInformation.OSDescription}, {RuntimeInformation.FrameworkDescription}";
    }
}
