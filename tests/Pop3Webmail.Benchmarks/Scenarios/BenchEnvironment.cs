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

    /// <summary>The account whose mailbox holds <paramref name="size"/> messages.</summary>
    public static string MailboxUser(int size) => "box" + size.ToString(System.Globalization.CultureInfo.InvariantCulture);

    public PopEndpoint Endpoint(string user, bool tls) =>
        new(Server.Host, tls ? Server.TlsPort : Server.Port, tls, Server.Certificate.Certificate, user, Password);

    public ValueTask DisposeAsync() => Server.DisposeAsync();

    /// <summary>Mostly plain ASCII mail, every tenth message Russian in a rotating charset (RFC 2047 encoded words).</summary>
    private static TestMessage Mixed(int number, DateTimeOffset date) => number % 10 == 3
        ? MessageFactory.Russian((RussianCharset)(number / 10 % 3), date)
        : MessageFactory.Numbered(number, date);
}
