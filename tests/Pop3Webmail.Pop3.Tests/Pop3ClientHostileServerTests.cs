using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Unicode;
using Microsoft.Extensions.Time.Testing;
using Pop3Webmail.Testing;
using Pop3Webmail.Testing.Hostile;

namespace Pop3Webmail.Pop3.Tests;

/// <summary>
/// Attacks of a hostile server over a real loopback socket, each as fast as the socket takes it: the client must end
/// every one with a typed error, close the connection, read little past the bound, and keep its managed heap small.
/// Peak heap growth and time to the error are written to the test output (they are measured, never asserted as
/// times). The class runs alone, so the heap it measures is its own.
/// </summary>
[Collection(nameof(Pop3ClientHostileServerTests))]
public sealed class Pop3ClientHostileServerTests
{
    /// <summary>Managed heap growth any attack may cause.</summary>
    private const long HeapBudget = 64L * 1024 * 1024;

    /// <summary>What a client may read past a bound before it notices: its receive buffer and the reads in flight.</summary>
    private const long ReadPastBound = 64 * 1024;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AnEndlessCapabilityListBeforeLoginEndsTheConnect()
    {
        await using var server = HostilePop3Server.Start(async c =>
        {
            await c.SendAsync("+OK hostile\r\n");
            await c.AnswerAsync("CAPA", "+OK\r\n");
            await c.FloodLinesAsync(static (Span<byte> d, long n, out int w) => Utf8.TryWrite(d, CultureInfo.InvariantCulture, $"X-CAPABILITY-{n}\r\n", out w));
        });

        var attack = await AttackAsync(server, signIn: false, static client => client.Client.ConnectAsync(client.Stream, "localhost", Ct));

        var error = attack.Expect<Pop3LimitExceededException>();
        Assert.Equal(Pop3Limit.ReplyLines, error.Limit);
        attack.AssertReadAtMost(BytesOf(257, n => $"X-CAPABILITY-{n}\r\n") + 40);
    }

    [Fact]
    public async Task AnEndlessListStopsAtTheFirstLineBeyondStat()
    {
        await using var server = HostilePop3Server.Start(async c =>
        {
            await c.SignInAsync();
            await c.AnswerAsync("STAT", "+OK 1000 100000\r\n");
            await c.AnswerAsync("LIST", "+OK\r\n");
            await c.FloodLinesAsync(static (Span<byte> d, long n, out int w) => Utf8.TryWrite(d, CultureInfo.InvariantCulture, $"{n} 100\r\n", out w));
        });

        var attack = await AttackAsync(server, signIn: true, static client => client.Client.ListAsync(Ct));

        var error = attack.Expect<Pop3LimitExceededException>();
        Assert.Equal(Pop3Limit.ListingLines, error.Limit);
        attack.AssertReadAtMost(BytesOf(1001, n => $"{n} 100\r\n"));
    }

    [Fact]
    public async Task TenMillionUidlLinesStopAtTheMaximumMessageCount()
    {
        await using var server = HostilePop3Server.Start(async c =>
        {
            await c.SignInAsync();
            await c.AnswerAsync("STAT", "+OK 100000 1000000000\r\n");
            await c.AnswerAsync("UIDL", "+OK\r\n");
            await c.FloodLinesAsync(static (Span<byte> d, long n, out int w) => Utf8.TryWrite(d, CultureInfo.InvariantCulture, $"{n} {n:X8}5F3A2C11\r\n", out w), 10_000_000);
            await c.SendAsync(".\r\n");
        });

        var attack = await AttackAsync(server, signIn: true, static client => client.Client.UidlAsync(Ct));

        var error = attack.Expect<Pop3LimitExceededException>();
        Assert.Equal(Pop3Limit.ListingLines, error.Limit);
        Assert.Equal(100_000, error.Maximum);
        attack.AssertReadAtMost(BytesOf(100_001, n => string.Create(CultureInfo.InvariantCulture, $"{n} {n:X8}5F3A2C11\r\n")));
    }

    [Fact]
    public async Task AnEndlessHeaderLineInTopStopsAtMaxHeaderBytes()
    {
        await using var server = HostilePop3Server.Start(async c =>
        {
            await c.SignInAsync();
            await c.AnswerAsync("STAT", "+OK 1 1000\r\n");
            await c.AnswerAsync("LIST", "+OK\r\n1 1000\r\n.\r\n");
            await c.AnswerAsync("UIDL", "+OK\r\n1 u1\r\n.\r\n");
            await c.AnswerAsync("TOP 1 0", "+OK\r\nX-Endless: ");
            await c.FloodAsync((byte)'a');
        });

        var attack = await AttackAsync(server, signIn: true, static client => client.Client.ListMailboxAsync(1, Ct));

        var error = attack.Expect<Pop3LimitExceededException>();
        Assert.Equal(Pop3Limit.HeaderBytes, error.Limit);
        Assert.Equal(1, error.MessageNumber);
        attack.AssertReadAtMost(256 * 1024);
    }

