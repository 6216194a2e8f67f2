using Pop3Webmail.Benchmarks.Reporting;
using Pop3Webmail.Testing;

namespace Pop3Webmail.Benchmarks.Scenarios;

/// <summary>One contender of a side-by-side measurement: a name and one timed run returning a value (seconds or bytes).</summary>
internal sealed record Contender(string Name, Func<Task<double>> Measure);

/// <summary>
/// Runs contenders side by side: one untimed warm-up round (JIT, TLS session setup, Dovecot's index files), then
/// <c>repetitions</c> rounds in which every contender runs once. The order rotates each round, so neither a
/// cold cache nor the previous contender's garbage always lands on the same side. A full GC precedes each run.
/// </summary>
internal static class Contest
{
    public static async Task<Samples[]> RunAsync(int repetitions, params Contender[] contenders)
    {
        foreach (var contender in contenders)
        {
            Settle();
            await contender.Measure();
        }

        var samples = contenders.Select(_ => new Samples()).ToArray();
        for (var round = 0; round < repetitions; round++)
        {
            for (var i = 0; i < contenders.Length; i++)
            {
                var index = (i + round) % contenders.Length;
                Settle();
                samples[index].Add(await contenders[index].Measure());
            }
        }

        return samples;
    }

    /// <summary>Full blocking GC so garbage from the previous run is not collected on this run's clock.</summary>
    public static void Settle() => ManagedMemorySampler.Settle();
}
