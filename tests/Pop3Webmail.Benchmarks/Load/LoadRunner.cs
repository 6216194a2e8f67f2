using System.Diagnostics;
using System.Globalization;
using Pop3Webmail.Benchmarks.Scenarios;
using Pop3Webmail.Testing;
using Pop3Webmail.Testing.Circuits;

namespace Pop3Webmail.Benchmarks.Load;

/// <summary>
/// <c>--load</c>: real Blazor circuits against the real app. A private Dovecot holds one mailbox per simulated user;
/// the app runs in its own process against it; then every user opens a tab at once (circuit clients, not browsers:
/// a crowd of Chromiums would measure Chromium) and makes the whole visit: sign in, list, open, delete, back, undo,
/// sign out. Reports p50/p95/max per step, every error, the app's memory during the crowd, the JavaScript the server
/// called, and whether the server saw every session QUIT with nothing deleted. The clients share the machine's cores
/// with the app, as they would not in production: the times are an upper bound.
/// </summary>
internal static class LoadRunner
{
    private const string Password = "load-Secret-7";
    private static readonly DateTimeOffset FirstDate = new(2025, 1, 1, 8, 0, 0, TimeSpan.FromHours(3));
    private static readonly TimeSpan SessionEndTimeout = TimeSpan.FromSeconds(30);

    public static async Task<int> RunAsync(LoadOptions options)
    {
        Console.WriteLine($"Pop3Webmail load: {options.Circuits} concurrent circuits, {options.MessagesPerMailbox} messages per mailbox, on {ScenarioRunner.MachineDescription()}");
        var loadAverageBefore = ScenarioRunner.LoadAverage();
        var messages = new MailboxBuilder().AddMany(options.MessagesPerMailbox, FirstDate, TimeSpan.FromMinutes(7)).Messages;
        var users = Enumerable.Range(0, options.Circuits + 1).Select(i => "load" + i.ToString("D4", CultureInfo.InvariantCulture)).ToList();
        var clock = Stopwatch.StartNew();
        await using var dovecot = await DovecotServer.StartAsync(new DovecotServerOptions
        {
            Users = [.. users.Select(user => new DovecotUser(user, Password, new MailboxBuilder().AddRange(messages)))],
        });
        Console.WriteLine($"Dovecot started with {users.Count} mailboxes in {clock.Elapsed.TotalSeconds:0.0} s (PID {dovecot.ProcessId}).");

        await using var app = await AppProcess.StartAsync(dovecot);
        var clientOptions = new CircuitClientOptions { Timeout = options.StepTimeout };

        // One visit first, untimed in the results: JIT, first requests, first TLS handshakes.
        var warmUp = await LoadVisit.RunAsync(app.BaseAddress, users[0], Password, clientOptions);
        Console.WriteLine($"Warm-up visit ({users[0]}): {(warmUp.FailedStep is null ? "ok" : "FAILED at " + warmUp.FailedStep)} in {warmUp.Timings.Sum(t => t.Elapsed.TotalSeconds):0.00} s");
        if (warmUp.FailedStep is not null)
        {
            Console.Error.WriteLine(string.Join(Environment.NewLine, warmUp.Errors));
            return 1;
        }

        var crowd = users.Skip(1).ToList();
        LoadVisit[] visits;
        TimeSpan wall;
        CpuShare cpu;
        MemoryReading resident;
        MemoryReading heap;
        await using (var sampler = new AppMemorySampler(app))
        {
            Console.WriteLine($"{crowd.Count} users open the webmail at once…");
            var appCpu = app.ProcessorTime();
            var clientCpu = Process.GetCurrentProcess().TotalProcessorTime;
            clock.Restart();
            visits = await Task.WhenAll(crowd.Select(user => LoadVisit.RunAsync(app.BaseAddress, user, Password, clientOptions)));
            wall = clock.Elapsed;
            cpu = new CpuShare(app.ProcessorTime() - appCpu, Process.GetCurrentProcess().TotalProcessorTime - clientCpu);
            resident = sampler.Resident;
            heap = sampler.ManagedHeap;
        }

        var server = await CheckServerAsync(dovecot, crowd);
        var report = new LoadReport(options, visits, wall, cpu, resident, heap, server, loadAverageBefore, ScenarioRunner.LoadAverage());
        var json = Path.Combine(Program.RepositoryRoot(), "artifacts", "bench", "load.json");
        await report.WriteJsonAsync(json);
        Console.WriteLine();
        Console.WriteLine(report.ToMarkdown());
        Console.WriteLine($"Results: {json}");
        return report.ErrorCount == 0 ? 0 : 1;
    }

    /// <summary>What Dovecot saw: each user's session ended, by QUIT, with no message deleted (the undo came first).</summary>
    private static async Task<ServerOutcome> CheckServerAsync(DovecotServer dovecot, IReadOnlyList<string> users)
    {
        var problems = new List<string>();
        var quit = 0;
        var deleted = 0;
        var deadline = DateTime.UtcNow + SessionEndTimeout; // one wait for the whole crowd, not one per user
        foreach (var user in users)
        {
            try
            {
                var left = deadline - DateTime.UtcNow;
                var session = await dovecot.WaitForSessionAsync(s => s.User == user && s.Ended, left > TimeSpan.Zero ? left : TimeSpan.Zero);
                quit += session.LoggedOut ? 1 : 0;
                deleted += session.Deleted;
                if (!session.LoggedOut || session.Deleted != 0)
                {
                    problems.Add($"{user}: session ended by '{session.DisconnectReason}' with {session.Deleted} deleted");
                }
            }
            catch (TimeoutException ex)
            {
                problems.Add($"{user}: {ex.Message.Split('\n')[0]}");
            }
        }

        return new ServerOutcome(quit, deleted, problems);
    }
}

/// <summary>CPU time used during the crowd by the app and by this process (the circuit clients).</summary>
internal sealed record CpuShare(TimeSpan App, TimeSpan Clients);

/// <summary>Dovecot's view of the crowd: sessions ended by QUIT, messages deleted, and what was not as expected.</summary>
internal sealed record ServerOutcome(int SessionsQuit, int MessagesDeleted, IReadOnlyList<string> Problems);
