using System.Globalization;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Pop3Webmail.DemoServer;
using Pop3Webmail.Pop3;
using Pop3Webmail.Web.Configuration;
using Pop3Webmail.Web.Session;
using Pop3Webmail.Web.Tests.Support;

namespace Pop3Webmail.Web.Tests.Session;

/// <summary>
/// One seeded random run of the model-based session test: real sessions (the production classes) against the demo
/// server over in-memory connections, driven through random sign-ins, opens, deletions, undos, mail checks, dropped
/// connections, other clients deleting and delivering mail, take-over attempts with wrong and right passwords,
/// reloads, closed and crashed tabs, sign-outs and app stops. The model is what the user was shown and asked for:
/// the subjects on the server, and per tab the subjects the user marked. After every step it checks that
/// <list type="bullet">
/// <item>the server changed only by what the user committed (a subset of what the tab showed as pending) or what
/// another client did — no wrong deletion, no lost mail;</item>
/// <item>a tab never shows as pending a message the user did not mark;</item>
/// <item>a marked message stops being pending only when the user undid it, when it is gone from the server, or after a
/// reconnect when copies of it were delivered (its identity cannot be proven, so it is dropped, never guessed);</item>
/// <item>an opened message is the one whose row was clicked;</item>
/// </list>
/// and at the end that no POP3 session is left holding the maildrop.
/// </summary>
internal sealed class SessionScenario : IAsyncDisposable
{
    private const string User = "alice";
    private const string Password = "alice-secret";
    private const int MaxTabs = 3;
    private const int MaxWrongPasswords = 3;
    private static readonly TimeSpan Grace = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    private readonly Random _random;
    private readonly int _seed;
    private readonly StringBuilder _log = new();
    private readonly DemoPop3Server _server;
    private readonly SessionHarness _harness;
    private readonly FakeLoggerProvider _logs = new();
    private readonly ILoggerFactory _loggerFactory;
    private readonly List<Tab> _tabs = [];
    private readonly Dictionary<string, string> _subjectByUid = new(StringComparer.Ordinal);
    private readonly List<DemoMessage> _originals = [];
    private readonly HashSet<string> _twinned = new(StringComparer.Ordinal);
    private readonly List<string> _expected;
    private int _nextMessage;
    private int _nextBrowser;
    private int _wrongPasswords;

    public SessionScenario(int seed)
    {
        _seed = seed;
        _random = new Random(seed);
        var messages = new List<DemoMessage>();
        for (var i = _random.Next(2, 8); i > 0; i--)
        {
            messages.Add(NewMessage(twinAllowed: messages.Count > 0));
        }

        var uidl = _random.Next(10) switch
        {
            < 6 => DemoUidlMode.Unique,
            < 8 => DemoUidlMode.None,
            _ => DemoUidlMode.Colliding,
        };
        var exclusive = _random.Next(2) == 0;
        var remember = _random.Next(20) == 0;
        Log($"mailbox of {messages.Count} ({string.Join(", ", messages.Select(m => _subjectByUid[m.Uid]))}), UIDL {uidl}, exclusive lock {exclusive}, remembered between visits {remember}");
        _server = DemoPop3Server.Start(new DemoPop3ServerOptions
        {
            Accounts = [new DemoPop3Account(User, Password, new DemoMailbox(messages)) { Uidl = uidl }],
            ExclusiveLock = exclusive,
        });
        _loggerFactory = LoggerFactory.Create(b => b.AddProvider(_logs).SetMinimumLevel(LogLevel.Debug));
        _harness = new SessionHarness(
            new MailServer(SessionHarness.ServerId, "Test", _server.Host, _server.Port, Pop3Security.None, AllowPlaintextAuthentication: true),
            new MailOptions
            {
                ResumeGracePeriod = Grace,

                // Some runs remember the mailbox between visits (the store's cheapest allowed key derivation keeps them fast).
                RememberMailbox = remember,
                State = new MailStateOptions { KeyDerivationIterations = 100_000 },
            },
            _loggerFactory,
            new InMemoryDemoConnector(_server, _loggerFactory));
        _expected = ServerSubjects();
    }

