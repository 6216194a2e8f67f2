using System.Globalization;
using System.Text;
using Pop3Webmail.DemoServer;
using Pop3Webmail.Web.Session;
using Pop3Webmail.Web.Tests.Support;

namespace Pop3Webmail.Web.Tests.Session;

/// <summary>
/// The session's promises, one defect each: a stranger cannot end a visit, an ended session never signs in later, a
/// deletion never hits another message, a double submit is one sign-in, a bad reply is an error the page can show.
/// </summary>
public sealed class SessionPromisesTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(15);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task AWrongPasswordForAHeldMailboxLeavesTheHolderSignedInWithItsPendingDeletions(bool exclusiveLock)
    {
        await using var demo = TestMailboxes.Start(3, exclusiveLock: exclusiveLock);
        await using var harness = SessionHarness.ForDemo(demo);
        var holder = harness.CreateSession();
        await holder.SignInAsync(SessionHarness.Demo(), Ct);
        await holder.DeleteAsync([holder.Messages[0].Key], Ct);
        var stranger = harness.CreateSession(clientAddress: "198.51.100.7", browserKey: "stranger");

        var result = await stranger.SignInAsync(SessionHarness.Demo(password: "guess"), Ct);

        Assert.Equal(SignInError.InvalidCredentials, result.Error);
        Assert.NotNull(holder.Account);
        Assert.Single(holder.PendingDeletions);
        Assert.Equal(0, demo.QuitCount);
        await holder.UndoAllDeletionsAsync(Ct); // still undoable: nothing was committed
        Assert.Empty(holder.PendingDeletions);
    }

    [Fact]
    public async Task TheRightPasswordElsewhereTakesOverAfterSigningInAndTheOldTabLearnsWhatWasDeleted()
    {
        await using var demo = TestMailboxes.Start(3, exclusiveLock: true);
        await using var harness = SessionHarness.ForDemo(demo);
        var first = harness.CreateSession();
        await first.SignInAsync(SessionHarness.Demo(), Ct);
        await first.DeleteAsync([first.Messages[0].Key], Ct);
        var second = harness.CreateSession(browserKey: "browser-2");

        var result = await second.SignInAsync(SessionHarness.Demo(), Ct);

        Assert.True(result.Succeeded);
        Assert.Null(first.Account);
        Assert.Equal(new SignOutInfo(SignOutReason.TakenOver, DeletedCount: 1, DeletionsFailed: false), first.LastSignOut);
        Assert.Equal(2, demo.GetMessages(DemoPop3Server.DemoUserName).Count);
        Assert.Equal([TestMailboxes.Subject(2), TestMailboxes.Subject(1)], second.Messages.Select(m => m.Subject));
    }

    [Theory]
    [InlineData("AUTH")]
    [InlineData("LIST")]
    public async Task ATabClosedDuringASlowSignInNeverSignsInAndLeavesTheMailboxFree(string heldVerb)
    {
        await using var demo = TestMailboxes.Start(2);
        await using var harness = SessionHarness.ForDemo(demo);
        var session = harness.CreateSession();
        var gate = demo.Faults.HoldReplies(heldVerb);
        var signingIn = session.SignInAsync(SessionHarness.Demo(), Ct);
        await gate.WaitUntilReachedAsync(Ct).WaitAsync(Patience, Ct);
        Assert.Equal(MailboxSessionStatus.SigningIn, session.Status);

        await session.OnCircuitClosedAsync();
        var result = await signingIn.WaitAsync(Patience, Ct);
        gate.Open();

        Assert.False(result.Succeeded);
        Assert.Null(session.Account);
        Assert.Null(session.CurrentVisit);
        await demo.WaitUntilAsync(s => s.OpenSessionCount == 0, Ct).WaitAsync(Patience, Ct);
        Assert.Equal(0, harness.Registry.Count);
        var later = harness.CreateSession(browserKey: "browser-2");
        Assert.True((await later.SignInAsync(SessionHarness.Demo(), Ct)).Succeeded);
    }

    [Fact]
    public async Task ASecondSubmitWhileSigningInGetsTheSameOutcomeAndSignsInOnce()
    {
        await using var demo = TestMailboxes.Start(1);
        await using var harness = SessionHarness.ForDemo(demo);
        var session = harness.CreateSession();
        var gate = demo.Faults.HoldReplies("AUTH");

        var first = session.SignInAsync(SessionHarness.Demo(), Ct);
        var second = session.SignInAsync(SessionHarness.Demo(), Ct);
        await gate.WaitUntilReachedAsync(Ct).WaitAsync(Patience, Ct);
        gate.Open();

        Assert.Same(first, second);
        Assert.True((await first.WaitAsync(Patience, Ct)).Succeeded);
        Assert.Equal(1, demo.TotalSessionCount);
    }

    [Fact]
    public async Task WithoutUidlASameCountChangeNeverMovesAPendingDeletionToAnotherMessage()
    {
        await using var demo = DemoPop3Server.Start(new DemoPop3ServerOptions
        {
            Accounts = [new DemoPop3Account("old", "old-secret", TestMailboxes.Create(3)) { Uidl = DemoUidlMode.None }],
            ExclusiveLock = false,
        });
        await using var harness = SessionHarness.ForDemo(demo);
        var session = harness.CreateSession();
        await session.SignInAsync(new SignInRequest("old", "old-secret", SessionHarness.ServerId), Ct);
        var doomed = session.Messages.Single(m => m.Subject == TestMailboxes.Subject(3));
        await session.DeleteAsync([doomed.Key], Ct);

        // Another client deletes message 1 and a new one arrives: same count, every number now names other mail.
        demo.Expunge("old", [demo.GetMessages("old")[0].Uid]);
        demo.Deliver("old", TestMailboxes.Numbered(4));
        demo.Disconnect("old");
        await session.CheckForNewMailAsync(Ct);

        Assert.Equal([TestMailboxes.Subject(3)], session.Messages.Where(m => session.PendingDeletions.Contains(m.Key)).Select(m => m.Subject));
        Assert.Equal(0, session.Notice?.LostDeletions);
        await session.SignOutAsync(Ct);
        Assert.Equal([TestMailboxes.Subject(2), TestMailboxes.Subject(4)], SubjectsOn(demo, "old"));
    }

    [Fact]
    public async Task WithoutUidlAPendingDeletionWithAnIdenticalCopyIsDroppedAndTheUserIsTold()
    {
        var original = TestMailboxes.Numbered(2);
        await using var demo = DemoPop3Server.Start(new DemoPop3ServerOptions
        {
            Accounts = [new DemoPop3Account("old", "old-secret", new DemoMailbox([TestMailboxes.Numbered(1), original])) { Uidl = DemoUidlMode.None }],
            ExclusiveLock = false,
        });
        await using var harness = SessionHarness.ForDemo(demo);
        var session = harness.CreateSession();
        await session.SignInAsync(new SignInRequest("old", "old-secret", SessionHarness.ServerId), Ct);
        await session.DeleteAsync([session.Messages[0].Key], Ct);

        demo.Deliver("old", DemoMessage.Create("copy", original.Content.Span)); // the same mail delivered twice
        await session.CheckForNewMailAsync(Ct);

        Assert.Empty(session.PendingDeletions);
        Assert.Equal(1, session.Notice?.LostDeletions);
        await session.SignOutAsync(Ct);
        Assert.Equal(3, demo.GetMessages("old").Count);
    }

    [Fact]
    public async Task WithRepeatedUidlsEveryRowOpensAndDeletesItsOwnMessage()
    {
        await using var demo = DemoPop3Server.Start(new DemoPop3ServerOptions
        {
            Accounts = [new DemoPop3Account("broken", "broken-secret", TestMailboxes.Create(20)) { Uidl = DemoUidlMode.Colliding }],
        });
        await using var harness = SessionHarness.ForDemo(demo);
        var session = harness.CreateSession();
        await session.SignInAsync(new SignInRequest("broken", "broken-secret", SessionHarness.ServerId), Ct);

        foreach (var row in session.Messages)
        {
            using var opened = await session.OpenMessageAsync(row.Key, Ct);
            Assert.Equal(row.Subject, opened.Read(m => m.Subject));
        }

        var doomed = session.Messages[7];
        await session.DeleteAsync([doomed.Key], Ct);
        await session.SignOutAsync(Ct);

        Assert.DoesNotContain(doomed.Subject, SubjectsOn(demo, "broken"));
        Assert.Equal(19, demo.GetMessages("broken").Count);
    }

    [Fact]
    public async Task AServerThatReusesAUidlForAnotherMessageIsCaughtBeforeTheRowCanNameIt()
    {
        var first = TestMailboxes.Numbered(1);
        var reuser = FirstWithUidStartingLike(first.Uid[0], 2);
        await using var demo = DemoPop3Server.Start(new DemoPop3ServerOptions
        {
            Accounts = [new DemoPop3Account("broken", "broken-secret", new DemoMailbox([first, TestMailboxes.Numbered(50)])) { Uidl = DemoUidlMode.Colliding }],
            ExclusiveLock = false,
        });
        await using var harness = SessionHarness.ForDemo(demo);
        var session = harness.CreateSession();
        await session.SignInAsync(new SignInRequest("broken", "broken-secret", SessionHarness.ServerId), Ct);
        var row = session.Messages.Single(m => m.Subject == TestMailboxes.Subject(1));

        // Message 1 goes; another arrives that this server labels with message 1's old UIDL.
        demo.Expunge("broken", [first.Uid]);
        demo.Deliver("broken", reuser);
        await session.CheckForNewMailAsync(Ct);

        var error = await Assert.ThrowsAsync<MailboxException>(() => session.DeleteAsync([row.Key], Ct));
        Assert.Equal(MailboxErrorKind.MessageUnavailable, error.Kind);
        await Assert.ThrowsAsync<MailboxException>(() => session.OpenMessageAsync(row.Key, Ct));
        Assert.Contains(session.Messages, m => m.Subject == SubjectsOn(demo, "broken")[^1] && m.Key != row.Key);
        await session.SignOutAsync(Ct);
        Assert.Equal(2, demo.GetMessages("broken").Count);
    }

    [Fact]
    public async Task AnInvalidReplyReachesThePageAsAMailboxErrorNotAProtocolException()
    {
        await using var demo = TestMailboxes.Start(2);
        await using var harness = SessionHarness.ForDemo(demo);
        var session = harness.CreateSession();
        await session.SignInAsync(SessionHarness.Demo(), Ct);
        demo.Faults.ReplaceReply("RETR", "this is not POP3\r\n");

        var error = await Assert.ThrowsAsync<MailboxException>(() => session.OpenMessageAsync(session.Messages[0].Key, Ct));

        Assert.Equal(MailboxErrorKind.InvalidServerReply, error.Kind);
        demo.Faults.Clear();
        using var opened = await session.OpenMessageAsync(session.Messages[0].Key, Ct);
        Assert.Equal(session.Messages[0].Subject, opened.Read(m => m.Subject));
    }

    private static string[] SubjectsOn(DemoPop3Server demo, string user) =>
        [.. demo.GetMessages(user).Select(m => Encoding.UTF8.GetString(m.Content.Span).Split("\r\n").First(l => l.StartsWith("Subject: ", StringComparison.Ordinal))["Subject: ".Length..])];

    /// <summary>A numbered message (from <paramref name="from"/> on) whose UIDL starts with <paramref name="first"/>: what a colliding server reuses.</summary>
    private static DemoMessage FirstWithUidStartingLike(char first, int from)
    {
        for (var number = from; ; number++)
        {
            var candidate = TestMailboxes.Numbered(number);
            if (candidate.Uid[0] == first && number != 50)
            {
                return DemoMessage.Create("m" + number.ToString("D5", CultureInfo.InvariantCulture), candidate.Content.Span);
            }
        }
    }
}
