namespace Pop3Webmail.Benchmarks.Reporting;

/// <summary>The repetitions of one contender in one measurement, summarised as median and min–max.</summary>
internal sealed class Samples
{
    private readonly List<double> _values = [];

    public int Count => _values.Count;

    public double Median
    {
        get
        {
            var sorted = Sorted();
            var middle = sorted.Count / 2;
            return sorted.Count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
        }
    }

    public double Min => Sorted()[0];

    public double Max => Sorted()[^1];

    public void Add(double value) => _values.Add(value);

    /// <summary>One value (a configured or computed figure a measurement is compared with).</summary>
    public static Samples Of(double value)
    {
        var samples = new Samples();
        samples.Add(value);
        return samples;
    }

    /// <summary>
    /// The median of this[i] / other[i] over rounds: each pair was measured back to back, so a load that drifts over
    /// the run (other work on a shared machine) cancels out of every ratio. Null when the rounds do not pair up.
    /// </summary>
    public double? PairedRatio(Samples other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (other.Count != Count || Count < 2)
        {
            return null;
        }

        var ratios = new Samples();
        for (var i = 0; i < Count; i++)
        {
            ratios.Add(_values[i] / other._values[i]);
        }

        return ratios.Median;
    }

    /// <summary>The value below which the given share of samples lie (nearest rank), e.g. 0.95 for p95.</summary>
    public double Percentile(double share)
    {
        var sorted = Sorted();
        var rank = (int)Math.Ceiling(share * sorted.Count) - 1;
        return sorted[Math.Clamp(rank, 0, sorted.Count - 1)];
    }

    private List<double> Sorted()
    {
        if (_values.Count == 0)
        {
            throw new InvalidOperationException("No samples were taken.");
        }

        var sorted = new List<double>(_values);
        sorted.Sort();
        return sorted;
    }
}
