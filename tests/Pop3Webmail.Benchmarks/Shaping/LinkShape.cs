namespace Pop3Webmail.Benchmarks.Shaping;

/// <summary>A link as the proxy shapes it: the same one-way delay and bandwidth in each direction.</summary>
internal sealed record LinkShape(TimeSpan OneWayDelay, long BitsPerSecond)
{
    /// <summary>20 ms each way (40 ms round trip) and 50 Mbit/s: a good ISP or company link, as issue 11 measured.</summary>
    public static LinkShape RealWorld { get; } = new(TimeSpan.FromMilliseconds(20), 50_000_000);

    public TimeSpan RoundTrip => OneWayDelay * 2;

    public double BytesPerSecond => BitsPerSecond / 8.0;

    public override string ToString() => string.Create(System.Globalization.CultureInfo.InvariantCulture,
        $"{RoundTrip.TotalMilliseconds:0} ms RTT, {BitsPerSecond / 1e6:0} Mbit/s each way");
}
