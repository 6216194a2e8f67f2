using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;
using Pop3Webmail.Pop3;
using Pop3Webmail.Testing;
using Pop3Webmail.Web.Configuration;
using Pop3Webmail.Web.MailboxState;

namespace Pop3Webmail.Benchmarks.MailboxState;

/// <summary>
/// What the mailbox state store costs (docs/mailbox-state.md): the key derivation every sign-in pays, writing and
/// reading back a 10k-message mailbox on SQLite and on a private PostgreSQL, and the bytes each remembered message
/// takes on disk. Medians over a few rounds on fresh mailboxes; the store's real configuration defaults.
/// </summary>
internal static class StoreCostBenchmark
{
    private const int Messages = 10_000;
    private const int Rounds = 5;
    private const string Password = "bench-Secret-7";

    public static async Task<int> RunAsync()
    {
        var iterations = new MailStateOptions().KeyDerivationIterations;
        Console.WriteLine($"Mailbox state store cost: {Messages} messages, {Rounds} rounds, PBKDF2-SHA256 {iterations} iterations, {Environment.ProcessorCount} cores");
        MeasureKeyDerivation(iterations);

        var root = Path.Combine(Path.GetTempPath(), "p3w-store-bench-" + Guid.NewGuid().ToString("N")[..8]);
        try
        {
            var sqlite = new MailStateOptions { DataDirectory = root };
            await MeasureEngineAsync("SQLite", sqlite, () => Task.FromResult(FileBytes(root)));
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }

        if (PostgreSqlInstallation.UnavailableReason is { } reason)
        {
            Console.WriteLine($"PostgreSQL skipped: {reason}");
            return 0;
        }

        await using var server = await PostgreSqlServer.StartAsync();
        var postgres = new MailStateOptions
        {
            Provider = MailStateProvider.PostgreSql,
            ConnectionString = server.ConnectionString(),
            InstallationSecret = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)),
        };
        await MeasureEngineAsync("PostgreSQL", postgres, () => RelationBytesAsync(server.ConnectionString()));
        return 0;
    }

    private static void MeasureKeyDerivation(int iterations)
    {
        var salt = RandomNumberGenerator.GetBytes(16);
        Rfc2898DeriveBytes.Pbkdf2(Password, salt, iterations, HashAlgorithmName.SHA256, 32);
        var wall = new List<double>();
        var cpu = new List<double>();
        for (var i = 0; i < Rounds * 2; i++)
        {
            var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
            var clock = Stopwatch.StartNew();
            Rfc2898DeriveBytes.Pbkdf2(Password, salt, iterations, HashAlgorithmName.SHA256, 32);
            wall.Add(clock.Elapsed.TotalMilliseconds);
            cpu.Add((Process.GetCurrentProcess().TotalProcessorTime - cpuBefore).TotalMilliseconds);
        }

        Console.WriteLine($"| key derivation per sign-in | wall {Summary(wall)} ms | CPU {Summary(cpu)} ms |");
    }

    private static async Task MeasureEngineAsync(string engine, MailStateOptions where, Func<Task<long>> measureBytes)
    {
        var messages = Enumerable.Range(1, Messages).Select(Realistic).ToList();
        var write = new List<double>();
        var read = new List<double>();
        await using (var store = CreateStore(where))
        {
            // Round 0 warms up the engine (schema, pools, JIT) and is not counted.
            for (var round = 0; round <= Rounds; round++)
            {
                var user = "bench" + round.ToString(CultureInfo.InvariantCulture);
                await using (var memory = await store.OpenAsync("bench-server:995", user, Password) ?? throw new InvalidOperationException("store off"))
                {
                    var clock = Stopwatch.StartNew();
                    await memory.RememberAsync(messages);
                    if (round > 0)
                    {
                        write.Add(clock.Elapsed.TotalMilliseconds);
                    }
                }

                var reopen = Stopwatch.StartNew();
                await using (var memory = await store.OpenAsync("bench-server:995", user, Password))
                {
                    if (memory!.Messages.Count != Messages)
                    {
                        throw new InvalidOperationException($"{engine} gave back {memory.Messages.Count} messages.");
                    }
                }

                if (round > 0)
                {
                    read.Add(reopen.Elapsed.TotalMilliseconds);
                }
            }
        }

        var bytes = await measureBytes();
        var rows = (Rounds + 1) * (long)Messages;
        Console.WriteLine($"| {engine}: RememberAsync of {Messages} new messages (one transaction) | {Summary(write)} ms |");
        Console.WriteLine($"| {engine}: OpenAsync of a {Messages}-message mailbox (key derivation + read + decrypt) | {Summary(read)} ms |");
        Console.WriteLine($"| {engine}: bytes per remembered message | {bytes / rows} B ({bytes} B for {rows} rows) |");
    }

    private static MailboxStateStore CreateStore(MailStateOptions where) =>
        new(Options.Create(new MailOptions { State = where }), TimeProvider.System, NullLogger<MailboxStateStore>.Instance);

    /// <summary>An inbox row as a typical business mailbox shows it: a name, an address, a subject of some 40 characters.</summary>
    private static RememberedMessage Realistic(int n) => new(
        Uid: n.ToString("X8", CultureInfo.InvariantCulture) + "5f3c1b7e",
        Size: 4_000 + (n * 37 % 50_000),
        From: n % 10 == 3 ? "Иван Петров" : "Alice Example",
        FromAddress: n % 10 == 3 ? "ivan.petrov@example.ru" : "alice.example@example.com",
        To: "Bob Reader <bob@example.org>",
        Subject: $"Re: Quarterly planning for the project (part {n})",
        Date: new DateTimeOffset(2026, 1, 1, 8, 0, 0, TimeSpan.FromHours(3)).AddMinutes(n * 7),
        MessageId: $"<{n}.{n * 31}@mail.example.com>",
        HasAttachments: n % 5 == 0,
        Importance: Pop3MessageImportance.Normal,
        Read: n % 2 == 0);

    /// <summary>The SQLite file after the store closed (its WAL checkpointed into it).</summary>
    private static long FileBytes(string directory) =>
        new DirectoryInfo(directory).GetFiles("*.db*").Sum(f => f.Length);

    private static async Task<long> RelationBytesAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using (var vacuum = new NpgsqlCommand("VACUUM p3w_message", connection))
        {
            await vacuum.ExecuteNonQueryAsync();
        }

        await using var command = new NpgsqlCommand("SELECT pg_total_relation_size('p3w_message')", connection);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private static string Summary(List<double> samples)
    {
        samples.Sort();
        return string.Create(CultureInfo.InvariantCulture, $"median {samples[samples.Count / 2]:0.0} (min {samples[0]:0.0}, max {samples[^1]:0.0})");
    }
}
