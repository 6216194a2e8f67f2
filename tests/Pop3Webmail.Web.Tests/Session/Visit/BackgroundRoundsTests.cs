using Pop3Webmail.Web.Session.Visit;

namespace Pop3Webmail.Web.Tests.Session.Visit;

/// <summary>The background listing's rounds, sized by the time they take rather than a fixed count.</summary>
public sealed class BackgroundRoundsTests
{
    [Fact]
    public void TheFirstRoundAsksForTheSmallestSize()
    {
        var rounds = new BackgroundRounds();

        Assert.Equal(BackgroundRounds.Smallest, rounds.Next);
    }

    [Fact]
    public void ARoundFarWithinTheBudgetAtMostDoublesTheNext()
    {
        var rounds = new BackgroundRounds();

        rounds.Completed(TimeSpan.FromMilliseconds(5));

        Assert.Equal(2 * BackgroundRounds.Smallest, rounds.Next);
    }

    [Fact]
    public void RoundsGrowNoFurtherThanTheLargestSize()
    {
        var rounds = new BackgroundRounds();

        for (var i = 0; i < 20; i++)
        {
            rounds.Completed(TimeSpan.Zero);
        }

        Assert.Equal(BackgroundRounds.Largest, rounds.Next);
    }

    [Fact]
    public void ARoundOverTheBudgetShrinksTheNextInProportion()
    {
        var rounds = Grown(2000);

        rounds.Completed(BackgroundRounds.Budget * 2);

        Assert.Equal(1000, rounds.Next);
    }

    [Fact]
    public void ASlowServerNeverGetsRoundsSmallerThanTheSmallestSize()
    {
        var rounds = new BackgroundRounds();

        rounds.Completed(TimeSpan.FromSeconds(30));

        Assert.Equal(BackgroundRounds.Smallest, rounds.Next);
    }

    [Fact]
    public void OverALinkWithARoundTripPerRoundTheRoundsSettleJustWithinTheBudget()
    {
        // 40 ms before the first reply, then 0.066 ms per summary (about 410-byte headers at 50 Mbit/s).
        static TimeSpan Took(int count) => TimeSpan.FromMilliseconds(40 + (0.066 * count));
        var rounds = new BackgroundRounds();
        var sizes = new List<int>();

        for (var i = 0; i < 10; i++)
        {
            sizes.Add(rounds.Next);
            rounds.Completed(Took(rounds.Next));
        }

        Assert.Equal([250, 500, 1000], sizes.Take(3));
        Assert.All(sizes.Skip(5), size => Assert.InRange(Took(size), BackgroundRounds.Budget * 0.9, BackgroundRounds.Budget * 1.05));
    }

    /// <summary>Rounds after fast ones have grown them to (at least) <paramref name="size"/>, which must be a doubling of the smallest.</summary>
    private static BackgroundRounds Grown(int size)
    {
        var rounds = new BackgroundRounds();
        while (rounds.Next < size)
        {
            rounds.Completed(TimeSpan.FromMilliseconds(1));
        }

        Assert.Equal(size, rounds.Next);
        return rounds;
    }
}
