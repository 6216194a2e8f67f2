using Pop3Webmail.DemoServer;
using Pop3Webmail.Web.Configuration;
using Pop3Webmail.Web.Session;
using Pop3Webmail.Web.Tests.Support;

namespace Pop3Webmail.Web.Tests.Session;

/// <summary>Every way a session ends sends QUIT; keep-alive and idle timers run on a fake clock.</summary>
public sealed class MailboxSessionLifetimeTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task ClosingTheCircuitSendsQuitAndCommitsDeletions()
    {
        await using var demo = TestMailboxes.Start(3);
        await using var harness = SessionHarness.ForDemo(demo);
        var session = harness.CreateSession();
        await session.SignInAsync(SessionHarness.Demo(), TestContext.Current.CancellationToken);
        await session.DeleteAsync([session.Messages[0].Key], TestContext.Current.CancellationToken);
        var handler = new MailboxCircuitHandler(session);

        await handler.OnCircuitClosedAsync(null!, TestContext.Current.CancellationToken);

        Assert.Equal(SignOutReason.CircuitClosed, session.LastSignOut?.Reason);
        Assert.True(demo.Sessions.Single().QuitReceived);
        Assert.Equal(2, demo.GetMessages(DemoPop3Server.DemoUserName).Count);
    }

    [Fact]
    public async Task DisposingTheScopeSendsQuit()
    {
        await using var demo = TestMailboxes.Start(2);
        await using var harness = SessionHarness.ForDemo(demo);
        var session = harness.CreateSession();
        await session.SignInAsync(SessionHarness.Demo(), TestContext.Current.CancellationToken);

        await session.DisposeAsync();

        Assert.True(demo.Sessions.Single().QuitReceived);
        Assert.Equal(DemoPop3SessionEnd.Quit, await demo.Sessions.Single().Completion.WaitAsync(Patience, TestContext.Current.CancellationToken));
        await Assert.ThrowsAsync<ObjectDisposedException>(() => session.SignInAsync(SessionHarness.Demo(), TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task EndingTwiceSendsOneQuit()
    {
        await using var demo = TestMailboxes.Start(2);
        await using var harness = SessionHarness.ForDemo(demo);
        var session = harness.CreateSession();
        await session.SignInAsync(SessionHarness.Demo(), TestContext.Current.CancellationToken);

        await Task.WhenAll(session.EndAsync(SignOutReason.CircuitClosed), session.SignOutAsync(TestContext.Current.CancellationToken), session.DisposeAsync().AsTask());

        Assert.Equal(1, demo.QuitCount);
    }

    [Fact]
    public async Task ApplicationShutdownQuitsEveryOpenSession()
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

        harness.Lifetime.StopApplication();

        Assert.Equal(2, demo.QuitCount);
        Assert.Equal(SignOutReason.ApplicationStopping, first.LastSignOut?.Reason);
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
        var wire = demo.Sessions.Single();

        harness.Time.Advance(TimeSpan.FromMinutes(2));
        await session.OpenMessageAsync(session.Messages[0].Key, TestContext.Current.CancellationToken);
        harness.Time.Advance(TimeSpan.FromMinutes(2)); // 4 min since sign-in, but only 2 of silence
        await session.KeepAliveCompletion.WaitAsync(Patience, TestContext.Current.CancellationToken);
        Assert.DoesNotContain("NOOP", wire.Commands);

        harness.Time.Advance(TimeSpan.FromMinutes(2)); // 4 min of silence
        await session.KeepAliveCompletion.WaitAsync(Patience, TestContext.Current.CancellationToken);
        Assert.Equal("NOOP", wire.Commands[^1]);

        harness.Time.Advance(TimeSpan.FromMinutes(4));
        await session.KeepAliveCompletion.WaitAsync(Patience, TestContext.Current.CancellationToken);
        Assert.Equal(2, wire.Commands.Count(c => c == "NOOP"));
    }

    [Fact]
    public async Task KeepAliveStopsWhenTheSessionEnds()
    {
        await using var demo = TestMailboxes.Start(1);
        await using var harness = SessionHarness.ForDemo(demo);
        var session = harness.CreateSession();
        await session.SignInAsync(SessionHarness.Demo(), TestContext.Current.CancellationToken);
        await session.SignOutAsync(TestContext.Current.CancellationToken);

        harness.Time.Advance(TimeSpan.FromMinutes(30));
        await session.KeepAliveCompletion.WaitAsync(Patience, TestContext.Current.CancellationToken);

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
        await session.KeepAliveCompletion.WaitAsync(Patience, TestContext.Current.CancellationToken);

        Assert.False(idle.IsEnabled);
        Assert.NotNull(session.Account);
    }
}
