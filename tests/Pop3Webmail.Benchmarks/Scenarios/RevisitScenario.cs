using System.Diagnostics;
using System.Globalization;
using Pop3Webmail.Benchmarks.Contenders;
using Pop3Webmail.Benchmarks.Reporting;
using Pop3Webmail.Benchmarks.Shaping;
using Pop3Webmail.Testing;

namespace Pop3Webmail.Benchmarks.Scenarios;

/// <summary>
/// Scenario 9 (issue 11): the web app's session service over the shaped link, on a first visit and on a revisit whose
/// mailbox state store (SQLite, a folder of each measurement's own) is warm, after new mail was delivered in between.
/// Every contender's run stands alone, so the rounds can rotate: a first visit starts from an empty store; a revisit
/// first fills its store with an untimed complete visit over the loopback, then gets <see cref="NewMessages"/>
/// delivered into the Maildir (tmp/ then new/, as a delivery agent does), signs in through the proxy (timed), and
/// afterwards deletes the new ones again (DELE, QUIT), so every run sees the same mailbox. The peers are the raw socket
/// listing everything, MailKit listing everything, and the raw socket doing the least a revisit needs.
/// </summary>
internal static class RevisitScenario
{
    /// <summary>Messages delivered between the first visit and the revisit.</summary>
    public const int NewMessages = 20;

    public static async Task RunAsync(BenchEnvironment environment, BenchmarkPlan plan, ResultReport report, ShapedLinkProxy proxy)
    {
        var size = plan.ShapedListingSize;
        var mailbox = await RevisitMailbox.CreateAsync(environment, size);
        var shaped = environment.Endpoint(mailbox.User, tls: true) with { Port = proxy.Port };
        Console.WriteLine($"Session first visit and revisit ({NewMessages} new) of a {size}-message mailbox, TLS, shaped {proxy.Shape}, {plan.Repetitions} rounds…");

        var firstVisitFirstPage = new List<double>();
        var revisitFirstPage = new List<double>();
        var revisitTops = new List<int>();
        var samples = await Contest.RunAsync(
            plan.Repetitions,
            new Contender("ours, first visit", () => FirstVisitAsync(environment, proxy, mailbox, firstVisitFirstPage)),
            new Contender("ours, revisit", () => RevisitAsync(environment, proxy, mailbox, revisitFirstPage, revisitTops)),
            new Contender("raw", async () =>
            {
                var clock = Stopwatch.StartNew();
                var listed = await RawPipelinedContender.ListAllAsync(shaped, size, clock);
                return Checked(listed, size, "The raw socket", clock);
            }),
            new Contender("MailKit", async () =>
            {
                var clock = Stopwatch.StartNew();
                var listed = await MailKitContender.ListAllSummariesAsync(shaped, clock);
                return Checked(listed, size, "MailKit", clock);
            }),
            new Contender("raw minimal revisit", async () =>
            {
                var clock = Stopwatch.StartNew();
                await using var connection = await RawPipelinedContender.MinimalFirstPageAsync(shaped, NewMessages);
                return clock.Elapsed.TotalSeconds;
            }));
        var (firstVisit, revisit, raw, mailKit, rawRevisit) = (samples[0], samples[1], samples[2], samples[3], samples[4]);

        // Contest runs every contender once untimed before the rounds: the first entry of each side list is that warm-up.
        var firstPageFirstVisit = Timed(firstVisitFirstPage);
        var firstPageRevisit = Timed(revisitFirstPage);
        var tops = string.Join('/', revisitTops.Skip(1));
        var label = BenchmarkPlan.Label(size);
        var link = $"TLS, shaped {proxy.Shape}";
        var revisitName = $"session revisit, {label} mailbox + {NewMessages} new, warm store ({link})";
        var firstName = $"session first visit, {label} mailbox ({link})";
        report.Add(ResultRow.Compare(revisitName + ": complete inbox", revisit, "raw pipelined socket listing everything", raw, "s", "ours ≤ 0.25 × raw",
            static (o, p) => o <= 0.25 * p, $"sign-in until every row shows; TOP per revisit (Dovecot log): {tops}"));
        report.Add(ResultRow.Compare(revisitName + ": complete inbox", revisit, "ours, first visit (complete inbox)", firstVisit, "s", "ours ≤ 0.2 × first visit",
            static (o, p) => o <= 0.2 * p));
        report.Add(ResultRow.Compare(revisitName + ": sign-in to first page", firstPageRevisit, "MailKit 4.18.2 listing everything", mailKit, "s", "ours ≤ 0.15 × MailKit",
            static (o, p) => o <= 0.15 * p));
        report.Add(ResultRow.Compare(revisitName + ": complete inbox", revisit, $"raw minimal revisit (CAPA, AUTH PLAIN, STAT+LIST+UIDL, TOP for the {NewMessages} newest)", rawRevisit, "s",
            SessionScenarios.Reference, met: null, "the least any client must do to know the whole mailbox and read the new mail"));
        report.Add(ResultRow.Compare(firstName + ": complete inbox", firstVisit, "raw pipelined socket listing everything", raw, "s", "ours/raw ≤ 1.1",
            static (o, p) => o <= 1.1 * p, string.Create(CultureInfo.InvariantCulture, $"ours: sign-in until the background loader has every row; first page after {firstPageFirstVisit.Median * 1000:0} ms (median)")));
        report.Add(ResultRow.Compare(firstName + ": complete inbox", firstVisit, "MailKit 4.18.2 listing everything", mailKit, "s", SessionScenarios.Reference, met: null,
            "the peer users would pick"));
    }

