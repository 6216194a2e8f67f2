using Pop3Webmail.DemoServer;
using Pop3Webmail.Web.Configuration;
using Pop3Webmail.Web.Session;
using Pop3Webmail.Web.Tests.Support;

namespace Pop3Webmail.Web.Tests.Session;

/// <summary>A reload (a new circuit of the same tab) takes its visit back within the grace period; nothing else does.</summary>
public sealed class MailboxSessionResumeTests
{
    private static readonly TimeSpan Grace = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(15);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AReloadWithinTheGracePeriodTakesTheVisitBackWithItsPendingDeletions()
    {
        await using var demo = TestMailboxes.Start(3);
        await using var harness = SessionHarness.ForDemo(demo, new MailOptions { ResumeGracePeriod = Grace });
        var (before, handle) = await SignedInAsync(harness);
        await before.DeleteAsync([before.Messages[0].Key], Ct);

        await before.OnCircuitClosedAsync();
        harness.Time.Advance(Grace - TimeSpan.FromSeconds(1));
        var after = harness.CreateSession();
        var resumed = await after.ResumeAsync(handle, Ct);

        Assert.True(resumed);
        Assert.Equal("demo", after.Account?.UserName);
        Assert.Equal([after.Messages[0].Key], after.PendingDeletions);
        Assert.Equal(1, demo.TotalSessionCount); // the same POP3 session: nothing was committed, nothing signed in again
        Assert.Equal(1, harness.Telemetry.Sum("pop3webmail.sessions.started", "kind", "resumed"));
        Assert.Equal(1, harness.Telemetry.Sum("pop3webmail.sessions.active"));
        harness.Time.Advance(Grace * 2);
        Assert.False(demo.Sessions.Single().QuitReceived);
        await after.UndoAllDeletionsAsync(Ct);
        await after.SignOutAsync(Ct);
        Assert.Equal(3, demo.GetMessages(DemoPop3Server.DemoUserName).Count);
    }

    [Fact]
    public async Task AfterTheGracePeriodTheVisitHasEndedAndTheHandleTakesNothingBack()
    {
        await using var demo = TestMailboxes.Start(2);
        await using var harness = SessionHarness.ForDemo(demo, new MailOptions { ResumeGracePeriod = Grace });
        var (before, handle) = await SignedInAsync(harness);
        var visit = before.CurrentVisit!;

        await before.OnCircuitClosedAsync();
        harness.Time.Advance(Grace);
        await visit.EndAsync(SignOutReason.CircuitClosed).WaitAsync(Patience, Ct);
        var after = harness.CreateSession();

        Assert.False(await after.ResumeAsync(handle, Ct));
        Assert.Null(after.Account);
        Assert.Null(after.LastSignOut);
    }

    [Fact]
    public async Task AHandleFromAnEarlierRunOfTheAppSaysTheServerRestarted()
    {
        await using var demo = TestMailboxes.Start(1);
        await using var harness = SessionHarness.ForDemo(demo);
        var session = harness.CreateSession();

        var resumed = await session.ResumeAsync("00000000DEADBEEF.abcdefghijklmnopqrstuvwxyz0123456789-_ABCDEF", Ct);

        Assert.False(resumed);
        Assert.Equal(SignOutReason.ServerRestarted, session.LastSignOut?.Reason);
    }

    [Fact]
    public async Task AVisitStillShownByAnotherCircuitIsNotTakenUnlessThatCircuitLetsGo()
    {
        await using var demo = TestMailboxes.Start(1);
        await using var harness = SessionHarness.ForDemo(demo);
        var (first, handle) = await SignedInAsync(harness);
        var second = harness.CreateSession();

        var resuming = second.ResumeAsync(handle, Ct);
        Assert.False(resuming.IsCompleted); // a reload: the old circuit goes away within moments
        await first.OnCircuitClosedAsync();

        Assert.True(await resuming.WaitAsync(Patience, Ct));
        Assert.NotNull(second.Account);
        Assert.Null(first.Account);
    }

    [Fact]
    public async Task TheResumeTicketIsHandedOutOncePerSignIn()
    {
        await using var demo = TestMailboxes.Start(1);
        await using var harness = SessionHarness.ForDemo(demo);
        var session = harness.CreateSession();
        Assert.Null(session.TakeResumeTicket());
        await session.SignInAsync(SessionHarness.Demo(), Ct);

        var ticket = session.TakeResumeTicket();

        Assert.NotNull(ticket);
        Assert.Null(session.TakeResumeTicket());
        Assert.NotNull(harness.ResumeTickets.Redeem(ticket));
        Assert.Null(harness.ResumeTickets.Redeem(ticket));
    }

    private static async Task<(MailboxSession Session, string Handle)> SignedInAsync(SessionHarness harness)
    {
        var session = harness.CreateSession();
        Assert.True((await session.SignInAsync(SessionHarness.Demo(), Ct)).Succeeded);
        var handle = harness.ResumeTickets.Redeem(session.TakeResumeTicket())!.Handle;
        return (session, handle);
    }
}
