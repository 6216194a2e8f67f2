using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace Pop3Webmail.Benchmarks.Micro;

/// <summary>
/// Runs the BenchmarkDotNet micro-suite in this process. The in-process toolchain is used on purpose: the default
/// one generates and builds a project under bin/, which would inherit this repository's Directory.Build.props
/// (warnings as errors, central package versions) and fail or take minutes on a 2-core machine.
/// </summary>
internal static class MicroSuite
{
    public static void Run(string[] args)
    {
        var config = DefaultConfig.Instance
            .AddJob(Job.Default.WithToolchain(InProcessEmitToolchain.Instance))
            .WithArtifactsPath(Path.Combine(Program.RepositoryRoot(), "artifacts", "bench", "micro"));
        var filter = args.Length == 0 ? ["--filter", "*"] : args;
        BenchmarkSwitcher.FromAssembly(typeof(MicroSuite).Assembly).Run(filter, config);
    }
}