    /// <summary>A first visit (empty store) through the proxy: returns sign-in to complete inbox; the first page goes to <paramref name="firstPage"/>.</summary>
    private static async Task<double> FirstVisitAsync(BenchEnvironment environment, ShapedLinkProxy proxy, RevisitMailbox mailbox, List<double> firstPage)
    {
        var state = SessionHost.NewStateDirectory();
        try
        {
            using var host = new SessionHost(environment, proxy.Port, state);
            var (toFirstPage, toComplete) = await VisitAsync(host, mailbox, mailbox.Size, expectedNew: 0);
            firstPage.Add(toFirstPage);
            return toComplete;
        }
        finally
        {
            SessionHost.DeleteStateDirectory(state);
        }
    }

    /// <summary>
    /// A complete first visit over the loopback (untimed), <see cref="NewMessages"/> delivered, then the revisit through
    /// the proxy (timed), and the new mail deleted again. The revisit's TOP count (Dovecot's logout line) goes to
    /// <paramref name="tops"/>.
    /// </summary>
    private static async Task<double> RevisitAsync(BenchEnvironment environment, ShapedLinkProxy proxy, RevisitMailbox mailbox, List<double> firstPage, List<int> tops)
    {
        var state = SessionHost.NewStateDirectory();
        try
        {
            using (var loopback = new SessionHost(environment, port: null, state))
            {
                await VisitAsync(loopback, mailbox, mailbox.Size, expectedNew: 0);
            }

            mailbox.DeliverNew();
            var before = mailbox.EndedSessions();
            double toComplete;
            using (var host = new SessionHost(environment, proxy.Port, state))
            {
                (var toFirstPage, toComplete) = await VisitAsync(host, mailbox, mailbox.Size + NewMessages, expectedNew: NewMessages);
                firstPage.Add(toFirstPage);
            }

            tops.Add((await mailbox.NextEndedSessionAsync(before)).Top);
            await mailbox.DeleteNewAsync();
            return toComplete;
        }
        finally
        {
            SessionHost.DeleteStateDirectory(state);
        }
    }

