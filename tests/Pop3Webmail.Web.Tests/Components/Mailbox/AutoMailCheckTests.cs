using Microsoft.Extensions.Time.Testing;
using Pop3Webmail.Web.Components.Mailbox;

namespace Pop3Webmail.Web.Tests.Components.Mailbox;

public sealed class AutoMailCheckTests
{
    private static readonly TimeSpan Interval = TimeSpan.FromMinutes(5);
    private readonly FakeTimeProvider _time = new();
    private int _checks;

    [Fact]
    public void AVisibleTabChecksEveryInterval()
    {
        using var check = Create();

        _time.Advance(Interval - TimeSpan.FromSeconds(1));
        Assert.Equal(0, _checks);
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(1, _checks);
        _time.Advance(Interval);
        Assert.Equal(2, _checks);
    }

    [Fact]
    public async Task AHiddenTabDoesNotCheckButChecksAtOnceWhenShownAgainIfACheckWasDue()
    {
        using var check = Create();
        await check.SetVisibleAsync(false);

        _time.Advance(Interval * 3);
        Assert.Equal(0, _checks);

        await check.SetVisibleAsync(true);
        Assert.Equal(1, _checks);
        await check.SetVisibleAsync(false);
        await check.SetVisibleAsync(true); // nothing due any more
        Assert.Equal(1, _checks);
    }

    [Fact]
    public async Task ShowingTheTabBeforeACheckIsDueChecksNothing()
    {
        using var check = Create();
        await check.SetVisibleAsync(false);
        _time.Advance(Interval / 2);

        await check.SetVisibleAsync(true);

        Assert.Equal(0, _checks);
    }

    [Fact]
    public void TheUsersOwnCheckPutsTheNextOneAFullIntervalAway()
    {
        using var check = Create();
        _time.Advance(Interval - TimeSpan.FromMinutes(1));

        check.Reset();
        _time.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(0, _checks);
        _time.Advance(Interval - TimeSpan.FromMinutes(1));
        Assert.Equal(1, _checks);
    }

    [Fact]
    public void ACheckStillRunningIsNotStartedAgain()
    {
        var running = new TaskCompletionSource();
        using var check = new AutoMailCheck(_time, Interval, () =>
        {
            _checks++;
            return running.Task;
        });

        _time.Advance(Interval * 3);

        Assert.Equal(1, _checks);
        running.SetResult();
        _time.Advance(Interval);
        Assert.Equal(2, _checks);
    }

    [Fact]
    public void AZeroIntervalNeverChecks()
    {
        using var check = new AutoMailCheck(_time, TimeSpan.Zero, Count);

        _time.Advance(TimeSpan.FromDays(2));

        Assert.Equal(0, _checks);
    }

    [Fact]
    public void AfterDisposalNothingIsChecked()
    {
        var check = Create();

        check.Dispose();
        _time.Advance(Interval * 2);

        Assert.Equal(0, _checks);
    }

    private AutoMailCheck Create() => new(_time, Interval, Count);

    private Task Count()
    {
        _checks++;
        return Task.CompletedTask;
    }
}