    [Fact]
    public async Task AGigabyteMessageClaimedAsOneKilobyteStopsNearItsClaim()
    {
        await using var server = HostilePop3Server.Start(async c =>
        {
            await c.SignInAsync();
            await c.AnswerAsync("STAT", "+OK 1 1024\r\n");
            await c.AnswerAsync("LIST", "+OK\r\n1 1024\r\n.\r\n");
            await c.AnswerAsync("RETR 1", "+OK\r\n");
            await c.FloodAsync((byte)'x', total: 1L << 30, lines: true);
            await c.SendAsync(".\r\n");
        });

        var attack = await AttackAsync(server, signIn: true, static async client =>
        {
            await client.Client.ListAsync(Ct);
            await using var message = await client.Client.RetrieveAsync(1, Ct);
            await message.CopyToAsync(Stream.Null, Ct);
        });

        var error = attack.Expect<Pop3LimitExceededException>();
        Assert.Equal(Pop3Limit.MessageSize, error.Limit);
        attack.AssertReadAtMost((2 * 1024) + (1024 * 1024));
    }

    [Fact]
    public async Task DuplicateNumbersAreAnInvalidReplyAtTheSecondLine()
    {
        await using var server = HostilePop3Server.Start(async c =>
        {
            await c.SignInAsync();
            await c.AnswerAsync("STAT", "+OK 5 500\r\n");
            await c.AnswerAsync("LIST", "+OK\r\n");
            await c.FloodLinesAsync(static (Span<byte> d, long n, out int w) => Utf8.TryWrite(d, $"1 100\r\n", out w));
        });

        var attack = await AttackAsync(server, signIn: true, static client => client.Client.ListAsync(Ct));

        var error = attack.Expect<Pop3ProtocolException>();
        Assert.Contains("invalid LIST reply", error.Message, StringComparison.Ordinal);
        attack.AssertReadAtMost(64);
    }

    [Fact]
    public async Task AReplyThatSwitchesToBareLfMidwayIsReadAsTheServerMeantIt()
    {
        // Bare LF is tolerated line by line (RFC 1939 asks for CRLF, real servers mix): a switch is not an attack.
        await using var server = HostilePop3Server.Start(async c =>
        {
            await c.SignInAsync();
            await c.AnswerAsync("STAT", "+OK 4 400\r\n");
            await c.AnswerAsync("LIST", "+OK\r\n1 100\r\n2 100\n3 100\n4 100\n.\n");
            await c.AnswerAsync("UIDL", "+OK\r\n1 a\r\n2 b\n3 c\n4 d\n.\r\n");
            await c.AnswerAsync("TOP 4 0", "+OK\r\nSubject: mixed\r\nFrom: x@example.test\n\r\n.\r\n");
            await c.AnswerAsync("QUIT", "+OK\r\n");
        });

        var attack = await AttackAsync(server, signIn: true, static async client =>
        {
            var listing = await client.Client.ListMailboxAsync(1, Ct);
            Assert.Equal([1, 2, 3, 4], listing.Sizes.Select(static s => s.MessageNumber));
            Assert.Equal(["a", "b", "c", "d"], listing.Uids!.Select(static u => u.Uid));
            Assert.Equal("mixed", Assert.Single(listing.NewestSummaries).Subject);
            await client.Client.QuitAsync(Ct);
        });

        Assert.Null(attack.Error);
    }

    [Fact]
    public async Task AServerTricklingOneByteEveryFiftySecondsIsCutOffByTheDeadline()
    {
        // Every byte arrives well within the 60 s I/O timeout, so only the RETR's deadline (60 s floor, and the
        // time its 100-byte claim and its received bytes earn at 32 KiB/s) can end it.
        var time = new FakeTimeProvider();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        HostileConnection? connection = null;
        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = HostilePop3Server.Start(async c =>
        {
            await c.SignInAsync();
            await c.AnswerAsync("STAT", "+OK 1 100\r\n");
            await c.AnswerAsync("LIST", "+OK\r\n1 100\r\n.\r\n");
            await c.AnswerAsync("RETR 1", "+OK\r\n");
            connection = c;
            ready.SetResult();
            await c.TrickleAsync((byte)'x', stop.Token);
        });
        await using var client = await SignedInClientAsync(server, time);
        await client.Client.ListAsync(Ct);
        await using var message = await client.Client.RetrieveAsync(1, Ct);
        await ready.Task;

        var copy = message.CopyToAsync(Stream.Null, Ct);
        var ticks = 0;
        while (!copy.IsCompleted && ticks < 20)
        {
            ticks++;
            var readBefore = client.Stream.BytesRead;
            time.Advance(TimeSpan.FromSeconds(50));
            connection!.ReleaseTrickle();
            await Task.WhenAny(copy, client.Stream.ReadAtLeastAsync(readBefore + 1, Ct));
        }

        await stop.CancelAsync();
        var error = await Assert.ThrowsAsync<Pop3TimeoutException>(() => copy);
        Assert.False(client.Client.IsConnected);
        Assert.InRange(ticks, 1, 2);
        TestContext.Current.TestOutputHelper?.WriteLine($"trickle: {error.Message} after {ticks * 50} s of (fake) time.");
    }

