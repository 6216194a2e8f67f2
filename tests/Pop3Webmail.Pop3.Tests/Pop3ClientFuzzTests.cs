using System.Text;
using Microsoft.Extensions.Time.Testing;
using Pop3Webmail.Pop3.Tests.Scripting;

namespace Pop3Webmail.Pop3.Tests;

/// <summary>
/// Every server reply is hostile input. Thousands of seeded, deterministic runs feed mutated and random
/// server transcripts to a fixed client session; whatever the bytes, only <see cref="Pop3Exception"/>s may escape,
/// a protocol failure must leave the connection closed and a command failure must leave it open, no run may wait
/// for anything, and memory must not grow with the number of runs.
/// </summary>
[Collection(nameof(Pop3ClientFuzzTests))]
public sealed class Pop3ClientFuzzTests
{
    private const int Runs = 3000;
    private const int MessagesPerSession = 3;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task HostileServerRepliesOnlyEverRaisePop3ExceptionsAndNeverHangOrLeak()
    {
        var transcripts = ValidTranscripts();
        var outcomes = new Dictionary<string, int>();
        var failures = new List<string>();

        // Warm up (JIT, MimeKit statics, pools) before the memory baseline.
        for (var i = 0; i < transcripts.Length; i++)
        {
            await RunAsync(transcripts[i], ReplyShape.WholeCrlf, seed: i);
        }

        var memoryBefore = CollectAndMeasure();
        for (var run = 0; run < Runs; run++)
        {
            var random = new Random(run);
            var original = transcripts[random.Next(transcripts.Length)];
            var mutated = random.Next(10) != 0;
            var bytes = mutated ? Mutate(original, random) : original;
            var shape = random.Next(10) switch
            {
                0 => ReplyShape.OneByteCrlf,
                < 5 => ReplyShape.RandomCrlf,
                _ => ReplyShape.WholeCrlf,
            };

            var (outcome, failure) = await RunAsync(bytes, shape, run);
            if (failure is null && !mutated && outcome != "completed")
            {
                failure = $"a valid transcript ended with {outcome}";
            }

            if (failure is not null)
            {
                failures.Add($"run {run} ({shape}): {failure}; server bytes {ScriptedPop3Stream.Show(bytes)}");
            }

            outcomes[outcome] = outcomes.GetValueOrDefault(outcome) + 1;
        }

        var memoryGrowth = CollectAndMeasure() - memoryBefore;

        Assert.True(failures.Count == 0, $"{failures.Count} of {Runs} runs failed:{Environment.NewLine}{string.Join(Environment.NewLine, failures.Take(10))}");
        Assert.True(memoryGrowth < 32 * 1024 * 1024, $"Managed memory grew by {memoryGrowth} bytes over {Runs} runs.");

        // The fuzzer must reach deep into sessions, not only break greetings.
        var summary = string.Join(", ", outcomes.Select(static o => $"{o.Key}: {o.Value}"));
        TestContext.Current.TestOutputHelper?.WriteLine($"{Runs} runs: {summary}; managed memory growth {memoryGrowth} bytes.");
        Assert.True(outcomes.GetValueOrDefault("completed") >= Runs / 20, summary);
        Assert.True(outcomes.GetValueOrDefault("protocol error") >= Runs / 4, summary);
    }

    /// <summary>
    /// One session against a bounded hostile server. The stream never blocks (all bytes are there, then EOF), so the
    /// run must complete synchronously; a run that does not has waited for something no server byte can give.
    /// </summary>
    private static async Task<(string Outcome, string? Failure)> RunAsync(byte[] serverBytes, ReplyShape shape, int seed)
    {
        // Fake time that never moves: no timer can fire, so outcomes depend on the bytes alone.
        var options = new Pop3ClientOptions
        {
            Security = Pop3Security.None,
            AllowPlaintextAuthentication = true,
            TimeProvider = new FakeTimeProvider(),
            IoTimeout = TimeSpan.FromSeconds(10),
            OperationTimeout = TimeSpan.FromSeconds(30),
            MaxScramIterations = 4096,
        };
        var stream = ScriptedPop3Stream.Hostile(serverBytes, shape, seed);
        var client = new Pop3Client(options);
        try
        {
            var session = SessionAsync(client, stream);
            if (!session.IsCompleted)
            {
                return ("hung", "the session waited although the server had nothing more to send");
            }

            return await session;
        }
        catch (Exception ex)
        {
            return ("crashed", $"{ex.GetType().Name} escaped: {ex.Message}");
        }
        finally
        {
            await client.DisposeAsync();
        }
    }

