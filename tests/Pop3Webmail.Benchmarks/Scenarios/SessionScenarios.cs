using System.Diagnostics;
using System.Globalization;
using Pop3Webmail.Benchmarks.Contenders;
using Pop3Webmail.Benchmarks.Reporting;
using Pop3Webmail.Testing;

namespace Pop3Webmail.Benchmarks.Scenarios;

/// <summary>
/// Scenarios 3–5, through the web app's per-circuit session service (no browser): time to the first inbox page,
/// retained memory per fully loaded session, and many sessions signing in at once.
/// </summary>
internal static class SessionScenarios
{
    private static readonly TimeSpan LoadTimeout = TimeSpan.FromMinutes(5);

    /// <summary>Scenario 3: sign-in until the 50 newest summaries are ready, vs MailKit listing everything.</summary>
    public static async Task FirstPageAsync(BenchEnvironment environment, SessionHost host, BenchmarkPlan plan, ResultReport report)
    {
        var size = plan.SessionMailboxSize;
        var user = BenchEnvironment.MailboxUser(size);
        Console.WriteLine($"First inbox page of a {size}-message mailbox through the session service, {plan.Repetitions} rounds…");
        var samples = await Contest.RunAsync(
            plan.Repetitions,
            new Contender("ours", async () =>
            {
                await using var session = host.OpenSession();
                var clock = Stopwatch.StartNew();
                await session.SignInAsync(user);
                var seconds = clock.Elapsed.TotalSeconds;
                var shown = session.Mailbox.Messages.Count;
                if (shown < Math.Min(50, size))
                {
                    throw new InvalidOperationException($"Sign-in returned with {shown} summaries, expected the first page of 50.");
                }

                return seconds;
            }),
            new Contender("MailKit", async () =>
            {
                var clock = Stopwatch.StartNew();
                var count = await MailKitContender.ListAllSummariesAsync(environment.Endpoint(user, tls: true));
                return count == size ? clock.Elapsed.TotalSeconds : throw new InvalidOperationException($"MailKit listed {count} of {size}.");
            }));
        report.Add(ResultRow.Compare($"first inbox page, {BenchmarkPlan.Label(size)} mailbox (TLS)", samples[0], "MailKit 4.18.2 listing everything", samples[1], "s",
            "ours/MailKit ≤ 0.1", static (o, p) => o <= 0.1 * p,
            "ours: session service sign-in until the 50 newest summaries are published"));
    }

    /// <summary>Scenario 4: managed memory a signed-in, fully loaded session keeps alive (after a full GC).</summary>
    public static async Task RetainedMemoryAsync(SessionHost host, BenchmarkPlan plan, ResultReport report)
    {
        var size = plan.SessionMailboxSize;
        var user = BenchEnvironment.MailboxUser(size);
        Console.WriteLine($"Retained memory of a session with {size} summaries loaded, {plan.Repetitions} rounds…");
        var samples = await Contest.RunAsync(plan.Repetitions, new Contender("ours", async () =>
        {
            Contest.Settle();
            var before = GC.GetTotalMemory(forceFullCollection: true);
            var session = host.OpenSession();
            await session.SignInAsync(user);
            await session.WaitUntilFullyLoadedAsync(LoadTimeout);
            Contest.Settle();
            var retained = GC.GetTotalMemory(forceFullCollection: true) - before;
            if (session.Mailbox.Messages.Count != size)
            {
                throw new InvalidOperationException($"The session loaded {session.Mailbox.Messages.Count} of {size} summaries.");
            }

            await session.DisposeAsync();
            return retained;
        }));
        report.Add(ResultRow.Budget($"retained managed memory per session, {BenchmarkPlan.Label(size)} summaries loaded", samples[0], 5 * 1024 * 1024, "bytes",
            "≤ 5 MiB", "GC.GetTotalMemory after full GCs, session signed in vs before it was created"));
    }

