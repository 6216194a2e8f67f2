using Pop3Webmail.DemoServer;
using Pop3Webmail.Web.Configuration;
using Pop3Webmail.Web.Session;
using Pop3Webmail.Web.Tests.Support;

namespace Pop3Webmail.Web.Tests.Session;

/// <summary>
/// Every way a visit ends sends QUIT (RSET first when the end was not the user's choice); a closed circuit keeps its
/// visit for the resume grace period first. Keep-alive, idle and grace timers run on a fake clock.
/// </summary>
public sealed class MailboxSessionLifetimeTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task ClosingTheCircuitKeepsTheVisitForTheGracePeriodThenQuitsAndCommits()
    {
        await using var demo = TestMailboxes.Start(3);
        await using var harness = SessionHarness.ForDemo(demo, new MailOptions { ResumeGracePeriod = TimeSpan.FromSeconds(30) });
        var session = harness.CreateSession();
        await session.SignInAsync(SessionHarness.Demo(), TestContext.Current.CancellationToken);
        await session.DeleteAsync([session.Messages[0].Key], TestContext.Current.CancellationToken);
        var handler = new MailboxCircuitHandler(session);
        var visit = session.CurrentVisit!;

        await handler.OnCircuitClosedAsync(null!, TestContext.Current.CancellationToken);
        harness.Time.Advance(TimeSpan.FromSeconds(29));
        Assert.False(demo.Sessions.Single().QuitReceived);

        harness.Time.Advance(TimeSpan.FromSeconds(1));
        var info = await visit.EndAsync(SignOutReason.UserSignedOut).WaitAsync(Patience, TestContext.Current.CancellationToken);
        Assert.Equal(new SignOutInfo(SignOutReason.CircuitClosed, 1, DeletionsFailed: false), info);
        Assert.True(demo.Sessions.Single().QuitReceived);
        Assert.Equal(2, demo.GetMessages(DemoPop3Server.DemoUserName).Count);
        Assert.Equal(0, harness.Registry.Count);
    }

    [Fact]
    public async Task ACircuitThatEndedOnAnUnexpectedErrorKeepsItsPendingDeletions()
    {
        await using var demo = TestMailboxes.Start(3);
        await using var harness = SessionHarness.ForDemo(demo, new MailOptions { ResumeGracePeriod = TimeSpan.FromSeconds(30) });
        var session = harness.CreateSession();
        await session.SignInAsync(SessionHarness.Demo(), TestContext.Current.CancellationToken);
        await session.DeleteAsync([session.Messages[0].Key], TestContext.Current.CancellationToken);
        var visit = session.CurrentVisit!;

        session.ReportUnexpectedError();
        await session.OnCircuitClosedAsync();
        harness.Time.Advance(TimeSpan.FromSeconds(30));
        var info = await visit.EndAsync(SignOutReason.CircuitClosed).WaitAsync(Patience, TestContext.Current.CancellationToken);

        Assert.Equal(new SignOutInfo(SignOutReason.UnexpectedError, 0, DeletionsFailed: false, DeletionsKept: 1), info);
        Assert.Equal(["RSET", "QUIT"], demo.Sessions.Single().Commands.TakeLast(2));
        Assert.Equal(3, demo.GetMessages(DemoPop3Server.DemoUserName).Count);
    }

    [Fact]
    public async Task EndingTwiceSendsOneQuit()
    {
        await using var demo = TestMailboxes.Start(2);
        await using var harness = SessionHarness.ForDemo(demo);
        var session = harness.CreateSession();
        await session.SignInAsync(SessionHarness.Demo(), TestContext.Current.CancellationToken);

        await Task.WhenAll(session.EndAsync(SignOutReason.IdleTimeout), session.SignOutAsync(TestContext.Current.CancellationToken), session.DisposeAsync().AsTask());

        Assert.Equal(1, demo.QuitCount);
        Assert.Equal(SignOutReason.IdleTimeout, session.LastSignOut?.Reason);
    }

    [Fact]
    public async Task ApplicationShutdownQuitsEveryOpenSessionKeepingWhatWasMarked()
    {
        await using var demo = DemoPop3Server.Start(new DemoPop3ServerOptions
        {
            Accounts =
            [
                new DemoPop3Account("alice", "alice-secret", TestMailboxes.Create(2)),
                new DemoPop3Account("bob", "bob-secret", TestMailboxes.Create(1)),
            ],
        });
        await using var harness = SessionHarness.ForDemo(demo);
        var first = harness.CreateSession();
        var second = harness.CreateSession(browserKey: "browser-2");
        Assert.True((await first.SignInAsync(new SignInRequest("alice", "alice-secret", SessionHarness.ServerId), TestContext.Current.CancellationToken)).Succeeded);
        Assert.True((await second.SignInAsync(new SignInRequest("bob", "bob-secret", SessionHarness.ServerId), TestContext.Current.CancellationToken)).Succeeded);
        await first.DeleteAsync([first.Messages[0].Key], TestContext.Current.CancellationToken);

        harness.Lifetime.StopApplication();

        Assert.Equal(2, demo.QuitCount);
        Assert.Equal(2, demo.GetMessages("alice").Count);
        Assert.Equal(new SignOutInfo(SignOutReason.ApplicationStopping, 0, DeletionsFailed: false, DeletionsKept: 1), first.LastSignOut);
        Assert.Equal(SignOutReason.ApplicationStopping, second.LastSignOut?.Reason);
        Assert.Equal(0, harness.Registry.Count);
    }

    [Fact]
    public async Task KeepAliveSendsNoopOnlyAfterTheIntervalOfSilence()
    {
        await using var demo = TestMailboxes.Start(2);
        await using var harness = SessionHarness.ForDemo(demo, new MailOptions { KeepAliveInterval = TimeSpan.FromMinutes(4) });
        var session = harness.CreateSession();
        await session.SignInAsync(SessionHarness.Demo(), TestContext.Current.CancellationToken);
        await session.CurrentVisit!.LoaderCompletion; // its last use of the wire counts as activity too
        var wire = demo.Sessions.Single();

        harness.Time.Advance(TimeSpan.FromMinutes(2));
        await session.OpenMessageAsync(session.Messages[0].Key, TestContext.Current.CancellationToken);
        harness.Time.Advance(TimeSpan.FromMinutes(2)); // 4 min since sign-in, but only 2 of silence
        await session.CurrentVisit!.KeepAliveCompletion.WaitAsync(Patience, TestContext.Current.CancellationToken);
        Assert.DoesNotContain("NOOP", wire.Commands);

        harness.Time.Advance(TimeSpan.FromMinutes(2)); // 4 min of silence
        await session.CurrentVisit!.KeepAliveCompletion.WaitAsync(Patience, TestContext.Current.CancellationToken);
        Assert.Equal("NOOP", wire.Commands[^1]);

        harness.Time.Advance(TimeSpan.FromMinutes(4));
        await session.CurrentVisit!.KeepAliveCompletion.WaitAsync(Patience, TestContext.Current.CancellationToken);
        Assert.Equal(2, wire.Commands.Count(c => c == "NOOP"));
    }

    [Fact]
    public async Task KeepAliveStopsWhenTheSessionEnds()
    {
        await using var demo = TestMailboxes.Start(1);
        await using var harness = SessionHarness.ForDemo(demo);
        var session = harness.CreateSession();
        await session.SignInAsync(SessionHarness.Demo(), TestContext.Current.CancellationToken);
        var visit = session.CurrentVisit!;
        await session.SignOutAsync(TestContext.Current.CancellationToken);

        harness.Time.Advance(TimeSpan.FromMinutes(30));
        await visit.KeepAliveCompletion.WaitAsync(Patience, TestContext.Current.CancellationToken);

        Assert.DoesNotContain(demo.Sessions.SelectMany(s => s.Commands), c => c == "NOOP");
        Assert.Single(demo.Sessions);
    }

    [Fact]
    public async Task KioskIdleSignOutWarnsThenQuits()
    {
        await using var demo = TestMailboxes.Start(2);
        await using var harness = SessionHarness.ForDemo(demo, new MailOptions { Kiosk = true, IdleSignOut = TimeSpan.FromMinutes(3), IdleWarning = TimeSpan.FromSeconds(30) });
        var session = harness.CreateSession();
        using var idle = new IdleSignOutMonitor(session, harness.MailOptions, harness.Time);
        await session.SignInAsync(SessionHarness.Demo(), TestContext.Current.CancellationToken);
        Assert.Equal(TimeSpan.FromMinutes(3), idle.Remaining);

        harness.Time.Advance(TimeSpan.FromSeconds(160));
        Assert.True(idle.IsWarning);
        Assert.Equal(TimeSpan.FromSeconds(20), idle.Remaining);

        idle.RecordActivity(); // "stay signed in"
        Assert.False(idle.IsWarning);
        harness.Time.Advance(TimeSpan.FromSeconds(170));
        Assert.NotNull(session.Account);

        var ended = new TaskCompletionSource();
        session.Changed += (_, _) =>
        {
            if (session.LastSignOut is not null)
            {
                ended.TrySetResult();
            }
        };
        harness.Time.Advance(TimeSpan.FromSeconds(10));
        await ended.Task.WaitAsync(Patience, TestContext.Current.CancellationToken);

        Assert.Equal(SignOutReason.IdleTimeout, session.LastSignOut?.Reason);
        Assert.True(demo.Sessions.Single().QuitReceived);
        Assert.Null(idle.Remaining);
    }

    [Fact]
    public async Task WithoutKioskThereIsNoIdleSignOut()
    {
        await using var demo = TestMailboxes.Start(1);
        await using var harness = SessionHarness.ForDemo(demo);
        var session = harness.CreateSession();
        using var idle = new IdleSignOutMonitor(session, harness.MailOptions, harness.Time);
        await session.SignInAsync(SessionHarness.Demo(), TestContext.Current.CancellationToken);

        harness.Time.Advance(TimeSpan.FromHours(2));
        await session.CurrentVisit!.KeepAliveCompletion.WaitAsync(Patience, TestContext.Current.CancellationToken);

        Assert.False(idle.IsEnabled);
        Assert.NotNull(session.Account);
    }
}