    /// <summary>The fixed client session: connect, log in, STAT, LIST, UIDL, summaries, RETR read to end, QUIT.</summary>
    private static async Task<(string Outcome, string? Failure)> SessionAsync(Pop3Client client, ScriptedPop3Stream stream)
    {
        var messages = MessagesPerSession;
        Func<Task>[] steps =
        [
            () => client.ConnectAsync(stream, "pop.example.test", Ct),
            () => client.AuthenticateAsync("bob", "secret", Ct),
            async () => messages = Math.Clamp((await client.StatAsync(Ct)).MessageCount, 1, MessagesPerSession + 1),
            () => client.ListAsync(Ct),
            () => client.UidlAsync(Ct),
            () => client.GetMessageSummariesAsync(1, messages, cancellationToken: Ct),
            async () =>
            {
                await using var body = await client.RetrieveAsync(1, Ct);
                await body.CopyToAsync(Stream.Null, Ct);
            },
            () => client.QuitAsync(Ct),
        ];

        for (var step = 0; step < steps.Length; step++)
        {
            if (step is > 1 and < 7 && !client.IsAuthenticated)
            {
                continue; // Login failed: only QUIT is left to do.
            }

            try
            {
                await steps[step]();
            }
            catch (Pop3CommandException) when (client.IsConnected)
            {
                // -ERR: the connection must stay usable, and the session goes on with the next step.
            }
            catch (Pop3CommandException ex)
            {
                return ("command error", step == steps.Length - 1 ? null : $"-ERR closed the connection: {ex.Message}");
            }
            catch (Exception ex) when (ex is Pop3ProtocolException or Pop3SecurityException)
            {
                var failure = client.IsConnected || !stream.IsDisposed ? $"the connection stayed open after {ex.GetType().Name}: {ex.Message}" : null;
                return (ex is Pop3SecurityException ? "security error" : "protocol error", failure);
            }
        }

        return ("completed", client.IsConnected ? "QUIT left the connection open" : null);
    }

    private static byte[][] ValidTranscripts()
    {
        const string transaction =
            "+OK 3 600\r\n"
            + "+OK 3 messages\r\n1 120\r\n2 200\r\n3 280\r\n.\r\n"
            + "+OK\r\n1 whqtswO00WBw418f9t5JxYwZ\r\n2 QhdPYR:00WBw1Ph7x7\r\n3 uid three\r\n.\r\n";
        const string headers1 = "From: =?UTF-8?B?0J/RkdGC0YA=?= <petr@example.test>\r\nTo: bob@example.test\r\nSubject: =?KOI8-R?B?8NLJ18XULCDNydI=?=\r\nDate: Tue, 1 Jul 2003 10:52:37 +0200\r\nMessage-ID: <1@example.test>\r\n\r\n";
        const string headers2 = "From: a@example.test\r\nSubject: folded\r\n subject line\r\nContent-Type: multipart/mixed; boundary=b\r\nX-Priority: 1\r\n\r\n";
        const string headers3 = "Subject: third\r\nImportance: low\r\n\r\n";
        const string tops = "+OK\r\n" + headers1 + ".\r\n" + "+OK\r\n" + headers2 + ".\r\n" + "+OK\r\n" + headers3 + ".\r\n";
        const string retr = "+OK 120 octets\r\n" + headers1 + "Body text\r\n..a stuffed line\r\n\r\n.\r\n";
        const string quit = "+OK bye\r\n";
        const string greeting = "+OK POP3 ready <1896.697170952@fuzz.example.test>\r\n";

        string[] transcripts =
        [
            // USER/PASS, pipelining after login.
            greeting + "+OK\r\nUSER\r\nTOP\r\nUIDL\r\nRESP-CODES\r\n.\r\n" + "+OK\r\n+OK\r\n"
                + "+OK\r\nTOP\r\nUIDL\r\nPIPELINING\r\n.\r\n" + transaction + tops + retr + quit,

            // SASL PLAIN with an initial response, no pipelining.
            greeting + "+OK\r\nSASL PLAIN\r\nTOP\r\nUIDL\r\n.\r\n" + "+OK Logged in.\r\n"
                + "+OK\r\nTOP\r\nUIDL\r\nEXPIRE NEVER\r\n.\r\n" + transaction + tops + retr + quit,

            // CRAM-MD5 challenge/response (RFC 2195 challenge), after a refused first mechanism is not needed here.
            greeting + "+OK\r\nSASL CRAM-MD5 LOGIN\r\nUSER\r\n.\r\n"
                + "+ PDE4OTYuNjk3MTcwOTUyQHBvc3RvZmZpY2UucmVzdG9uLm1jaS5uZXQ+\r\n+OK\r\n"
                + "+OK\r\nTOP\r\nUIDL\r\nPIPELINING\r\nUTF8 USER\r\n.\r\n" + transaction + tops + retr + quit,

            // A pre-CAPA server: USER/PASS; the first TOP of the summaries is the probe.
            greeting + "-ERR unknown command\r\n" + "+OK\r\n+OK\r\n" + "-ERR unknown command\r\n"
                + transaction + tops + retr + quit,
        ];
        return [.. transcripts.Select(static t => Encoding.UTF8.GetBytes(t))];
    }