    /// <summary>Signs in, waits for every row, checks the inbox, signs out (QUIT, off the clock); returns both times.</summary>
    private static async Task<(double FirstPage, double Complete)> VisitAsync(SessionHost host, RevisitMailbox mailbox, int expectedCount, int expectedNew)
    {
        double firstPage;
        double complete;
        await using (var session = host.OpenSession())
        {
            var clock = Stopwatch.StartNew();
            await session.SignInAsync(mailbox.User);
            firstPage = clock.Elapsed.TotalSeconds;
            await session.WaitUntilFullyLoadedAsync(SessionScenarios.LoadTimeout);
            complete = clock.Elapsed.TotalSeconds;
            var rows = session.Mailbox.Messages;
            var marked = rows.Count(m => session.Mailbox.IsNew(m.Key));
            if (rows.Count != expectedCount || marked != expectedNew)
            {
                throw new InvalidOperationException($"The session showed {rows.Count} rows ({marked} marked new), expected {expectedCount} ({expectedNew} new).");
            }
        }

        return (firstPage, complete);
    }

    private static double Checked(int listed, int expected, string who, Stopwatch clock) => listed == expected
        ? clock.Elapsed.TotalSeconds
        : throw new InvalidOperationException($"{who} listed {listed} of {expected}: the measurement would be meaningless.");

    private static Samples Timed(List<double> values)
    {
        var samples = new Samples();
        foreach (var value in values.Skip(1))
        {
            samples.Add(value);
        }

        return samples;
    }

    /// <summary>
    /// The scenario's own account on the run's Dovecot (the first <c>size</c> generated messages), listed once so
    /// Dovecot's index exists before anything is timed; new mail is delivered into it and deleted again.
    /// </summary>
    private sealed class RevisitMailbox
    {
        private readonly BenchEnvironment _environment;
        private readonly TestMessage[] _newMail;

        private RevisitMailbox(BenchEnvironment environment, string user, int size)
        {
            _environment = environment;
            User = user;
            Size = size;
            var last = environment.Messages[size - 1].Date;
            _newMail = [.. Enumerable.Range(1, NewMessages).Select(i => MessageFactory.Numbered(size + i, last + TimeSpan.FromMinutes(7 * i)))];
        }

        public string User { get; }

        public int Size { get; }

        public static async Task<RevisitMailbox> CreateAsync(BenchEnvironment environment, int size)
        {
            var user = "revisit" + size.ToString(CultureInfo.InvariantCulture);
            environment.Server.AddUser(new DovecotUser(user, BenchEnvironment.Password, new MailboxBuilder().AddRange(environment.Messages.Take(size))));
            var listed = await RawPipelinedContender.ListAllAsync(environment.Endpoint(user, tls: false), size);
            return listed == size ? new RevisitMailbox(environment, user, size) : throw new InvalidOperationException($"Warming {user}: listed {listed} of {size}.");
        }

        public void DeliverNew() => _environment.Server.Deliver(User, _newMail);

        /// <summary>Deletes every message past the first <see cref="Size"/> (DELE, then QUIT commits it, RFC 1939 §6).</summary>
        public async Task DeleteNewAsync()
        {
            await using var client = await OurContender.SignInAsync(_environment.Endpoint(User, tls: false));
            var count = (await client.StatAsync()).MessageCount;
            await client.DeleteAsync([.. Enumerable.Range(Size + 1, count - Size)]);
            await client.QuitAsync();
        }

        /// <summary>Ids of this account's sessions that Dovecot has logged as ended so far.</summary>
        public HashSet<string> EndedSessions() =>
            [.. _environment.Server.ReadSessions().Where(s => s.User == User && s.Ended).Select(static s => s.SessionId)];

        /// <summary>The first session of this account to end after <paramref name="before"/> was taken (the log is polled, bounded).</summary>
        public Task<DovecotSession> NextEndedSessionAsync(HashSet<string> before) =>
            _environment.Server.WaitForSessionAsync(s => s.User == User && s.Ended && !before.Contains(s.SessionId));
    }
}
