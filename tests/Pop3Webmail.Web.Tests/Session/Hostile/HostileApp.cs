using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Time.Testing;
using Pop3Webmail.DemoServer;
using Pop3Webmail.Pop3;
using Pop3Webmail.Testing;
using Pop3Webmail.Testing.Hostile;
using Pop3Webmail.Web.Configuration;
using Pop3Webmail.Web.Session;
using Pop3Webmail.Web.Tests.Support;

namespace Pop3Webmail.Web.Tests.Session.Hostile;

/// <summary>
/// One instance of the app's session services (the production classes, wired by <see cref="SessionHarness"/>) with two
/// users: the victim, who typed a server of their own that turns out to be hostile, and a bystander on the configured,
/// well-behaved demo server. The hostile clients run on a fake clock of their own, which only the trickle test moves:
/// elsewhere no library deadline can fire, so whatever ends an attack is a bound.
/// </summary>
internal sealed class HostileApp : IAsyncDisposable
{
    public const string HostileHost = "hostile.example";

    /// <summary>Managed heap growth any attack may cause, the bystander's work during it included.</summary>
    public const long HeapBudget = 64L * 1024 * 1024;

    /// <summary>How long a test waits for an outcome before it calls the attack a hang (not a speed limit).</summary>
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private HostileApp(HostileMailbox mailbox, HostileAttack attack, MailOptions? options)
    {
        Server = HostilePop3Server.Start(c => mailbox.ServeAsync(c, attack));
        Demo = TestMailboxes.Start(3);
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 3, 2, 9, 0, 0, TimeSpan.Zero));
        Connector = new HostileConnector(Server.Port, time);
        Harness = new SessionHarness(
            new MailServer(SessionHarness.ServerId, "Demo", Demo.Host, Demo.Port, Pop3Security.None, AllowPlaintextAuthentication: true),
            new MailOptions
            {
                RememberMailbox = false,
                AllowCustomServer = true,
                LargeMessageThreshold = options?.LargeMessageThreshold ?? new MailOptions().LargeMessageThreshold,
            },
            connector: Connector);
        Time = time;
        Victim = Harness.CreateSession("198.51.100.7", "victim-browser");
        Bystander = Harness.CreateSession("192.0.2.20", "bystander-browser");
    }

    public HostilePop3Server Server { get; }

    public DemoPop3Server Demo { get; }

    public HostileConnector Connector { get; }

    public SessionHarness Harness { get; }

    /// <summary>The hostile clients' clock.</summary>
    public FakeTimeProvider Time { get; }

    public MailboxSession Victim { get; }

    public MailboxSession Bystander { get; }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static HostileApp Start(HostileMailbox mailbox, HostileAttack attack, MailOptions? options = null) => new(mailbox, attack, options);

    public Task<SignInResult> SignInVictimAsync() =>
        Victim.SignInAsync(new SignInRequest("victim", "victim-secret", string.Empty, HostileHost, Pop3ClientOptions.DefaultPort), Ct);

    /// <summary>Signs the victim in on a server that has not attacked yet, and waits for the background listing.</summary>
    public async Task SignInVictimFullyAsync()
    {
        var result = await SignInVictimAsync();
        Assert.True(result.Succeeded, $"The victim's sign-in failed before any attack: {result.Error}.");
        await Victim.CurrentVisit!.LoaderCompletion.WaitAsync(Patience, Ct);
    }

    /// <summary>
    /// The bystander (signed in on first use) opens demo message <paramref name="number"/> and downloads it raw: the
    /// parsed subject and every byte must be the demo server's.
    /// </summary>
    public async Task BystanderReadsAsync(int number)
    {
        if (Bystander.Account is null)
        {
            var result = await Bystander.SignInAsync(SessionHarness.Demo(), Ct);
            Assert.True(result.Succeeded, $"The bystander could not sign in: {result.Error}.");
        }

        var key = Bystander.Messages.Single(m => m.Subject == TestMailboxes.Subject(number)).Key;
        using (var opened = await Bystander.OpenMessageAsync(key, Ct))
        {
            Assert.Equal(TestMailboxes.Subject(number), opened.Read(static m => m.Subject));
        }

        using var raw = new MemoryStream();
        await DownloadAsync(Bystander, DownloadTarget.RawMessage(key), raw);
        Assert.Equal(Demo.GetMessages(DemoPop3Server.DemoUserName)[number - 1].Content.ToArray(), raw.ToArray());
    }

    /// <summary>What the download endpoint does with a link, short of HTTP: redeem it, open the source, write the bytes.</summary>
    public async Task DownloadAsync(MailboxSession session, DownloadTarget target, Stream destination)
    {
        var link = session.CreateDownloadLink(target);
        var ticket = Harness.Downloads.Redeem(link["download/".Length..]);
        Assert.NotNull(ticket);
        var content = await ticket.Owner.OpenDownloadAsync(ticket.Target, Ct);
        Assert.NotNull(content);
        await using (content)
        {
            await content.WriteToAsync(destination, Ct);
        }
    }

    /// <summary>
    /// Runs an attack while sampling the managed heap: when it has a <paramref name="pause"/>, the bystander signs in
    /// and reads a message while the attack is held there. Returns what the user got, with the peak heap growth and the
    /// wall time to it (the hold left out), written to the test output as a table row: attack, outcome, connections
    /// attacked, peak heap growth, bytes allocated, time to the error, bytes the app read, bytes the server wrote. The
    /// heap growth must stay within <see cref="HeapBudget"/>.
    /// </summary>
    public async Task<AttackOutcome<T>> MeasureAsync<T>(string attack, AttackPause? pause, Func<Task<T>> run)
    {
        ArgumentNullException.ThrowIfNull(run);
        var readBefore = Connector.BytesRead;
        var writtenBefore = Server.BytesWritten;
        var clock = new Stopwatch();
        var held = new Stopwatch();
        var result = default(T);
        Exception? error = null;
        (long PeakGrowth, long Allocated) memory;
        using (var sampler = new ManagedMemorySampler())
        {
            clock.Start();
            var running = run();
            if (pause is not null)
            {
                await Task.WhenAny(running, pause.Reached).WaitAsync(Patience, Ct);
                Assert.True(pause.Reached.IsCompleted, "The attack ended before the bystander could be served during it.");
                held.Start();
                await BystanderReadsAsync(3);
                pause.Resume();
                held.Stop();
            }

            // A hang fails here with a TimeoutException; whatever the attack itself ends with is its outcome.
            await Task.WhenAny(running).WaitAsync(Patience, Ct);
            try
            {
                result = await running;
            }
            catch (Exception ex)
            {
                error = ex;
            }

            clock.Stop();
            memory = sampler.Stop();
        }

        // The time to the error leaves out the hold, while the bystander was served.
        var outcome = new AttackOutcome<T>(result, error, memory.PeakGrowth, clock.Elapsed - held.Elapsed, Connector.BytesRead - readBefore);
        TestContext.Current.TestOutputHelper?.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| {attack} | {outcome.Describe()} | {(pause is null ? "-" : pause.Attacks + "x")} | {memory.PeakGrowth / 1048576.0:0.0} MiB | {memory.Allocated / 1048576.0:0.0} MiB | {outcome.Elapsed.TotalMilliseconds:0} ms | {outcome.BytesRead:N0} B | {Server.BytesWritten - writtenBefore:N0} B |"));
        Assert.InRange(memory.PeakGrowth, long.MinValue, HeapBudget);
        return outcome;
    }

    /// <summary>Every connection the attack struck was hung up on (nothing is left writing), and the bystander is still served.</summary>
    public async Task AssertAttackOverAsync(AttackPause pause)
    {
        ArgumentNullException.ThrowIfNull(pause);
        await pause.AttacksEnded.WaitAsync(Patience, Ct);
        await BystanderReadsAsync(1);
    }

    public async ValueTask DisposeAsync()
    {
        await Harness.DisposeAsync();
        await Demo.DisposeAsync();
        await Server.DisposeAsync();
    }
}

/// <summary>What the user got from an attack: a result (sign-in) or an error (a command), and what it cost.</summary>
internal sealed record AttackOutcome<T>(T? Result, Exception? Error, long PeakGrowth, TimeSpan Elapsed, long BytesRead)
{
    /// <summary>The sign-in was refused with <paramref name="expected"/>, and nothing was thrown at the page.</summary>
    public void AssertSignInRefused(SignInError expected)
    {
        Assert.Null(Error);
        Assert.Equal(expected, Assert.IsType<SignInResult>(Result).Error);
    }

    /// <summary>The command failed with the one exception views catch, of the kind <paramref name="expected"/>.</summary>
    public MailboxException AssertMailboxError(MailboxErrorKind expected)
    {
        var error = Assert.IsType<MailboxException>(Error);
        Assert.Equal(expected, error.Kind);
        return error;
    }

    public string Describe() => Error switch
    {
        MailboxException mailbox => "MailboxException " + mailbox.Kind + " (" + mailbox.InnerException?.GetType().Name + ")",
        { } other => "unexpected " + other.GetType().Name,
        null => Result is SignInResult signIn ? "SignInResult " + signIn.Error : "no error",
    };
}
