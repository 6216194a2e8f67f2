using System.Diagnostics;
using Pop3Webmail.Benchmarks.Load;
using Pop3Webmail.Benchmarks.Reporting;
using Pop3Webmail.Benchmarks.Scenarios;
using Pop3Webmail.Testing;
using Pop3Webmail.Testing.Circuits;
using Pop3Webmail.Testing.Circuits.Webmail;

namespace Pop3Webmail.Benchmarks.Crowd;

/// <summary>
/// The circuit's share of a visit's memory, and the drain through a real SIGTERM: the app in its own process, real
/// Blazor circuits (the light circuit client, not browsers) that sign in, list their whole mailbox and stay. Measured in
/// the app process: the managed heap after an induced full collection and the resident set, before and with the crowd,
/// per circuit; minus what a visit alone keeps (the session-service measurement) that is the circuit's part. Then each
/// circuit marks a message, the app gets SIGTERM, and the time to its exit is measured; Dovecot must have seen every
/// session end with QUIT and nothing deleted.
/// </summary>
internal static class CircuitCrowd
{
    private static readonly CircuitClientOptions ClientOptions = new() { Timeout = TimeSpan.FromMinutes(5) };

    /// <param name="environment">The run's Dovecot, whose mailboxes the users have.</param>
    /// <param name="users">The first makes an untimed warm-up visit; the others are the crowd.</param>
    /// <param name="visitRetained">Retained bytes per visit through the session service (null when not measured in this run).</param>
    /// <param name="rememberMailbox">Mail:RememberMailbox for the app, as for the session-service visits.</param>
    /// <param name="report">Where the rows and facts go.</param>
    public static async Task RunAsync(BenchEnvironment environment, IReadOnlyList<string> users, double? visitRetained, bool rememberMailbox, CrowdReport report)
    {
        var state = SessionStateDirectory();
        try
        {
            await using var app = await AppProcess.StartAsync(environment.Server, new Dictionary<string, string>
            {
                ["Mail__State__DataDirectory"] = state,
                ["Mail__RememberMailbox"] = rememberMailbox ? "true" : "false",
            });
            var warmUp = await LoadVisit.RunAsync(app.BaseAddress, users[0], BenchEnvironment.Password, ClientOptions);
            if (warmUp.FailedStep is not null)
            {
                report.Problem($"the circuit warm-up visit failed at {warmUp.FailedStep}: {string.Join("; ", warmUp.Errors)}");
                return;
            }

            var crowd = users.Skip(1).ToList();
            Console.WriteLine($"{crowd.Count} circuits sign in to the app (PID {app.ProcessId}), list their mailboxes and stay…");
            var heapBefore = await RemoteHeap.RetainedBytesAsync(app.ProcessId);
            var residentBefore = app.ResidentBytes();
            var clients = crowd.Select(_ => new CircuitClient(ClientOptions)).ToList();
            try
            {
                var clock = Stopwatch.StartNew();
                await Task.WhenAll(crowd.Select(async (user, i) =>
                {
                    await WebmailSteps.SignInAsync(clients[i], app.BaseAddress, user, BenchEnvironment.Password);
                    await WebmailSteps.WaitUntilListedAsync(clients[i]);
                }));
                var listed = clock.Elapsed;
                var retained = (await RemoteHeap.RetainedBytesAsync(app.ProcessId) - heapBefore) / crowd.Count;
                var resident = (double)(app.ResidentBytes() - residentBefore) / crowd.Count;
                var errors = clients.Sum(c => c.Errors.Count);
                report.Fact($"{crowd.Count} circuits signed in and listed after {listed.TotalSeconds:0.0} s, {errors} client errors");
                report.Rows.Add(ResultRow.Budget($"{crowd.Count} held circuits, 1k summaries each: retained managed memory per visit with its circuit (app process)", Samples.Of(retained),
                    HeldVisits.BudgetBytes, "bytes", "≤ 1 MiB", "heap after an induced full GC, with the crowd minus before it, over the circuits"));
                report.Rows.Add(ResultRow.Budget($"{crowd.Count} held circuits: resident memory per visit with its circuit (app process, server GC)", Samples.Of(resident),
                    HeldVisits.BudgetBytes, "bytes", "≤ 1 MiB", "VmRSS with the crowd minus before, over the circuits"));
                if (visitRetained is { } visit)
                {
                    // Per-visit cost is linear in the visits (the session-service rows measure it at a thousand), so a thousand
                    // visits with circuits keep a thousand times the per-visit figure measured here.
                    report.Fact($"the circuit's part: {(retained - visit) / 1024:0} KiB per visit (with its circuit {retained / 1024:0} KiB, session service alone {visit / 1024:0} KiB); "
                        + $"a thousand visits with circuits ≈ {retained * 1000 / (1024 * 1024):0} MiB retained");
                }

                await DrainAsync(app, environment.Server, clients, crowd, report);
            }
            finally
            {
                foreach (var client in clients)
                {
                    await client.DisposeAsync();
                }
            }
        }
        finally
        {
            if (Directory.Exists(state))
            {
                Directory.Delete(state, recursive: true);
            }
        }
    }

    /// <summary>Every circuit marks its newest message; SIGTERM; the app must exit cleanly after every session's RSET and QUIT.</summary>
    private static async Task DrainAsync(WebmailProcess app, DovecotServer server, List<CircuitClient> clients, List<string> users, CrowdReport report)
    {
        await Task.WhenAll(clients.Select(c => WebmailSteps.MarkTopRowForDeletionAsync(c)));
        var clock = Stopwatch.StartNew();
        var exitCode = await app.StopAsync();
        var exited = clock.Elapsed;
        await server.WaitForPop3SessionCountAsync(0, timeout: TimeSpan.FromSeconds(60));
        var wanted = users.ToHashSet(StringComparer.Ordinal);
        var last = server.ReadSessions().Where(s => wanted.Contains(s.User)).GroupBy(s => s.User).Select(g => g.Last()).ToList();
        var quit = last.Count(s => s.LoggedOut);
        var deleted = last.Sum(s => s.Deleted);
        report.Rows.Add(ResultRow.Budget($"SIGTERM with {users.Count} open circuits: until the app process exited", Samples.Of(exited.TotalSeconds), 30, "s",
            "≤ HostOptions.ShutdownTimeout (30 s)", $"exit status {exitCode}"));
        report.Fact($"SIGTERM: exit status {exitCode} after {exited.TotalSeconds:0.00} s; Dovecot: {quit}/{users.Count} sessions logged out with QUIT, {deleted} messages deleted");
        if (exitCode != 0 || quit != users.Count || deleted != 0)
        {
            report.Problem($"SIGTERM with circuits: exit {exitCode}, {quit} of {users.Count} sessions ended with QUIT, {deleted} deleted");
        }
    }

    /// <summary>The app's SQLite store in a folder of this run (not the user's home), created by the app on first use.</summary>
    private static string SessionStateDirectory() => Path.Combine(Path.GetTempPath(), "p3w-crowd-state-" + Guid.NewGuid().ToString("N")[..12]);
}
