using System.Diagnostics;
using Pop3Webmail.Benchmarks.Reporting;
using Pop3Webmail.Benchmarks.Scenarios;
using Pop3Webmail.Web.Session;

namespace Pop3Webmail.Benchmarks.Crowd;

/// <summary>
/// A thousand visits through the web app's session service (one DI scope each, as one circuit gets): all sign in at
/// once, each lists its whole mailbox, and they stay open with keep-alive on. Measured: the time to sign all of them in
/// and to have every mailbox listed, the memory each visit keeps (retained managed heap after full collections, and the
/// process's resident set, both per visit), and whether any visit was lost while held.
/// </summary>
internal static class HeldVisits
{
    /// <summary>The per-visit budget issue 12 sets (circuit included; the circuit's part is measured apart).</summary>
    public const double BudgetBytes = 1024 * 1024;

    private static readonly TimeSpan LoadTimeout = TimeSpan.FromMinutes(15);

    /// <summary>Signs every user in and waits until every mailbox is listed; returns the sessions (still open) and the visit's retained bytes.</summary>
    public static async Task<(SessionHost.Session[] Sessions, double RetainedPerVisit)> SignInAsync(SessionHost host, IReadOnlyList<string> users, int messageCount, CrowdReport report)
    {
        using var counter = new CommandCounter();
        Console.WriteLine($"{users.Count} visits sign in at once and list their mailboxes…");
        Contest.Settle();
        var heapBefore = GC.GetTotalMemory(forceFullCollection: true);
        var residentBefore = SessionScenarios.ResidentSetBytes();
        var sessions = users.Select(_ => host.OpenSession()).ToArray();
        var clock = Stopwatch.StartNew();
        var signIns = await Task.WhenAll(sessions.Select(async (session, i) =>
        {
            try
            {
                await session.SignInAsync(users[i]);
                return clock.Elapsed.TotalSeconds;
            }
            catch (InvalidOperationException ex)
            {
                report.Problem(ex.Message);
                return double.NaN;
            }
        }));
        var signedIn = clock.Elapsed;
        await Task.WhenAll(sessions.Where(s => s.Mailbox.Status == MailboxSessionStatus.Ready).Select(s => s.WaitUntilFullyLoadedAsync(LoadTimeout)));
        var listed = clock.Elapsed;

        Contest.Settle();
        var retained = (GC.GetTotalMemory(forceFullCollection: true) - heapBefore) / (double)users.Count;
        var resident = (SessionScenarios.ResidentSetBytes() - residentBefore) / users.Count;
        var firstPages = new Samples();
        foreach (var seconds in signIns.Where(s => !double.IsNaN(s)))
        {
            firstPages.Add(seconds);
        }

        report.Fact($"{users.Count} visits at once: first page p50 {firstPages.Median:0.0} s, p95 {firstPages.Percentile(0.95):0.0} s; all signed in after {signedIn.TotalSeconds:0.0} s, every mailbox listed after {listed.TotalSeconds:0.0} s; "
            + $"{counter.VisitsRemembering(messageCount)} of them opened their remembered mailbox");
        report.Rows.Add(ResultRow.Budget($"{users.Count} held visits, 1k summaries each: retained managed memory per visit (session service)", Samples.Of(retained), BudgetBytes, "bytes",
            "≤ 1 MiB with the circuit", "GC.GetTotalMemory after full collections, all visits listed, minus before they were created"));
        report.Rows.Add(ResultRow.Budget($"{users.Count} held visits: resident memory per visit (session service, workstation GC)", Samples.Of(resident), BudgetBytes, "bytes",
            "≤ 1 MiB with the circuit", "VmRSS with all visits listed minus before, over the visits"));
        return (sessions, retained);
    }

    /// <summary>Keeps the visits open for <paramref name="hold"/>; then none may have been lost (all ready, each with its own POP3 session).</summary>
    public static async Task HoldAsync(SessionHost.Session[] sessions, BenchEnvironment environment, TimeSpan hold, TimeSpan keepAlive, CrowdReport report)
    {
        if (hold <= TimeSpan.Zero)
        {
            return;
        }

        Console.WriteLine($"Holding {sessions.Length} visits for {hold.TotalSeconds:0} s (keep-alive every {keepAlive.TotalSeconds:0} s of silence)…");
        using var counter = new CommandCounter();

        // The hold is the measurement: the visits are left alone while their keep-alives run.
        await Task.Delay(hold);
        var notReady = sessions.Count(s => s.Mailbox.Status != MailboxSessionStatus.Ready || s.Mailbox.LastSignOut is not null);
        var open = environment.Server.CountPop3Sessions();
        report.Fact($"held {hold.TotalSeconds:0} s: {counter.Commands("NOOP")} NOOPs sent ({counter.Commands("NOOP") / (double)sessions.Length:0.0} per visit), {counter.Reconnects} reconnects, {notReady} visits not ready, {open} POP3 sessions open at Dovecot");
        if (notReady > 0 || open != sessions.Length)
        {
            report.Problem($"after the hold {notReady} of {sessions.Length} visits were not ready and Dovecot had {open} sessions open");
        }
    }
}