    /// <summary>One to three structural mutations, or now and then plain garbage.</summary>
    private static byte[] Mutate(byte[] original, Random random)
    {
        if (random.Next(20) == 0)
        {
            var garbage = new byte[random.Next(0, 2048)];
            random.NextBytes(garbage);
            return random.Next(2) == 0 ? [.. "+OK "u8, .. garbage] : garbage;
        }

        var bytes = new List<byte>(original);
        var mutations = random.Next(1, 4);
        for (var i = 0; i < mutations; i++)
        {
            var at = random.Next(bytes.Count + 1);
            switch (random.Next(10))
            {
                case 0:
                    if (at < bytes.Count)
                    {
                        bytes[at] ^= (byte)(1 << random.Next(8));
                    }

                    break;
                case 1:
                    bytes.RemoveRange(at, bytes.Count - at);
                    break;
                case 2:
                    string[] fragments = ["\r", "\n", "\0", ".", "\r\n", ".\r\n", "\r\n.\r\n", "..", "+OK ", "-ERR [AUTH] ", "+ ", " "];
                    bytes.InsertRange(at, Encoding.ASCII.GetBytes(fragments[random.Next(fragments.Length)]));
                    break;
                case 3:
                    bytes.RemoveRange(at, Math.Min(random.Next(1, 48), bytes.Count - at));
                    break;
                case 4:
                    var start = random.Next(bytes.Count);
                    bytes.InsertRange(at, bytes.GetRange(start, Math.Min(random.Next(1, 200), bytes.Count - start)));
                    break;
                case 5:
                    // A huge line at a line start: status lines must stay bounded, message lines may be long.
                    var lineStart = bytes.IndexOf((byte)'\n', Math.Min(at, Math.Max(0, bytes.Count - 1))) + 1;
                    bytes.InsertRange(lineStart, Encoding.ASCII.GetBytes(new string('A', random.Next(600, 40_000)) + "\r\n"));
                    break;
                case 6:
                    var noise = new byte[random.Next(1, 512)];
                    random.NextBytes(noise);
                    bytes.RemoveRange(at, bytes.Count - at);
                    bytes.AddRange(noise);
                    break;
                case 7:
                    // Bare LF line endings from here on.
                    for (var j = bytes.Count - 2; j >= at; j--)
                    {
                        if (bytes[j] == '\r' && bytes[j + 1] == '\n')
                        {
                            bytes.RemoveAt(j);
                        }
                    }

                    break;
                case 8:
                    if (at < bytes.Count)
                    {
                        bytes[at] = (byte)random.Next(256);
                    }

                    break;
                default:
                    // A digit run replaced by an extreme number (sizes, counts, message numbers).
                    string[] numbers = ["0", "-1", "2147483648", "99999999999999999999", "-9223372036854775808", "007"];
                    var digit = bytes.FindIndex(at, static b => b is >= (byte)'0' and <= (byte)'9');
                    if (digit >= 0)
                    {
                        var end = digit;
                        while (end < bytes.Count && bytes[end] is >= (byte)'0' and <= (byte)'9')
                        {
                            end++;
                        }

                        bytes.RemoveRange(digit, end - digit);
                        bytes.InsertRange(digit, Encoding.ASCII.GetBytes(numbers[random.Next(numbers.Length)]));
                    }

                    break;
            }
        }

        return [.. bytes];
    }

    private static long CollectAndMeasure()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        return GC.GetTotalMemory(forceFullCollection: true);
    }
}

/// <summary>
/// The fuzz test measures the process-wide managed heap, so it runs alone, after the parallel tests, where no
/// other test's allocations can blur the measurement.
/// </summary>
[CollectionDefinition(nameof(Pop3ClientFuzzTests), DisableParallelization = true)]
public sealed class Pop3ClientFuzzRunsAlone;
