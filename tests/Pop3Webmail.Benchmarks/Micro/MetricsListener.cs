using System.Diagnostics.Metrics;

namespace Pop3Webmail.Benchmarks.Micro;

/// <summary>A listener on the library's meter that consumes every measurement, as an exporter would (it only sums them).</summary>
internal static class MetricsListener
{
    private static double _seconds;
    private static long _bytes;

    public static MeterListener Start()
    {
        var listener = new MeterListener
        {
            InstrumentPublished = static (instrument, l) =>
            {
                if (instrument.Meter.Name == "Pop3Webmail.Pop3")
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<double>(static (_, value, _, _) => _seconds += value);
        listener.SetMeasurementEventCallback<long>(static (_, value, _, _) => Interlocked.Add(ref _bytes, value));
        listener.Start();
        return listener;
    }
}
