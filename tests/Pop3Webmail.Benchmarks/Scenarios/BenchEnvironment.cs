using System.Diagnostics;
using Pop3Webmail.Benchmarks.Contenders;
using Pop3Webmail.Testing;

namespace Pop3Webmail.Benchmarks.Scenarios;

/// <summary>
/// The private Dovecot of one run (Pop3Webmail.Testing's fixture: loopback only, self-signed certificate, Maildirs
/// written straight to disk) with the mailboxes the scenarios sign in to. Disposing it stops that Dovecot by PID.
/// </summary>
internal sealed class BenchEnvironment : IAsyncDisposable
{
    public const string Password = "bench-Secret-7";
    public const string LargeMessageUser = "large";

    private static readonly DateTimeOffset FirstDate = new(2025, 1, 1, 8, 0, 0, TimeSpan.FromHours(3));

    private BenchEnvironment(DovecotServer server, IReadOnlyList<TestMessage> messages)
    {
        Server = server;
        Messages = messages;
    }

    public DovecotServer Server { get; }

    /// <summary>The generated messages; a mailbox of n messages holds the first n.</summary>
    public IReadOnlyList<TestMessage> Messages { get; }

    public static async Task<BenchEnvironment> StartAsync(BenchmarkPlan plan)
    {
        var clock = Stopwatch.StartNew();
        var largest = plan.ListingSizes.Append(plan.SessionMailboxSize).Append(plan.ConcurrentMailboxSize).Append(plan.ShapedListingSize).Max();
        var messages = new MailboxBuilder().AddMany(largest, FirstDate, TimeSpan.FromMinutes(7), Mixed).Messages;
        var users = plan.ListingSizes.Append(plan.SessionMailboxSize).Append(plan.ShapedListingSize).Distinct()
            .Select(size => new DovecotUser(MailboxUser(size), Password, new MailboxBuilder().AddRange(messages.Take(size))))
            .Append(new DovecotUser(LargeMessageUser, Password, new MailboxBuilder().Add(MessageFactory.Large(plan.LargeMessageBytes, FirstDate))))
            .ToList();
        var server = await DovecotServer.StartAsync(new DovecotServerOptions { Users = users });
        Console.WriteLine($"Dovecot started ({server}, PID {server.ProcessId}) with {users.Count} mailboxes in {clock.Elapsed.TotalSeconds:0.0} s.");
        return new BenchEnvironment(server, messages);
    }

    /// <summary>
    /// A Dovecot for a crowd (<c>--crowd</c>, <c>--shutdown</c>): <paramref name="users"/> accounts that all hold the same
    /// <paramref name="messageCount"/> generated messages (one set of files, hard-linked into every Maildir), with room
    /// for <paramref name="maxSessions"/> sessions open at once.
    /// </summary>
    public static async Task<BenchEnvironment> StartCrowdAsync(IReadOnlyList<string> users, int messageCount, int maxSessions)
    {
        var clock = Stopwatch.StartNew();
        var messages = new MailboxBuilder().AddMany(messageCount, FirstDate, TimeSpan.FromMinutes(7), Mixed).Messages;
        var server = await DovecotServer.StartAsync(new DovecotServerOptions { MaxSessions = maxSessions });
        try
        {
            server.AddUsersSharingMessages([.. users.Select(user => new DovecotUser(user, Password))], new MailboxBuilder().AddRange(messages));
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }

        Console.WriteLine($"Dovecot started ({server}, PID {server.ProcessId}) with {users.Count} mailboxes of {messageCount} messages in {clock.Elapsed.TotalSeconds:0.0} s.");
        return new BenchEnvironment(server, messages);
    }

    /// <summary>The account whose mailbox holds <paramref name="size"/> messages.</summary>
    public static string MailboxUser(int size) => "box" + size.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>
    /// Lists each mailbox once (plain port, raw socket, four at a time), so Dovecot's indexes exist and the files are in
    /// the page cache before anything is timed.
    /// </summary>
    public Task WarmAsync(IReadOnlyList<string> users, int messageCount) =>
        Parallel.ForEachAsync(users, new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (user, _) =>
        {
            var listed = await RawPipelinedContender.ListAllAsync(Endpoint(user, tls: false), messageCount);
            if (listed != messageCount)
            {
                throw new InvalidOperationException($"Warming {user}: listed {listed} of {messageCount}.");
            }
        });

    public PopEndpoint Endpoint(string user, bool tls) =>
        new(Server.Host, tls ? Server.TlsPort : Server.Port, tls, Server.Certificate.Certificate, user, Password);

    public ValueTask DisposeAsync() => Server.DisposeAsync();

    /// <summary>Mostly plain ASCII mail, every tenth message Russian in a rotating charset (RFC 2047 encoded words).</summary>
    private static TestMessage Mixed(int number, DateTimeOffset date) => number % 10 == 3
        ? MessageFactory.Russian((RussianCharset)(number / 10 % 3), date)
        : MessageFactory.Numbered(number, date);
}
