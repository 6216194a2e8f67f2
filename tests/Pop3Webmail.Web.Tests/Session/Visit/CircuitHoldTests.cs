using Microsoft.Extensions.Time.Testing;
using Pop3Webmail.Web.Session;
using Pop3Webmail.Web.Session.Visit;

namespace Pop3Webmail.Web.Tests.Session.Visit;

public sealed class CircuitHoldTests
{
    private static readonly TimeSpan Grace = TimeSpan.FromSeconds(60);
    private readonly FakeTimeProvider _time = new();
    private readonly List<SignOutReason> _ends = [];

    private CircuitHold NewHold() => new(_time, reason =>
    {
        _ends.Add(reason);
        return Task.CompletedTask;
    });

    [Fact]
    public void AReleasedVisitEndsAsClosedWhenNoCircuitTakesItBackWithinTheGrace()
    {
        var hold = NewHold();

        Assert.True(hold.Release(Grace, abnormal: false));
        _time.Advance(Grace - TimeSpan.FromMilliseconds(1));
        Assert.Empty(_ends);
        _time.Advance(TimeSpan.FromMilliseconds(1));

        Assert.Equal([SignOutReason.CircuitClosed], _ends);
    }

    [Fact]
    public void AVisitLeftByAFailedCircuitEndsAsAnUnexpectedError()
    {
        var hold = NewHold();

        hold.Release(Grace, abnormal: true);
        _time.Advance(Grace);

        Assert.Equal([SignOutReason.UnexpectedError], _ends);
    }

    [Fact]
    public void TakingTheVisitBackInTimeStopsTheGraceForGood()
    {
        var hold = NewHold();
        hold.Release(Grace, abnormal: false);

        Assert.True(hold.TryTake());
        _time.Advance(Grace * 3);

        Assert.Empty(_ends);
    }

    [Fact]
    public void AHeldVisitCannotBeTakenByASecondCircuitNorReleasedTwice()
    {
        var hold = NewHold();

        Assert.False(hold.TryTake());
        Assert.True(hold.Release(Grace, abnormal: false));
        Assert.False(hold.Release(Grace, abnormal: false));
        Assert.True(hold.TryTake());
        Assert.False(hold.TryTake());
    }

    [Fact]
    public void AClosedHoldCanNeitherBeTakenNorReleasedAndItsGraceNeverFires()
    {
        var hold = NewHold();
        hold.Release(Grace, abnormal: false);

        hold.Close();
        _time.Advance(Grace * 2);

        Assert.Empty(_ends);
        Assert.False(hold.TryTake());
        Assert.False(hold.Release(Grace, abnormal: false));
    }

    [Fact]
    public async Task AWaitForTheOldCircuitEndsWhenItLetsGo()
    {
        var hold = NewHold();
        var waiting = hold.WaitReleasedAsync(TestContext.Current.CancellationToken);
        Assert.False(waiting.IsCompleted);

        hold.Release(Grace, abnormal: false);

        Assert.True(await waiting);
        Assert.True(hold.TryTake());
    }

    [Fact]
    public async Task AWaitForACircuitThatNeverLetsGoGivesUpAfterFiveSeconds()
    {
        var hold = NewHold();
        var waiting = hold.WaitReleasedAsync(TestContext.Current.CancellationToken);

        _time.Advance(TimeSpan.FromSeconds(5));

        Assert.False(await waiting);
    }

    [Fact]
    public async Task AWaitOnAVisitThatHasEndedIsRefusedAtOnce()
    {
        var hold = NewHold();
        hold.Close();

        Assert.False(await hold.WaitReleasedAsync(TestContext.Current.CancellationToken));
    }
}
