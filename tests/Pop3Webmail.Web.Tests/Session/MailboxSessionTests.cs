using Pop3Webmail.DemoServer;
using Pop3Webmail.Web.Configuration;
using Pop3Webmail.Web.Session;
using Pop3Webmail.Web.Session.Visit;
using Pop3Webmail.Web.Tests.Support;

namespace Pop3Webmail.Web.Tests.Session;

/// <summary>The per-circuit session against the in-process demo server: sign-in, listing, deletion, QUIT.</summary>
public sealed class MailboxSessionTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task SignInShowsTheNewestFiftyFirstAndLoadsTheRestInTheBackground()
    {
        await using var demo = TestMailboxes.Start(320);
        await using var harness = SessionHarness.ForDemo(demo);
        var session = harness.CreateSession();

        var result = await session.SignInAsync(SessionHarness.Demo(), TestContext.Current.CancellationToken);

        Assert.True(result.Succeeded);
        Assert.Equal(MailboxSessionStatus.Ready, session.Status);
        Assert.True(session.Messages.Count >= InboxLoader.FirstPageSize);
        Assert.Equal(TestMailboxes.Subject(320), session.Messages[0].Subject);
        Assert.Equal(320, session.Progress.Total);

        await session.CurrentVisit!.LoaderCompletion.WaitAsync(Patience, TestContext.Current.CancellationToken);
        Assert.True(session.Progress.IsComplete);
        Assert.Equal(Enumerable.Range(1, 320).Reverse().Select(TestMailboxes.Subject), session.Messages.Select(m => m.Subject));
        Assert.Equal(320, session.Statistics.MessageCount);
    }

    [Fact]
    public async Task SignInReportsTheAccountAndSignOutSendsQuit()
    {
        await using var demo = TestMailboxes.Start(3);
        await using var harness = SessionHarness.ForDemo(demo);
        var session = harness.CreateSession();
        await session.SignInAsync(SessionHarness.Demo(), TestContext.Current.CancellationToken);
        Assert.Equal(new MailboxAccount(DemoPop3Server.DemoUserName, SessionHarness.ServerId, SessionHarness.ServerId, false), session.Account);

        await session.SignOutAsync(TestContext.Current.CancellationToken);

        Assert.Null(session.Account);
        Assert.Equal(MailboxSessionStatus.SignedOut, session.Status);
        Assert.Equal(SignOutReason.UserSignedOut, session.LastSignOut?.Reason);
        Assert.Equal(1, demo.QuitCount);
        Assert.Empty(session.Messages);
    }

    [Fact]
    public async Task DeletionIsPendingUntilSignOutAndQuitCommitsIt()
    {
        await using var demo = TestMailboxes.Start(5);
        await using var harness = SessionHarness.ForDemo(demo);
        var session = harness.CreateSession();
        await session.SignInAsync(SessionHarness.Demo(), TestContext.Current.CancellationToken);
        var newest = session.Messages[0].Key;
        var oldest = session.Messages[^1].Key;

        await session.DeleteAsync([newest, oldest], TestContext.Current.CancellationToken);

        Assert.Equal(new HashSet<string> { newest, oldest }, session.PendingDeletions);
        Assert.Equal(3, session.Statistics.MessageCount);
        Assert.Equal(5, demo.GetMessages(DemoPop3Server.DemoUserName).Count); // not before QUIT (RFC 1939 §6)

        await session.SignOutAsync(TestContext.Current.CancellationToken);

        Assert.Equal(2, session.LastSignOut?.DeletedCount);
        Assert.Equal(
            [TestMailboxes.Subject(2), TestMailboxes.Subject(3), TestMailboxes.Subject(4)],
            demo.GetMessages(DemoPop3Server.DemoUserName).Select(m => SubjectOf(m)));
    }

    [Fact]
    public async Task UndoOneResetsAndMarksTheOthersAgain()
    {
        await using var demo = TestMailboxes.Start(4);
        await using var harness = SessionHarness.ForDemo(demo);
        var session = harness.CreateSession();
        await session.SignInAsync(SessionHarness.Demo(), TestContext.Current.CancellationToken);
        var keys = session.Messages.Select(m => m.Key).ToArray();
        await session.DeleteAsync([keys[0], keys[1]], TestContext.Current.CancellationToken);

        await session.UndoDeleteAsync(keys[0], TestContext.Current.CancellationToken);

        Assert.Equal(new HashSet<string> { keys[1] }, session.PendingDeletions);
        var commands = demo.Sessions.Single().Commands;
        Assert.Equal(["DELE 4", "DELE 3", "RSET", "DELE 3"], commands.Where(c => c.StartsWith("DELE", StringComparison.Ordinal) || c == "RSET"));
        await session.SignOutAsync(TestContext.Current.CancellationToken);
        Assert.DoesNotContain(TestMailboxes.Subject(3), demo.GetMessages(DemoPop3Server.DemoUserName).Select(SubjectOf));
        Assert.Contains(TestMailboxes.Subject(4), demo.GetMessages(DemoPop3Server.DemoUserName).Select(SubjectOf));
    }

    [Fact]
    public async Task UndoAllLeavesTheMailboxUntouched()
    {
        await using var demo = TestMailboxes.Start(3);
        await using var harness = SessionHarness.ForDemo(demo);
        var session = harness.CreateSession();
        await session.SignInAsync(SessionHarness.Demo(), TestContext.Current.CancellationToken);
        await session.DeleteAsync(session.Messages.Select(m => m.Key).ToArray(), TestContext.Current.CancellationToken);

        await session.UndoAllDeletionsAsync(TestContext.Current.CancellationToken);
        await session.SignOutAsync(TestContext.Current.CancellationToken);

        Assert.Empty(session.PendingDeletions);
        Assert.Equal(3, demo.GetMessages(DemoPop3Server.DemoUserName).Count);
        Assert.Equal(0, session.LastSignOut?.DeletedCount);
    }

    [Fact]
    public async Task ReadOnlyMailboxNeverSendsDele()
    {
        await using var demo = TestMailboxes.Start(3);
        await using var harness = SessionHarness.ForDemo(demo, new MailOptions { ReadOnly = true });
        var session = harness.CreateSession();
        await session.SignInAsync(SessionHarness.Demo(), TestContext.Current.CancellationToken);
        Assert.True(session.Account!.ReadOnly);

        await Assert.ThrowsAsync<MailboxException>(() => session.DeleteAsync([session.Messages[0].Key], TestContext.Current.CancellationToken));
        await session.CheckForNewMailAsync(TestContext.Current.CancellationToken);
        await session.SignOutAsync(TestContext.Current.CancellationToken);

        Assert.DoesNotContain(demo.Sessions.SelectMany(s => s.Commands), c => c.StartsWith("DELE", StringComparison.Ordinal));
        Assert.Equal(3, demo.GetMessages(DemoPop3Server.DemoUserName).Count);
    }

    [Fact]
    public async Task OpeningAMessageRetrievesParsesAndMarksItRead()
    {
        await using var demo = TestMailboxes.Start(3);
        await using var harness = SessionHarness.ForDemo(demo);
        var session = harness.CreateSession();
        await session.SignInAsync(SessionHarness.Demo(), TestContext.Current.CancellationToken);
        var key = session.Messages[1].Key;
        Assert.False(session.IsRead(key));

        var opened = await session.OpenMessageAsync(key, TestContext.Current.CancellationToken);

        Assert.Equal(TestMailboxes.Subject(2), opened.Read(m => m.Subject));
        Assert.False(opened.SpooledToDisk);
        Assert.True(session.IsRead(key));
        Assert.Contains("RETR 2", demo.Sessions.Single().Commands);
    }

    [Fact]
    public async Task OpeningAMessageMarkedForDeletionSaysItIsUnavailable()
    {
        await using var demo = TestMailboxes.Start(2);
        await using var harness = SessionHarness.ForDemo(demo);
        var session = harness.CreateSession();
        await session.SignInAsync(SessionHarness.Demo(), TestContext.Current.CancellationToken);
        var key = session.Messages[0].Key;
        await session.DeleteAsync([key], TestContext.Current.CancellationToken);

        await Assert.ThrowsAsync<MailboxException>(() => session.OpenMessageAsync(key, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task ConcurrentUiEventsAreSerializedOnTheWire()
    {
        await using var demo = TestMailboxes.Start(6);
        await using var harness = SessionHarness.ForDemo(demo);
        var session = harness.CreateSession();
        await session.SignInAsync(SessionHarness.Demo(), TestContext.Current.CancellationToken);
        var keys = session.Messages.Select(m => m.Key).ToArray();
        var gate = demo.Faults.HoldReplies("RETR");

        var open = session.OpenMessageAsync(keys[0], TestContext.Current.CancellationToken);
        await gate.WaitUntilReachedAsync(TestContext.Current.CancellationToken).WaitAsync(Patience, TestContext.Current.CancellationToken);
        var delete = session.DeleteAsync([keys[1]], TestContext.Current.CancellationToken);
        var undo = session.UndoAllDeletionsAsync(TestContext.Current.CancellationToken);

        // While RETR is held, nothing else may be written: the library allows one command at a time.
        Assert.False(delete.IsCompleted);
        Assert.Equal("RETR 6", demo.Sessions.Single().Commands[^1]);
        gate.Open();
        await Task.WhenAll(open, delete, undo).WaitAsync(Patience, TestContext.Current.CancellationToken);

        Assert.Equal(["RETR 6", "DELE 5", "RSET"], demo.Sessions.Single().Commands.SkipWhile(c => c != "RETR 6"));
    }

    [Fact]
    public async Task LargeMessagesAreSpooledToATemporaryFileDeletedWhenSignedOutAndNoLongerHeld()
    {
        await using var demo = TestMailboxes.Start(2, bodyBytes: 8000);
        await using var harness = SessionHarness.ForDemo(demo, new MailOptions { LargeMessageThreshold = 1024 });
        var session = harness.CreateSession();
        await session.SignInAsync(SessionHarness.Demo(), TestContext.Current.CancellationToken);

        var opened = await session.OpenMessageAsync(session.Messages[0].Key, TestContext.Current.CancellationToken);
        Assert.True(opened.SpooledToDisk);
        var spool = session.CurrentVisit!.OpenedContent?.SpoolPath;
        Assert.NotNull(spool);
        Assert.True(File.Exists(spool));
        Assert.Equal(TestMailboxes.Subject(2), opened.Read(m => m.Subject));

        await session.SignOutAsync(TestContext.Current.CancellationToken);

        // The page still shows the message: its hold keeps the file until it lets go.
        Assert.True(File.Exists(spool));
        opened.Dispose();
        Assert.False(File.Exists(spool));
    }

    [Fact]
    public async Task ASecondSignInToTheSameMailboxTakesOverWithoutInUse()
    {
        await using var demo = TestMailboxes.Start(3);
        await using var harness = SessionHarness.ForDemo(demo);
        var first = harness.CreateSession();
        var second = harness.CreateSession(browserKey: "browser-2");
        await first.SignInAsync(SessionHarness.Demo(), TestContext.Current.CancellationToken);
        var changes = 0;
        first.Changed += (_, _) => Interlocked.Increment(ref changes);

        var result = await second.SignInAsync(SessionHarness.Demo(), TestContext.Current.CancellationToken);

        Assert.True(result.Succeeded);
        Assert.Null(first.Account);
        Assert.Equal(SignOutReason.TakenOver, first.LastSignOut?.Reason);
        Assert.True(changes > 0, "the old tab must be told, so it can show why it was signed out");
        Assert.True(demo.Sessions[0].QuitReceived);
        Assert.Equal(0, demo.FailedLoginCount);
        Assert.Equal(1, harness.Registry.Count);
    }

    [Fact]
    public async Task CheckForNewMailReconnectsAndKeepsPendingDeletions()
    {
        await using var demo = TestMailboxes.Start(3);
        await using var harness = SessionHarness.ForDemo(demo);
        var session = harness.CreateSession();
        await session.SignInAsync(SessionHarness.Demo(), TestContext.Current.CancellationToken);
        var doomed = session.Messages[2].Key;
        await session.DeleteAsync([doomed], TestContext.Current.CancellationToken);
        demo.Deliver(DemoPop3Server.DemoUserName, TestMailboxes.Numbered(4));

        await session.CheckForNewMailAsync(TestContext.Current.CancellationToken);

        // RSET before QUIT: the deletion stays pending instead of being committed by the QUIT (RFC 1939 §6).
        Assert.Equal(["DELE 1", "RSET", "QUIT"], demo.Sessions[0].Commands.SkipWhile(c => c != "DELE 1"));
        Assert.Equal(4, demo.GetMessages(DemoPop3Server.DemoUserName).Count); // nothing committed by that QUIT
        Assert.Contains("DELE 1", demo.Sessions[1].Commands);
        Assert.Equal(new HashSet<string> { doomed }, session.PendingDeletions);
        Assert.Equal(TestMailboxes.Subject(4), session.Messages[0].Subject);
        Assert.Equal(new MailboxNotice(MailboxNoticeKind.MailChecked, 1, 0, 0), session.Notice);

        await session.SignOutAsync(TestContext.Current.CancellationToken);
        Assert.Equal(
            [TestMailboxes.Subject(2), TestMailboxes.Subject(3), TestMailboxes.Subject(4)],
            demo.GetMessages(DemoPop3Server.DemoUserName).Select(SubjectOf));
    }

    [Fact]
    public async Task ALostConnectionIsRestoredTransparentlyWithPendingDeletionsRemappedByUidl()
    {
        await using var demo = TestMailboxes.Start(4, exclusiveLock: false);
        await using var harness = SessionHarness.ForDemo(demo);
        var session = harness.CreateSession();
        await session.SignInAsync(SessionHarness.Demo(), TestContext.Current.CancellationToken);
        var pending = session.Messages[0].Key; // message 4
        var toOpen = session.Messages[1].Key; // message 3
        await session.DeleteAsync([pending], TestContext.Current.CancellationToken);

        // Meanwhile another client removed message 1: every number above it moves down by one.
        await using (var other = await ConnectRawAsync(demo))
        {
            await other.RemoveFirstAsync();
        }

        demo.Faults.DisconnectOn("RETR");
        demo.CommandReceived += (_, e) =>
        {
            if (e.Command.StartsWith("RETR", StringComparison.Ordinal))
            {
                demo.Faults.Clear(); // only the first RETR breaks the connection
            }
        };

        var opened = await session.OpenMessageAsync(toOpen, TestContext.Current.CancellationToken);

        Assert.Equal(TestMailboxes.Subject(3), opened.Read(m => m.Subject));
        var reconnected = demo.Sessions.Last(s => s.UserName is not null);
        Assert.Contains("DELE 3", reconnected.Commands); // message 4 is number 3 now
        Assert.Contains("RETR 2", reconnected.Commands);
        Assert.Equal(new MailboxNotice(MailboxNoticeKind.ConnectionRestored, 0, 1, 0), session.Notice);
        Assert.Equal(new HashSet<string> { pending }, session.PendingDeletions);
        Assert.Equal(MailboxSessionStatus.Ready, session.Status);

        await session.SignOutAsync(TestContext.Current.CancellationToken);
        Assert.Equal([TestMailboxes.Subject(2), TestMailboxes.Subject(3)], demo.GetMessages(DemoPop3Server.DemoUserName).Select(SubjectOf));
    }

    [Fact]
    public async Task ASysTempRefusalMidSessionIsTreatedAsALostConnection()
    {
        await using var demo = TestMailboxes.Start(2);
        await using var harness = SessionHarness.ForDemo(demo);
        var session = harness.CreateSession();
        await session.SignInAsync(SessionHarness.Demo(), TestContext.Current.CancellationToken);

        // What Dovecot says to its connected clients when it stops (RFC 3206 §4).
        demo.Faults.ReplaceReply("RETR", "-ERR [SYS/TEMP] Server shutting down.\r\n");
        demo.CommandReceived += (_, e) =>
        {
            if (e.Command.StartsWith("RETR", StringComparison.Ordinal))
            {
                demo.Faults.Clear();
            }
        };

        var opened = await session.OpenMessageAsync(session.Messages[0].Key, TestContext.Current.CancellationToken);

        Assert.Equal(TestMailboxes.Subject(2), opened.Read(m => m.Subject));
        Assert.Equal(MailboxNoticeKind.ConnectionRestored, session.Notice?.Kind);
        Assert.Equal(2, demo.Sessions.Count(s => s.UserName is not null));
    }

    [Fact]
    public async Task WhenTheServerStaysUnreachableTheSessionSaysConnectionLostAndKeepsItsState()
    {
        var demo = TestMailboxes.Start(2);
        await using var harness = SessionHarness.ForDemo(demo);
        var session = harness.CreateSession();
        await session.SignInAsync(SessionHarness.Demo(), TestContext.Current.CancellationToken);
        var key = session.Messages[0].Key;
        await demo.DisposeAsync();

        await Assert.ThrowsAsync<MailboxException>(() => session.OpenMessageAsync(key, TestContext.Current.CancellationToken));

        Assert.Equal(MailboxSessionStatus.ConnectionLost, session.Status);
        Assert.NotNull(session.Account);
        Assert.Equal(2, session.Messages.Count);
    }

    private static string SubjectOf(DemoMessage message)
    {
        var text = System.Text.Encoding.UTF8.GetString(message.Content.Span);
        var start = text.IndexOf("Subject: ", StringComparison.Ordinal) + "Subject: ".Length;
        return text[start..text.IndexOf('\r', start)];
    }

    private static async Task<RawPop3> ConnectRawAsync(DemoPop3Server demo)
    {
        var client = new Pop3.Pop3Client(new Pop3.Pop3ClientOptions { Security = Pop3.Pop3Security.None, AllowPlaintextAuthentication = true });
        await client.ConnectAsync(demo.Host, demo.Port);
        await client.AuthenticateAsync(DemoPop3Server.DemoUserName, DemoPop3Server.DemoPassword);
        return new RawPop3(client);
    }

    private sealed class RawPop3(Pop3.Pop3Client client) : IAsyncDisposable
    {
        public async Task RemoveFirstAsync()
        {
            await client.DeleteAsync(1);
            await client.QuitAsync();
        }

        public ValueTask DisposeAsync() => client.DisposeAsync();
    }
}