    private static async Task<Attack> AttackAsync(HostilePop3Server server, bool signIn, Func<HostileClient, Task> attack)
    {
        await using var client = signIn ? await SignedInClientAsync(server, TimeProvider.System) : await HostileClient.OpenAsync(server, TimeProvider.System);
        var readBefore = client.Stream.BytesRead;
        Exception? error = null;
        var clock = Stopwatch.StartNew();
        (long PeakGrowth, long Allocated) memory;
        using (var sampler = new ManagedMemorySampler())
        {
            try
            {
                await attack(client);
            }
            catch (Exception ex)
            {
                error = ex;
            }

            clock.Stop();
            memory = sampler.Stop();
        }

        var read = client.Stream.BytesRead - readBefore;
        TestContext.Current.TestOutputHelper?.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{error?.GetType().Name ?? "no error"} after {clock.Elapsed.TotalMilliseconds:0.0} ms; peak heap growth {memory.PeakGrowth / 1048576.0:0.00} MiB, allocated {memory.Allocated / 1048576.0:0.00} MiB; read {read} bytes, server wrote {server.BytesWritten} bytes."));
        Assert.InRange(memory.PeakGrowth, long.MinValue, HeapBudget);
        if (error is not null)
        {
            Assert.False(client.Client.IsConnected, "The connection stayed open after the error.");
            await server.Finished.WaitAsync(Ct); // The client's close ended the flood: nothing is left writing.
        }

        return new Attack(error, read);
    }

    private static async Task<HostileClient> SignedInClientAsync(HostilePop3Server server, TimeProvider time)
    {
        var client = await HostileClient.OpenAsync(server, time);
        await client.Client.ConnectAsync(client.Stream, "localhost", Ct);
        await client.Client.AuthenticateAsync(Pop3AuthenticationMechanism.User, "bob", "secret", Ct);
        return client;
    }

    /// <summary>The bytes of lines 1..<paramref name="count"/> as <paramref name="line"/> writes them.</summary>
    private static long BytesOf(int count, Func<int, string> line)
    {
        long total = 0;
        for (var n = 1; n <= count; n++)
        {
            total += Encoding.ASCII.GetByteCount(line(n));
        }

        return total;
    }

    /// <summary>What an attack ended with, and how much the client read meanwhile.</summary>
    private sealed record Attack(Exception? Error, long BytesRead)
    {
        public T Expect<T>()
            where T : Exception => Assert.IsAssignableFrom<T>(Error);

        /// <summary>The client read no more than the bound (in bytes of the reply) plus one buffer in flight.</summary>
        public void AssertReadAtMost(long bound) => Assert.InRange(BytesRead, 0, bound + ReadPastBound);
    }

    /// <summary>Our client on a plaintext loopback socket to the hostile server, counting what it reads.</summary>
    private sealed class HostileClient(Pop3Client client, CountingStream stream) : IAsyncDisposable
    {
        public Pop3Client Client { get; } = client;

        public CountingStream Stream { get; } = stream;

        public static async Task<HostileClient> OpenAsync(HostilePop3Server server, TimeProvider time)
        {
            var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            await socket.ConnectAsync(IPAddress.Loopback, server.Port, Ct);
            var options = new Pop3ClientOptions { Security = Pop3Security.None, AllowPlaintextAuthentication = true, TimeProvider = time };
            return new HostileClient(new Pop3Client(options), new CountingStream(new NetworkStream(socket, ownsSocket: true)));
        }

        public async ValueTask DisposeAsync()
        {
            await Client.DisposeAsync();
            await Stream.DisposeAsync();
        }
    }
}

/// <summary>The hostile-server attacks measure the process's managed heap, so they run alone, after the parallel tests.</summary>
[CollectionDefinition(nameof(Pop3ClientHostileServerTests), DisableParallelization = true)]
public sealed class Pop3ClientHostileServerTestsRunAlone;