    private enum Step
    {
        SignIn,
        WrongPassword,
        Open,
        Delete,
        Undo,
        UndoAll,
        CheckForNewMail,
        DropConnections,
        OtherClientDeletes,
        Deliver,
        SameCountChange,
        CloseTab,
        Reload,
        SignOut,
        CrashTab,
        AppStops,
    }

    public async Task RunAsync()
    {
        try
        {
            var steps = _random.Next(6, 22);
            for (var i = 0; i < steps; i++)
            {
                var step = PickStep();
                await RunStepAsync(step);
                CheckServer();
                CheckTabs(step);
            }

            await EndEverythingAsync();
        }
        catch (Exception ex) when (ex is not ScenarioFailureException)
        {
            throw Fail("unexpected " + ex.GetType().Name + ": " + ex.Message, ex);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _harness.DisposeAsync();
        await _server.DisposeAsync();
        _loggerFactory.Dispose();
        _logs.Dispose();
    }

    private Step PickStep()
    {
        var signedIn = _tabs.Any(t => t.SignedIn);
        while (true)
        {
            var step = (Step)_random.Next(Enum.GetValues<Step>().Length);
            var possible = step switch
            {
                Step.SignIn => _tabs.Count < MaxTabs,
                Step.WrongPassword => _wrongPasswords < MaxWrongPasswords,
                Step.Open or Step.Delete or Step.Undo or Step.UndoAll or Step.CheckForNewMail or Step.CloseTab or Step.Reload
                    or Step.SignOut or Step.CrashTab => signedIn,
                Step.AppStops => signedIn && _random.Next(3) == 0,
                _ => true,
            };

            // Without a signed-in tab most steps have nothing to act on: sign in more often then.
            if (possible && (signedIn || step is Step.SignIn || _random.Next(3) == 0))
            {
                return step;
            }
        }
    }

    private async Task RunStepAsync(Step step)
    {
        var tab = _tabs.Where(t => t.SignedIn).OrderBy(_ => _random.Next()).FirstOrDefault();
        switch (step)
        {
            case Step.SignIn:
                await SignInAsync();
                break;
            case Step.WrongPassword:
                await WrongPasswordAsync();
                break;
            case Step.Open:
                await OpenAsync(tab!);
                break;
            case Step.Delete:
                await DeleteAsync(tab!);
                break;
            case Step.Undo:
                await UndoAsync(tab!);
                break;
            case Step.UndoAll:
                Log($"tab {tab!.Id}: undo all");
                tab.Commanded = tab.Session.PendingDeletions.Count > 0; // with nothing to undo, nothing is sent
                await tab.Session.UndoAllDeletionsAsync();
                tab.Marked.Clear();
                break;
            case Step.CheckForNewMail:
                await CheckForNewMailAsync(tab!);
                break;
            case Step.DropConnections:
                Log($"the network drops ({_server.Disconnect(User)} sessions cut)");
                foreach (var each in _tabs)
                {
                    each.MayHaveReconnected = true;
                }

                break;
            case Step.OtherClientDeletes:
                OtherClientDeletes();
                break;
            case Step.Deliver:
                Deliver();
                break;
            case Step.SameCountChange:
                OtherClientDeletes();
                Deliver();
                break;
            case Step.CloseTab:
                await EndTabAsync(tab!, "closes", crash: false);
                break;
            case Step.CrashTab:
                await EndTabAsync(tab!, "crashes", crash: true);
                break;
            case Step.Reload:
                await ReloadAsync(tab!);
                break;
            case Step.SignOut:
                await SignOutAsync(tab!);
                break;
            case Step.AppStops:
                await AppStopsAsync();
                break;
        }
    }

    private async Task SignInAsync()
    {
        var tab = NewTab();
        var holder = _tabs.SingleOrDefault(t => t.SignedIn && !ReferenceEquals(t, tab));
        var before = ServerSubjects();
        var pending = holder is null ? [] : PendingSubjects(holder);
        Log($"tab {tab.Id}: signs in{(holder is null ? string.Empty : $" (tab {holder.Id} holds the mailbox, pending {Show(pending)})")}");
        var result = await tab.Session.SignInAsync(new SignInRequest(User, Password, SessionHarness.ServerId));
        Require(result.Succeeded, $"sign-in failed: {result.Error}");
        var removed = Minus(before, ServerSubjects());
        if (holder is not null)
        {
            Require(holder.Session.Account is null, "the old tab is still signed in after a take-over");
            Require(holder.Session.LastSignOut is { Reason: SignOutReason.TakenOver }, $"the old tab ended as {holder.Session.LastSignOut}");
            CheckCommit(holder, pending, removed, holder.Session.LastSignOut!.DeletedCount);
            _tabs.Remove(holder);
        }
        else
        {
            Require(removed.Count == 0, $"a sign-in committed {Show(removed)}");
        }

        tab.Handle = _harness.ResumeTickets.Redeem(tab.Session.TakeResumeTicket())?.Handle;
        Require(tab.Handle is not null, "no resume handle after sign-in");
        RequireSame(ServerSubjects(), ShownSubjects(tab), "a fresh sign-in shows the server's mailbox");
    }

    private async Task WrongPasswordAsync()
    {
        _wrongPasswords++;
        var attacker = _harness.CreateSession(browserKey: "attacker-" + _wrongPasswords);
        var holders = _tabs.Where(t => t.SignedIn).Select(t => (Tab: t, Pending: PendingSubjects(t))).ToArray();
        Log("someone tries the user name with a wrong password");
        var result = await attacker.SignInAsync(new SignInRequest(User, "guess-" + _wrongPasswords, SessionHarness.ServerId));
        Require(result.Error == SignInError.InvalidCredentials, $"a wrong password gave {result.Error}");
        foreach (var (holder, pending) in holders)
        {
            Require(holder.SignedIn, $"a wrong password signed tab {holder.Id} out");
            RequireSame(pending, PendingSubjects(holder), $"a wrong password changed tab {holder.Id}'s pending deletions");
        }
    }

    private async Task OpenAsync(Tab tab)
    {
        var item = Pick(tab.Session.Messages.Where(m => !tab.Session.PendingDeletions.Contains(m.Key)));
        if (item is null)
        {
            return;
        }

        // Not a sure round trip (the open message is cached), so it does not count as having reconnected.
        Log($"tab {tab.Id}: opens {item.Subject}");
        try
        {
            using var opened = await tab.Session.OpenMessageAsync(item.Key);
            var subject = opened.Read(m => m.Subject);
            Require(subject == item.Subject, $"opening the row {item.Subject} showed {subject}");
        }
        catch (MailboxException ex) when (ex.Kind == MailboxErrorKind.MessageUnavailable && tab.MayHaveReconnected)
        {
            // The listing was replaced under the row (a reconnect): the row no longer names a message. Said, not guessed.
        }
    }

    private async Task DeleteAsync(Tab tab)
    {
        var candidates = tab.Session.Messages.Where(m => !tab.Session.PendingDeletions.Contains(m.Key)).OrderBy(_ => _random.Next()).Take(_random.Next(1, 3)).ToArray();
        if (candidates.Length == 0)
        {
            return;
        }

        Log($"tab {tab.Id}: deletes {string.Join(", ", candidates.Select(c => c.Subject))}");
        tab.Commanded = true;
        try
        {
            await tab.Session.DeleteAsync(candidates.Select(c => c.Key).ToArray());
            tab.Marked.AddRange(candidates.Select(c => c.Subject));
        }
        catch (MailboxException ex) when (ex.Kind == MailboxErrorKind.MessageUnavailable && tab.MayHaveReconnected)
        {
            // Some rows no longer named messages after a reconnect; whatever could still be proven is marked.
            tab.Marked.AddRange(candidates.Select(c => c.Subject));
        }
    }

    private async Task UndoAsync(Tab tab)
    {
        var item = Pick(tab.Session.Messages.Where(m => tab.Session.PendingDeletions.Contains(m.Key)));
        if (item is null)
        {
            return;
        }

        Log($"tab {tab.Id}: undoes {item.Subject}");
        tab.Commanded = true;
        await tab.Session.UndoDeleteAsync(item.Key);
        tab.Marked.Remove(item.Subject);
    }

    private async Task CheckForNewMailAsync(Tab tab)
    {
        var before = ServerSubjects();
        Log($"tab {tab.Id}: checks for new mail");
        tab.Commanded = true;
        tab.MayHaveReconnected = true;
        await tab.Session.CheckForNewMailAsync();
        RequireSame(before, ServerSubjects(), "checking for new mail committed something");
        RequireSame(ServerSubjects(), ShownSubjects(tab), "after checking for new mail the inbox shows the server's mailbox");
    }

    private void OtherClientDeletes()
    {
        var messages = _server.GetMessages(User);
        if (messages.Count == 0)
        {
            return;
        }

        var victim = messages[_random.Next(messages.Count)];
        Log($"another client deletes {_subjectByUid[victim.Uid]}");
        _server.Expunge(User, [victim.Uid]);
        _expected.Remove(_subjectByUid[victim.Uid]);
    }

    private void Deliver()
    {
        var message = NewMessage(twinAllowed: true);
        Log($"mail arrives: {_subjectByUid[message.Uid]}");
        _server.Deliver(User, message);
        _expected.Add(_subjectByUid[message.Uid]);
    }

    private async Task EndTabAsync(Tab tab, string how, bool crash)
    {
        var before = ServerSubjects();
        var pending = PendingSubjects(tab);
        var visit = tab.Session.CurrentVisit!;
        Log($"tab {tab.Id} {how} (pending {Show(pending)})");
        if (crash)
        {
            tab.Session.ReportUnexpectedError();
        }

        await tab.Session.OnCircuitClosedAsync();
        _harness.Time.Advance(Grace);
        var info = await visit.EndAsync(SignOutReason.CircuitClosed).WaitAsync(Patience);
        var removed = Minus(before, ServerSubjects());
        if (crash)
        {
            Require(info.Reason == SignOutReason.UnexpectedError, $"a crashed tab ended as {info}");
            Require(removed.Count == 0, $"a crashed tab committed {Show(removed)}");
        }
        else
        {
            Require(info.Reason == SignOutReason.CircuitClosed, $"a closed tab ended as {info}");
            CheckCommit(tab, pending, removed, info.DeletedCount);
        }

        _tabs.Remove(tab);
    }

    private async Task ReloadAsync(Tab tab)
    {
        var pending = PendingSubjects(tab);
        var shown = ShownSubjects(tab);
        Log($"tab {tab.Id} reloads");
        await tab.Session.OnCircuitClosedAsync();
        _harness.Time.Advance(Grace / 3);
        var reloaded = _harness.CreateSession(browserKey: tab.BrowserKey);
        Require(await reloaded.ResumeAsync(tab.Handle!), "a reload within the grace period did not take the visit back");
        tab.Session = reloaded;
        RequireSame(pending, PendingSubjects(tab), "a reload changed the pending deletions");
        RequireSame(shown, ShownSubjects(tab), "a reload changed the inbox");
    }

    private async Task SignOutAsync(Tab tab)
    {
        var before = ServerSubjects();
        var pending = PendingSubjects(tab);
        Log($"tab {tab.Id} signs out (pending {Show(pending)})");
        await tab.Session.SignOutAsync();
        var info = tab.Session.LastSignOut;
        Require(info is { Reason: SignOutReason.UserSignedOut }, $"sign-out ended as {info}");
        CheckCommit(tab, pending, Minus(before, ServerSubjects()), info!.DeletedCount);
        _tabs.Remove(tab);
    }

    private async Task AppStopsAsync()
    {
        var before = ServerSubjects();
        Log("the app stops");
        await _harness.Registry.StopAllAsync();
        RequireSame(before, ServerSubjects(), "stopping the app committed pending deletions");
        foreach (var tab in _tabs.ToArray())
        {
            Require(tab.Session.LastSignOut is { Reason: SignOutReason.ApplicationStopping } || !tab.SignedIn, $"tab {tab.Id} ended as {tab.Session.LastSignOut}");
            _tabs.Remove(tab);
        }
    }

    private async Task EndEverythingAsync()
    {
        foreach (var tab in _tabs.Where(t => t.SignedIn).ToArray())
        {
            await SignOutAsync(tab);
            CheckServer();
        }

        await _harness.Registry.StopAllAsync();
        await _server.WaitUntilAsync(s => s.OpenSessionCount == 0).WaitAsync(Patience);
        Require(_harness.Registry.Count == 0, $"{_harness.Registry.Count} visits left open");
        CheckServer();
        Log("end: " + Show(ServerSubjects()));
    }

    /// <summary>What a commit removed must be what the tab showed as pending, less only what was lost with cause.</summary>
    private void CheckCommit(Tab tab, List<string> pending, List<string> removed, int deletedCount)
    {
        Require(IsSubset(removed, pending), $"tab {tab.Id} committed {Show(removed)} but showed {Show(pending)} as pending — a wrong deletion");
        // A message another client deleted meanwhile may still be marked in this session (it saw the mailbox as it was at
        // login, RFC 1939 §8): QUIT then reports it deleted, and it is indeed gone.
        Require(deletedCount >= removed.Count && deletedCount <= pending.Count, $"tab {tab.Id} said {deletedCount} were deleted; the server lost {removed.Count} of {pending.Count} pending");
        CheckLost(tab, Minus(pending, removed), "was shown pending but not deleted at the end");
        foreach (var subject in removed)
        {
            _expected.Remove(subject);
        }
    }

    private void CheckServer() => RequireSame(_expected, ServerSubjects(), "the server's mailbox changed without the user committing it — lost mail");

    private void CheckTabs(Step step)
    {
        foreach (var tab in _tabs.Where(t => t.SignedIn))
        {
            var pending = PendingSubjects(tab);
            Require(IsSubset(pending, tab.Marked), $"tab {tab.Id} shows {Show(pending)} as pending; the user marked {Show(tab.Marked)}");
            var keys = tab.Session.Messages.Select(m => m.Key).ToArray();
            Require(keys.Distinct(StringComparer.Ordinal).Count() == keys.Length, $"tab {tab.Id} shows a key twice");
            CheckLost(tab, Minus(tab.Marked, pending), "stopped being pending");
            tab.Marked = pending;
            if (tab.Commanded && step is not Step.DropConnections)
            {
                tab.MayHaveReconnected = false;
            }

            tab.Commanded = false;
        }
    }

    /// <summary>
    /// A marked message may stop being pending without an undo only when it is gone from the server (another client
    /// deleted it), or after a reconnect when copies of it were delivered (its identity cannot be proven).
    /// </summary>
    private void CheckLost(Tab tab, List<string> lost, string what)
    {
        var onServer = ServerSubjects();
        foreach (var subject in lost.Distinct())
        {
            var there = onServer.Count(s => s == subject);
            var marked = tab.Marked.Count(s => s == subject);
            if (there < marked)
            {
                continue;
            }

            // Copies of one mail (delivered twice, possibly one deleted elsewhere and another delivered meanwhile) cannot be
            // told apart by subject here: the copy still there may be another one than the copy marked. A message that
            // never had a copy must not be dropped while it is on the server.
            Require(_twinned.Contains(subject), $"tab {tab.Id}: {subject} {what} although it is still on the server and never had a copy (its identity could be proven)");
        }
    }

    private Tab NewTab()
    {
        var id = ++_nextBrowser;
        var tab = new Tab(id, "browser-" + id.ToString(CultureInfo.InvariantCulture), _harness.CreateSession(browserKey: "browser-" + id.ToString(CultureInfo.InvariantCulture)));
        _tabs.Add(tab);
        return tab;
    }

    private DemoMessage NewMessage(bool twinAllowed)
    {
        var number = ++_nextMessage;
        if (twinAllowed && _originals.Count > 0 && _random.Next(4) == 0)
        {
            // The same mail delivered twice: identical bytes, so identical size and headers.
            var original = _originals[_random.Next(_originals.Count)];
            var twin = DemoMessage.Create("m" + number.ToString("D4", CultureInfo.InvariantCulture), original.Content.Span);
            _subjectByUid[twin.Uid] = _subjectByUid[original.Uid];
            _twinned.Add(_subjectByUid[original.Uid]);
            return twin;
        }

        var subject = "S" + number.ToString(CultureInfo.InvariantCulture);
        var text = "From: Sender <sender@example.test>\r\n"
            + "To: alice@example.test\r\n"
            + "Subject: " + subject + "\r\n"
            + "Date: Mon, 02 Mar 2026 09:00:00 +0000\r\n"
            + "Message-ID: <" + number.ToString(CultureInfo.InvariantCulture) + "@example.test>\r\n\r\n"
            + new string('x', _random.Next(2) == 0 ? 10 : 11) + "\r\n";
        var message = DemoMessage.Create("m" + number.ToString("D4", CultureInfo.InvariantCulture), Encoding.UTF8.GetBytes(text));
        _subjectByUid[message.Uid] = subject;
        _originals.Add(message);
        return message;
    }

    private List<string> ServerSubjects() => [.. _server.GetMessages(User).Select(m => _subjectByUid[m.Uid])];

    private static List<string> ShownSubjects(Tab tab) => [.. tab.Session.Messages.Select(m => m.Subject)];

    private static List<string> PendingSubjects(Tab tab) =>
        [.. tab.Session.Messages.Where(m => tab.Session.PendingDeletions.Contains(m.Key)).Select(m => m.Subject)];

    private T? Pick<T>(IEnumerable<T> items)
        where T : class
    {
        var all = items.ToArray();
        return all.Length == 0 ? null : all[_random.Next(all.Length)];
    }

    private static List<string> Minus(List<string> from, List<string> take)
    {
        var rest = new List<string>(from);
        foreach (var item in take)
        {
            rest.Remove(item);
        }

        return rest;
    }

    private static bool IsSubset(List<string> part, List<string> whole) => Minus(part, whole).Count == 0;

    private static string Show(IEnumerable<string> subjects) => "[" + string.Join(", ", subjects.Order(StringComparer.Ordinal)) + "]";

    private void RequireSame(List<string> expected, List<string> actual, string what) =>
        Require(Show(expected) == Show(actual), $"{what}: expected {Show(expected)}, got {Show(actual)}");

    private void Require(bool condition, string message)
    {
        if (!condition)
        {
            throw Fail(message, null);
        }
    }

    private ScenarioFailureException Fail(string message, Exception? inner) =>
        new($"seed {_seed}: {message}\nReplay with POP3WEBMAIL_MODEL_SEED={_seed} POP3WEBMAIL_MODEL_SEQUENCES=1.\nSteps:\n{_log}\nLog:\n"
            + string.Join("\n", _logs.Collector.GetSnapshot().Select(r => $"  {r.Category?.Split('.')[^1]}: {r.Message}")), inner);

    private void Log(string line) => _log.Append("  ").AppendLine(line);

    private sealed class Tab(int id, string browserKey, MailboxSession session)
    {
        public int Id { get; } = id;

        public string BrowserKey { get; } = browserKey;

        public MailboxSession Session { get; set; } = session;

        public string? Handle { get; set; }

        /// <summary>The subjects the user marked and has not undone (what the tab should show as pending).</summary>
        public List<string> Marked { get; set; } = [];

        /// <summary>The connection may have been replaced since the last check (a drop, a mail check).</summary>
        public bool MayHaveReconnected { get; set; }

        /// <summary>A command that talks to the server ran on this tab during the step (so any due reconnect has happened).</summary>
        public bool Commanded { get; set; }

        public bool SignedIn => Session.Account is not null;
    }
}

/// <summary>A model-based run found the session breaking a promise; the message has the seed and the steps.</summary>
internal sealed class ScenarioFailureException(string message, Exception? innerException) : Exception(message, innerException);
