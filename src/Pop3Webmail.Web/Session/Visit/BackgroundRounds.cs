namespace Pop3Webmail.Web.Session.Visit;

/// <summary>
/// How many summaries the next round of the background listing asks for. A round pays a round trip before its first
/// reply and holds the wire while it runs (a click waits for the rest of it), so rounds are sized by time, not count:
/// the first asks for <see cref="Smallest"/>; after each full round the size moves to what would fill
/// <see cref="Budget"/> at the rate just seen, at most doubling, never below <see cref="Smallest"/> nor above
/// <see cref="Largest"/>. Over a 40 ms link a fixed 250 spent most of each round waiting for the first reply (a 10k
/// first visit took 3.6 times the raw listing); on the loopback the rounds simply reach the cap in a few steps.
/// </summary>
internal sealed class BackgroundRounds
{
    /// <summary>The first round, and the floor: a slow server gets the rounds it always had.</summary>
    public const int Smallest = 250;

    /// <summary>The cap, whatever the link: a round's summaries are parsed and published together.</summary>
    public const int Largest = 4000;

    /// <summary>How long a round should hold the wire: the most a click waits behind the background listing.</summary>
    public static readonly TimeSpan Budget = TimeSpan.FromMilliseconds(200);

    public int Next { get; private set; } = Smallest;

    /// <summary>A full round of <see cref="Next"/> summaries took <paramref name="took"/>; sizes the next one.</summary>
    public void Completed(TimeSpan took)
    {
        var fits = took > TimeSpan.Zero ? Next * (Budget / took) : double.PositiveInfinity;
        Next = (int)Math.Clamp(Math.Min(fits, Next * 2.0), Smallest, Largest);
    }
}
