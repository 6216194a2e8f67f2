using Microsoft.Extensions.Time.Testing;

namespace Pop3Webmail.Pop3.Tests;

public sealed class Pop3DeadlineTests
{
    [Fact]
    public void AFixedDeadlineIsItsBudgetWhateverArrives()
    {
        var time = new FakeTimeProvider();
        var deadline = Pop3Deadline.Fixed(time, TimeSpan.FromSeconds(30));

        time.Advance(TimeSpan.FromSeconds(10));

        Assert.Equal(TimeSpan.FromSeconds(20), deadline.Remaining(receivedNow: 1_000_000));
    }

    [Fact]
    public void ATransferDeadlineEarnsOneSecondPerRateBytesExpectedOrReceived()
    {
        var time = new FakeTimeProvider();
        var options = new Pop3ClientOptions { TimeProvider = time, OperationTimeout = TimeSpan.FromSeconds(60), MinimumTransferRate = 1000 };
        var deadline = Pop3Deadline.ForTransfer(options, receivedSoFar: 500, expectedBytes: 2000);

        Assert.Equal(TimeSpan.FromSeconds(62), deadline.Remaining(receivedNow: 500));
        deadline.Expect(1000);
        Assert.Equal(TimeSpan.FromSeconds(63), deadline.Remaining(receivedNow: 500));
        Assert.Equal(TimeSpan.FromSeconds(66), deadline.Remaining(receivedNow: 3500));
        time.Advance(TimeSpan.FromSeconds(70));
        Assert.Equal(TimeSpan.FromSeconds(-4), deadline.Remaining(receivedNow: 3500));
    }

    [Fact]
    public void ATricklingServerEarnsAlmostNothing()
    {
        // One byte every 50 s at a minimum rate of 32 KiB/s buys 30 µs per byte: the floor is all it gets.
        var time = new FakeTimeProvider();
        var deadline = Pop3Deadline.ForTransfer(new Pop3ClientOptions { TimeProvider = time }, receivedSoFar: 0);
        var received = 0;
        while (deadline.Remaining(received) > TimeSpan.Zero)
        {
            time.Advance(TimeSpan.FromSeconds(50));
            received++;
        }

        Assert.Equal(2, received);
    }

    [Fact]
    public void AnInfiniteOperationTimeoutMeansNoDeadline()
    {
        var deadline = Pop3Deadline.ForTransfer(new Pop3ClientOptions { OperationTimeout = Timeout.InfiniteTimeSpan }, 0, 1_000_000);

        Assert.True(deadline.IsInfinite);
        Assert.Equal(Timeout.InfiniteTimeSpan, deadline.Remaining(0));
    }

    [Theory]
    [InlineData(-1, 5, 5)]
    [InlineData(5, -1, 5)]
    [InlineData(3, 5, 3)]
    [InlineData(-1, -1, -1)]
    public void EarliestTreatsInfiniteAsNever(int first, int second, int expected)
    {
        static TimeSpan Span(int value) => value < 0 ? Timeout.InfiniteTimeSpan : TimeSpan.FromSeconds(value);

        Assert.Equal(Span(expected), Pop3Deadline.Earliest(Span(first), Span(second)));
    }

    [Fact]
    public void TimerDueKeepsWhatATimerAccepts()
    {
        Assert.Equal(Timeout.InfiniteTimeSpan, Pop3Deadline.TimerDue(Timeout.InfiniteTimeSpan));
        Assert.Equal(TimeSpan.Zero, Pop3Deadline.TimerDue(TimeSpan.FromSeconds(-3)));
        Assert.Equal(TimeSpan.FromMinutes(5), Pop3Deadline.TimerDue(TimeSpan.FromMinutes(5)));
        Assert.Equal(TimeSpan.FromDays(1), Pop3Deadline.TimerDue(TimeSpan.FromDays(400)));
    }
}
