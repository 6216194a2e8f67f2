using System.Runtime.InteropServices;
using Pop3Webmail.Benchmarks.Reporting;

namespace Pop3Webmail.Benchmarks.Scenarios;

/// <summary>Starts the private Dovecot, runs every scenario side by side, prints the table and writes results.json.</summary>
internal static class ScenarioRunner
{
    /// <param name="quick">Small mailboxes and two rounds instead of the full plan.</param>
    /// <param name="revisitOnly">Only the shaped link's calibration and scenario 9 (first visit and revisit through the session service).</param>
    public static async Task<int> RunAsync(bool quick, bool revisitOnly = false)
    {
        var plan = quick ? BenchmarkPlan.QuickSmoke : BenchmarkPlan.Full;
        Console.WriteLine($"Pop3Webmail benchmarks ({(quick ? "quick smoke run" : "full run")}{(revisitOnly ? ", revisit only" : string.Empty)}) on {MachineDescription()}");
        var loadBefore = LoadAverage();
        var report = new ResultReport();
        await using (var environment = await BenchEnvironment.StartAsync(plan))
        {
            if (revisitOnly)
            {
                await ShapedLinkScenario.RunAsync(environment, plan, report, revisitOnly: true);
                return await FinishAsync(report, loadBefore, "revisit.json");
            }

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

        return await FinishAsync(report, loadBefore, "results.json");
    }

    /// <summary>Writes the JSON, then prints the load average and the table.</summary>
    private static async Task<int> FinishAsync(ResultReport report, string loadBefore, string fileName)
    {
        var json = Path.Combine(Program.RepositoryRoot(), "artifacts", "bench", fileName);
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
