using Pop3Webmail.Benchmarks.Crowd;
using Pop3Webmail.Benchmarks.Load;
using Pop3Webmail.Benchmarks.MailboxState;
using Pop3Webmail.Benchmarks.Micro;
using Pop3Webmail.Benchmarks.Scenarios;

namespace Pop3Webmail.Benchmarks;

/// <summary>
/// dotnet run -c Release --project tests/Pop3Webmail.Benchmarks -- [--quick]   side-by-side scenarios (docs/performance.md)
/// dotnet run -c Release --project tests/Pop3Webmail.Benchmarks -- revisit [--quick]   scenario 9 only: session first visit and revisit over the shaped link
/// dotnet run -c Release --project tests/Pop3Webmail.Benchmarks -- micro [BenchmarkDotNet args]   hot-path micro-suite
/// dotnet run -c Release --project tests/Pop3Webmail.Benchmarks -- store   mailbox state store cost (docs/mailbox-state.md)
/// dotnet run -c Release --project tests/Pop3Webmail.Benchmarks -- --load [--circuits N] [--messages M]   real circuits (artifacts/bench/load.json)
/// dotnet run -c Release --project tests/Pop3Webmail.Benchmarks -- --crowd | --shutdown [--sessions N]   a crowd held open, its shutdown (artifacts/bench/crowd.json)
/// </summary>
internal static class Program
{
    public static async Task<int> Main(string[] args)
    {
        if (args.Length > 0 && args[0] == "micro")
        {
            MicroSuite.Run(args[1..]);
            return 0;
        }

        if (args is ["store"])
        {
            return await StoreCostBenchmark.RunAsync();
        }

        if (args.Length > 0 && args[0] == "--load")
        {
            return LoadOptions.Parse(args[1..], Console.Error) is { } load ? await LoadRunner.RunAsync(load) : 2;
        }

        if (args.Length > 0 && args[0] is "--crowd" or "--shutdown")
        {
            return CrowdOptions.Parse(args[0], args[1..], Console.Error) is { } crowd ? await CrowdRunner.RunAsync(crowd, args[0]) : 2;
        }

        var revisitOnly = args.Length > 0 && args[0] == "revisit";
        var unknown = args.Skip(revisitOnly ? 1 : 0).Where(a => a != "--quick").ToList();
        if (unknown.Count > 0)
        {
            await Console.Error.WriteLineAsync($"Unknown arguments: {string.Join(' ', unknown)}. Usage: [revisit] [--quick] | micro [BenchmarkDotNet arguments] | store | {LoadOptions.Usage} | {CrowdOptions.Usage}");
            return 2;
        }

        return await ScenarioRunner.RunAsync(quick: args.Contains("--quick"), revisitOnly);
    }

    /// <summary>The repository root (where Pop3Webmail.sln is), so results land in artifacts/ wherever we run from.</summary>
    public static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Pop3Webmail.sln")))
            {
                return directory.FullName;
            }
        }

        return Directory.GetCurrentDirectory();
    }
}