    /// <summary>
    /// Scenario 5: N sessions (N users, M messages each) sign in at the same moment; the time each takes to its first
    /// page, p50/p95, against one session alone; and the process's resident memory with all of them open.
    /// </summary>
    public static async Task ConcurrencyAsync(BenchEnvironment environment, SessionHost host, BenchmarkPlan plan, ResultReport report)
    {
        var count = plan.ConcurrentSessions;
        var users = ConcurrentUsers(environment, plan);
        Console.WriteLine($"{count} sessions signing in at once ({plan.ConcurrentMailboxSize} messages each)…");

        var single = await Contest.RunAsync(plan.Repetitions, new Contender("single", async () =>
        {
            await using var session = host.OpenSession();
            var clock = Stopwatch.StartNew();
            await session.SignInAsync(users[0]);
            return clock.Elapsed.TotalSeconds;
        }));

        Contest.Settle();
        var rssBefore = ResidentSetBytes();
        var sessions = users.Select(_ => host.OpenSession()).ToArray();
        var firstPage = new Samples();
        try
        {
            var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var signIns = sessions.Select((session, i) => Task.Run(async () =>
            {
                await start.Task;
                var clock = Stopwatch.StartNew();
                await session.SignInAsync(users[i]);
                return clock.Elapsed.TotalSeconds;
            })).ToArray();
            start.SetResult();
            foreach (var seconds in await Task.WhenAll(signIns))
            {
                firstPage.Add(seconds);
            }

            await Task.WhenAll(sessions.Select(s => s.WaitUntilFullyLoadedAsync(LoadTimeout)));
            var rssAll = ResidentSetBytes();
            var label = $"{count} sessions at once, {BenchmarkPlan.Label(plan.ConcurrentMailboxSize)} each (TLS)";
            var p50 = new Samples();
            p50.Add(firstPage.Percentile(0.50));
            var p95 = new Samples();
            p95.Add(firstPage.Percentile(0.95));
            var singleMedian = new Samples();
            singleMedian.Add(single[0].Median);
            report.Add(ResultRow.Compare($"{label}: first page p95", p95, "one session alone (median)", singleMedian, "s", "p95/single ≤ 3",
                static (o, p) => o <= 3 * p, string.Create(CultureInfo.InvariantCulture, $"p50 {firstPage.Percentile(0.5) * 1000:0} ms, max {firstPage.Max * 1000:0} ms")));
            report.Add(ResultRow.Compare($"{label}: first page p50", p50, "one session alone (median)", singleMedian, "s", "none (reported)", static (_, _) => true));
            var rss = new Samples();
            rss.Add(rssAll);
            var rssBase = new Samples();
            rssBase.Add(rssBefore);
            report.Add(ResultRow.Compare($"{label}: process RSS, all loaded", rss, "RSS before the sessions", rssBase, "bytes", "none (reported)", static (_, _) => true,
                string.Create(CultureInfo.InvariantCulture, $"{(rssAll - rssBefore) / count / 1024.0:0} KiB per session")));
        }
        finally
        {
            await Task.WhenAll(sessions.Select(s => s.DisposeAsync().AsTask()));
        }
    }

    /// <summary>Adds the concurrency users (each with the same M messages, generated once) to the running server.</summary>
    private static string[] ConcurrentUsers(BenchEnvironment environment, BenchmarkPlan plan)
    {
        var clock = Stopwatch.StartNew();
        var messages = environment.Messages.Take(plan.ConcurrentMailboxSize).ToArray();
        var users = Enumerable.Range(0, plan.ConcurrentSessions).Select(i => string.Create(CultureInfo.InvariantCulture, $"user{i:D3}")).ToArray();
        foreach (var user in users)
        {
            environment.Server.AddUser(new DovecotUser(user, BenchEnvironment.Password, new MailboxBuilder().AddRange(messages)));
        }

        Console.WriteLine($"  {users.Length} mailboxes written in {clock.Elapsed.TotalSeconds:0.0} s.");
        return users;
    }

    /// <summary>VmRSS of this process (Linux /proc), in bytes.</summary>
    private static double ResidentSetBytes()
    {
        foreach (var line in File.ReadLines("/proc/self/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                return double.Parse(line["VmRSS:".Length..].Replace("kB", string.Empty, StringComparison.Ordinal).Trim(), CultureInfo.InvariantCulture) * 1024;
            }
        }

        throw new InvalidOperationException("/proc/self/status has no VmRSS line.");
    }
}
