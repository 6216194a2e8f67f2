using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Pop3Webmail.Benchmarks.Reporting;
using Pop3Webmail.Benchmarks.Scenarios;
using Pop3Webmail.Testing;
using Pop3Webmail.Web.Session;

namespace Pop3Webmail.Benchmarks.Crowd;

/// <summary>
/// Graceful shutdown under load: every held visit marks its newest message for deletion, then the app is told to stop
/// as SIGTERM tells it (<see cref="IHostApplicationLifetime.StopApplication"/>, which runs the session registry's
/// stopping callback). Measured: how long until every visit has ended, until that callback let the host go on, and until
/// Dovecot has no session left, against the registry's own wait and the host's shutdown timeout. Checked: every session
/// ended with QUIT (logged out, not cut) and deleted nothing — an end the user did not choose resets the marks first.
/// </summary>
internal static class ShutdownDrain
{
    /// <summary>How long <c>MailboxSessionRegistry</c> lets the host wait for the visits to end.</summary>
    private static readonly TimeSpan RegistryBudget = TimeSpan.FromSeconds(10);

    private static readonly TimeSpan ServerTimeout = TimeSpan.FromSeconds(60);

    public static async Task RunAsync(SessionHost host, SessionHost.Session[] sessions, IReadOnlyList<string> users, BenchEnvironment environment, CrowdReport report)
    {
        var readyUsers = users.Where((_, i) => sessions[i].Mailbox.Status == MailboxSessionStatus.Ready).ToList();
        var ready = sessions.Where(s => s.Mailbox.Status == MailboxSessionStatus.Ready).ToArray();
        Console.WriteLine($"Every visit marks a message; then the app stops with {ready.Length} visits open…");
        await Task.WhenAll(ready.Select(s => s.Mailbox.DeleteAsync([s.Mailbox.Messages[0].Key])));
        var shutdownTimeout = host.Services.GetRequiredService<IOptions<HostOptions>>().Value.ShutdownTimeout;
        var lifetime = host.Services.GetRequiredService<IHostApplicationLifetime>();
        var ended = ready.Select(s => EndedAsync(s.Mailbox)).ToArray();

        var clock = Stopwatch.StartNew();
        var stopping = Task.Run(lifetime.StopApplication);
        await Task.WhenAll(ended).WaitAsync(shutdownTimeout + ServerTimeout);
        var allEnded = clock.Elapsed;
        await stopping;
        var callbackReturned = clock.Elapsed;
        await environment.Server.WaitForPop3SessionCountAsync(0, timeout: ServerTimeout);
        var serverEmpty = clock.Elapsed;

        var outcomes = ended.Select(e => e.Result).ToArray();
        var kept = outcomes.Sum(o => o.DeletionsKept);
        var sessionsAtServer = await EndedSessionsAsync(environment.Server, readyUsers);
        var quit = sessionsAtServer.Count(s => s.LoggedOut);
        var deleted = sessionsAtServer.Sum(s => s.Deleted);
        report.Rows.Add(ResultRow.Budget($"shutdown with {ready.Length} open visits: until every visit ended (RSET+QUIT)", Samples.Of(allEnded.TotalSeconds),
            RegistryBudget.TotalSeconds, "s", "≤ the registry's 10 s wait", $"the stopping callback returned after {callbackReturned.TotalSeconds:0.00} s"));
        report.Rows.Add(ResultRow.Budget($"shutdown with {ready.Length} open visits: until Dovecot had no session", Samples.Of(serverEmpty.TotalSeconds),
            shutdownTimeout.TotalSeconds, "s", $"≤ HostOptions.ShutdownTimeout ({shutdownTimeout.TotalSeconds:0} s)"));
        report.Fact($"shutdown: {outcomes.Count(o => o.Reason == SignOutReason.ApplicationStopping)}/{ready.Length} visits ended by the app stopping, {kept} marked messages kept; Dovecot: {quit}/{sessionsAtServer.Count} sessions logged out with QUIT, {deleted} messages deleted");
        if (quit != ready.Length || deleted != 0 || kept != ready.Length)
        {
            report.Problem($"shutdown: {quit} of {ready.Length} sessions ended with QUIT, {deleted} messages deleted, {kept} marks kept");
        }
    }

    /// <summary>Completes with the visit's sign-out once it has ended (the session raises Changed when it does).</summary>
    private static Task<SignOutInfo> EndedAsync(MailboxSession session)
    {
        var ended = new TaskCompletionSource<SignOutInfo>(TaskCreationOptions.RunContinuationsAsynchronously);
        session.Changed += (_, _) =>
        {
            if (session.LastSignOut is { } info)
            {
                ended.TrySetResult(info);
            }
        };
        return ended.Task;
    }

    /// <summary>Each user's last session as Dovecot logged it, once every one has ended (a bounded poll of its log).</summary>
    private static async Task<List<DovecotSession>> EndedSessionsAsync(DovecotServer server, List<string> users)
    {
        var wanted = users.ToHashSet(StringComparer.Ordinal);
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var last = server.ReadSessions().Where(s => wanted.Contains(s.User)).GroupBy(s => s.User).Select(g => g.Last()).ToList();
            if ((last.Count == users.Count && last.All(s => s.Ended)) || clock.Elapsed > ServerTimeout)
            {
                return last;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(200));
        }
    }
}
