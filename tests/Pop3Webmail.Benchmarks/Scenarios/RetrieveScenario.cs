using System.Diagnostics;
using System.Security.Cryptography;
using Pop3Webmail.Benchmarks.Contenders;
using Pop3Webmail.Benchmarks.Reporting;
using Pop3Webmail.Testing;

namespace Pop3Webmail.Benchmarks.Scenarios;

/// <summary>
/// Scenario 2: RETR of one large message into a file, after sign-in (not timed). Ours streams it from the socket
/// (Pop3BodyStream); MailKit's GetStream hands back the message it has read. Time rounds and memory rounds are
/// separate, so the sampling thread never competes with a timed run for one of the two cores.
/// </summary>
internal static class RetrieveScenario
{
    private const int MessageNumber = 1;

    public static async Task RunAsync(BenchEnvironment environment, BenchmarkPlan plan, ResultReport report)
    {
        var endpoint = environment.Endpoint(BenchEnvironment.LargeMessageUser, tls: false);
        var folder = Directory.CreateTempSubdirectory("p3w-bench-retr-").FullName;
        try
        {
            var oursPath = Path.Combine(folder, "ours.eml");
            var mailKitPath = Path.Combine(folder, "mailkit.eml");
            var label = $"{plan.LargeMessageBytes / (1024 * 1024)} MiB";
            Console.WriteLine($"RETR of a {label} message to a file, {plan.Repetitions} rounds…");

            var times = await Contest.RunAsync(
                plan.Repetitions,
                new Contender("ours", async () => (await OursAsync(endpoint, oursPath, sample: false)).Seconds),
                new Contender("MailKit", async () => (await MailKitAsync(endpoint, mailKitPath, sample: false)).Seconds));
            CheckSameBytes(oursPath, mailKitPath);

            var memoryRounds = plan.Quick ? 1 : 3;
            var growth = await Contest.RunAsync(
                memoryRounds,
                new Contender("ours", async () => (await OursAsync(endpoint, oursPath, sample: true)).PeakGrowth),
                new Contender("MailKit", async () => (await MailKitAsync(endpoint, mailKitPath, sample: true)).PeakGrowth));
            var allocatedOurs = (await OursAsync(endpoint, oursPath, sample: true)).Allocated;
            var allocatedMailKit = (await MailKitAsync(endpoint, mailKitPath, sample: true)).Allocated;

            var name = $"RETR {label} to file";
            report.Add(ResultRow.Compare(name + ": time", times[0], "MailKit 4.18.2 GetStream", times[1], "s", "ours ≤ MailKit (ratio ≤ 1)", static (o, p) => o <= p,
                "after sign-in; until the file is written"));
            report.Add(ResultRow.Compare(name + ": peak managed heap growth", growth[0], "MailKit 4.18.2 GetStream", growth[1], "bytes", "ours ≤ 4 MiB", static (o, _) => o <= 4 * 1024 * 1024,
                $"allocated during one run: ours {ResultReport.Format(allocatedOurs, "bytes")}, MailKit {ResultReport.Format(allocatedMailKit, "bytes")}"));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static async Task<Outcome> OursAsync(PopEndpoint endpoint, string path, bool sample)
    {
        await using var client = await OurContender.SignInAsync(endpoint);
        var outcome = await MeasureAsync(sample, async () =>
        {
            await using var body = await client.RetrieveAsync(MessageNumber);
            await using var file = CreateFile(path);
            await body.CopyToAsync(file);
        });
        await client.QuitAsync();
        return outcome;
    }

    private static async Task<Outcome> MailKitAsync(PopEndpoint endpoint, string path, bool sample)
    {
        using var client = await MailKitContender.SignInAsync(endpoint);
        var outcome = await MeasureAsync(sample, async () =>
        {
            await using var message = await client.GetStreamAsync(MessageNumber - 1);
            await using var file = CreateFile(path);
            await message.CopyToAsync(file);
        });
        await client.DisconnectAsync(quit: true);
        return outcome;
    }

    private static async Task<Outcome> MeasureAsync(bool sample, Func<Task> copy)
    {
        using var sampler = sample ? new ManagedMemorySampler() : null;
        var clock = Stopwatch.StartNew();
        await copy();
        var seconds = clock.Elapsed.TotalSeconds;
        var (growth, allocated) = sampler?.Stop() ?? (0, 0);
        return new Outcome(seconds, growth, allocated);
    }

    /// <summary>Unbuffered: both contenders hand the file 80 KiB chunks from Stream.CopyToAsync.</summary>
    private static FileStream CreateFile(string path) => new(path, FileMode.Create, FileAccess.Write, FileShare.None, bufferSize: 0);

    private static void CheckSameBytes(string ours, string mailKit)
    {
        using var a = File.OpenRead(ours);
        using var b = File.OpenRead(mailKit);
        if (a.Length == 0 || !SHA256.HashData(a).AsSpan().SequenceEqual(SHA256.HashData(b)))
        {
            throw new InvalidOperationException("Ours and MailKit wrote different bytes for the same message: the comparison would be meaningless.");
        }
    }

    private readonly record struct Outcome(double Seconds, long PeakGrowth, long Allocated);
}
