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
    private const int PageSize = 50;

    /// <summary>The target column of rows that give context (a server-bound limit, a resident size), not a goal.</summary>
    internal const string Reference = "— (reference)";

    /// <summary>The longest a session may take to load every summary before the run is failed.</summary>
    internal static readonly TimeSpan LoadTimeout = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Scenario 3: sign-in until the 50 newest summaries are ready, through the web app's session service, vs a raw
    /// socket doing the minimal first-page sequence (the target), and MailKit listing everything (the peer users would
    /// pick instead).
    /// </summary>
    public static async Task FirstPageAsync(BenchEnvironment environment, SessionHost host, BenchmarkPlan plan, ResultReport report)
    {
        var size = plan.SessionMailboxSize;
        var user = BenchEnvironment.MailboxUser(size);
        var endpoint = environment.Endpoint(user, tls: true);
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
                if (shown < Math.Min(PageSize, size))
                {
                    throw new InvalidOperationException($"Sign-in returned with {shown} summaries, expected the first page of {PageSize}.");
                }

                return seconds;
            }),
            new Contender("MailKit", async () =>
            {
                var clock = Stopwatch.StartNew();
                var count = await MailKitContender.ListAllSummariesAsync(endpoint);
                return count == size ? clock.Elapsed.TotalSeconds : throw new InvalidOperationException($"MailKit listed {count} of {size}.");
            }),
            new Contender("raw", async () =>
            {
                var clock = Stopwatch.StartNew();
                await using var connection = await RawPipelinedContender.MinimalFirstPageAsync(endpoint, PageSize);
                return clock.Elapsed.TotalSeconds;
            }));
        var name = $"first inbox page (session service), {BenchmarkPlan.Label(size)} mailbox (TLS)";
        report.Add(ResultRow.Compare(name, samples[0], "raw minimal first-page sequence", samples[2], "s",
            "ours/raw ≤ 1.15", static (o, p) => o <= 1.15 * p,
            "ours: session service sign-in until the 50 newest summaries are published"));
        report.Add(ResultRow.Compare(name, samples[0], "MailKit 4.18.2 listing everything", samples[1], "s",
            Reference, met: null, "the peer users would pick"));
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
            SessionHost.Session? session = host.OpenSession();
            await session.SignInAsync(user);
            await session.WaitUntilFullyLoadedAsync(LoadTimeout);
            Contest.Settle();
            var retained = GC.GetTotalMemory(forceFullCollection: true) - before;
            if (session.Mailbox.Messages.Count != size)
            {
                throw new InvalidOperationException($"The session loaded {session.Mailbox.Messages.Count} of {size} summaries.");
            }

            var ended = new WeakReference(session.Mailbox);
            await session.DisposeAsync();
            session = null;
            await WaitUntilCollectableAsync(ended);
            return retained;
        }));
        report.Add(ResultRow.Budget($"retained managed memory per session, {BenchmarkPlan.Label(size)} summaries loaded", samples[0], 5 * 1024 * 1024, "bytes",
            "≤ 5 MiB", "GC.GetTotalMemory after full GCs, session signed in vs before it was created"));
    }

    /// <summary>
    /// Waits (bounded) until a signed-out session's objects can be collected. Some of its work ends a moment after
    /// sign-out returns; measured before that, the next round's baseline would still hold this session, and the next
    /// "retained" figure would come out near zero. A session still held after the bound is a leak, and fails the run.
    /// </summary>
    private static async Task WaitUntilCollectableAsync(WeakReference ended)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            Contest.Settle();
            if (!ended.IsAlive)
            {
                return;
            }

            if (clock.Elapsed > TimeSpan.FromSeconds(30))
            {
                throw new InvalidOperationException("A signed-out session was still reachable 30 s after sign-out: something keeps ended sessions alive.");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(50));
        }
    }

    /// <summary>
    /// Scenario 5: N sessions (N users, M messages each) sign in at the same moment; the time each takes to its first
    /// page, p50/p95, against one session alone (the target) and against N raw sockets doing the same protocol work
    /// at once (the server-bound limit); and the process's resident memory with all sessions loaded. Every mailbox is
    /// listed once beforehand, so no run pays Dovecot's first-login index build.
    /// </summary>
    public static async Task ConcurrencyAsync(BenchEnvironment environment, SessionHost host, BenchmarkPlan plan, ResultReport report)
    {
        var count = plan.ConcurrentSessions;
        var size = plan.ConcurrentMailboxSize;
        var users = await ConcurrentUsersAsync(environment, plan);
        Console.WriteLine($"{count} sessions signing in at once ({size} messages each)…");

        var single = await Contest.RunAsync(plan.Repetitions, new Contender("single", async () =>
        {
            await using var session = host.OpenSession();
            var clock = Stopwatch.StartNew();
            await session.SignInAsync(users[0]);
            return clock.Elapsed.TotalSeconds;
        }));

        var oursP50 = new Samples();
        var oursP95 = new Samples();
        var rawP95 = new Samples();
        var rss = new Samples();
        var rssBefore = new Samples();
        for (var round = 0; round < (plan.Quick ? 1 : 2); round++)
        {
            var ours = await SessionBurstAsync(host, users, rssBefore, rss);
            oursP50.Add(ours.Percentile(0.50));
            oursP95.Add(ours.Percentile(0.95));
            var raw = await RawBurstAsync(user => environment.Endpoint(user, tls: true), users, size);
            rawP95.Add(raw.Percentile(0.95));
        }

        var label = $"{count} sessions at once, {BenchmarkPlan.Label(size)} each (TLS)";
        report.Add(ResultRow.Compare($"{label}: first page p95", oursP95, "one session alone (median)", single[0], "s", "p95/single ≤ 3",
            static (o, p) => o <= 3 * p, string.Create(CultureInfo.InvariantCulture, $"p50 {oursP50.Median * 1000:0} ms")));
        report.Add(ResultRow.Compare($"{label}: first page p95", oursP95, $"{count} raw sockets at once (p95)", rawP95, "s", "ours/raw ≤ 1.2",
            static (o, p) => o <= 1.2 * p, "the server-bound limit: sign-in, LIST, UIDL, 50 TOP each, all at once"));
        report.Add(ResultRow.Compare($"{label}: process RSS, all loaded", rss, "RSS before the sessions", rssBefore, "bytes", Reference, met: null,
            string.Create(CultureInfo.InvariantCulture, $"{(rss.Median - rssBefore.Median) / count / 1024.0:0} KiB per session")));
    }

    /// <summary>Signs every user in at once through the session service; returns each one's time to its first page.</summary>
    internal static async Task<Samples> SessionBurstAsync(SessionHost host, IReadOnlyList<string> users, Samples rssBefore, Samples rssLoaded)
    {
        Contest.Settle();
        rssBefore.Add(ResidentSetBytes());
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
            rssLoaded.Add(ResidentSetBytes());
            return firstPage;
        }
        finally
        {
            await Task.WhenAll(sessions.Select(s => s.DisposeAsync().AsTask()));
        }
    }

    /// <summary>The same burst with raw sockets; connections are held until all have their first page.</summary>
    internal static async Task<Samples> RawBurstAsync(Func<string, PopEndpoint> endpoint, IReadOnlyList<string> users, int size)
    {
        Contest.Settle();
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var bursts = users.Select(user => Task.Run(async () =>
        {
            await start.Task;
            var clock = Stopwatch.StartNew();
            var connection = await RawPipelinedContender.FirstPageAsync(endpoint(user), size, PageSize);
            return (clock.Elapsed.TotalSeconds, connection);
        })).ToArray();
        start.SetResult();
        var results = await Task.WhenAll(bursts);
        var firstPage = new Samples();
        foreach (var (seconds, connection) in results)
        {
            firstPage.Add(seconds);
            await connection.DisposeAsync();
        }

        return firstPage;
    }

    /// <summary>
    /// Adds the concurrency users (each with the same M messages, generated once) to the running server, and lists
    /// each mailbox once so Dovecot's indexes exist and the files are in the page cache before anything is timed.
    /// </summary>
    private static async Task<string[]> ConcurrentUsersAsync(BenchEnvironment environment, BenchmarkPlan plan)
    {
        var clock = Stopwatch.StartNew();
        var messages = environment.Messages.Take(plan.ConcurrentMailboxSize).ToArray();
        var users = Enumerable.Range(0, plan.ConcurrentSessions).Select(i => string.Create(CultureInfo.InvariantCulture, $"user{i:D3}")).ToArray();
        foreach (var user in users)
        {
            environment.Server.AddUser(new DovecotUser(user, BenchEnvironment.Password, new MailboxBuilder().AddRange(messages)));
        }

        await environment.WarmAsync(users, messages.Length);
        Console.WriteLine($"  {users.Length} mailboxes written and listed once in {clock.Elapsed.TotalSeconds:0.0} s.");
        return users;
    }

    /// <summary>VmRSS of this process (Linux /proc), in bytes.</summary>
    internal static double ResidentSetBytes()
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
