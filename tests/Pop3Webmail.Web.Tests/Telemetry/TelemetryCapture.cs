using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Pop3Webmail.Web.Telemetry;

namespace Pop3Webmail.Web.Tests.Telemetry;

/// <summary>One measurement as a MeterListener saw it.</summary>
internal sealed record Measurement(string Instrument, double Value, IReadOnlyDictionary<string, object?> Tags)
{
    public string? Tag(string key) => Tags.TryGetValue(key, out var value) ? value as string : null;
}

/// <summary>
/// A <see cref="MailboxTelemetry"/> of its own (own meter factory, fake clock) with listeners that record exactly its
/// measurements and spans, so tests running in parallel never see each other's.
/// </summary>
internal sealed class TelemetryCapture : IDisposable
{
    private readonly ServiceProvider _services;
    private readonly MeterListener _meterListener = new();
    private readonly ActivityListener _activityListener;
    private readonly ConcurrentQueue<Measurement> _measurements = new();
    private readonly ConcurrentQueue<Activity> _spans = new();

    public TelemetryCapture()
    {
        _services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        Telemetry = new MailboxTelemetry(_services.GetRequiredService<IMeterFactory>(), Time);
        _meterListener.InstrumentPublished = (instrument, listener) =>
        {
            if (ReferenceEquals(instrument.Meter, Telemetry.Meter))
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _meterListener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Record(instrument, value, tags));
        _meterListener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => Record(instrument, value, tags));
        _meterListener.Start();

        var source = Telemetry.ActivitySource;
        _activityListener = new ActivityListener
        {
            ShouldListenTo = s => ReferenceEquals(s, source),
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = _spans.Enqueue,
        };
        ActivitySource.AddActivityListener(_activityListener);
    }

    public FakeTimeProvider Time { get; } = new();

    public MailboxTelemetry Telemetry { get; }

    public IReadOnlyList<Measurement> Measurements => [.. _measurements];

    /// <summary>Spans that have ended.</summary>
    public IReadOnlyList<Activity> Spans => [.. _spans];

    public IReadOnlyList<Measurement> Of(string instrument) => [.. _measurements.Where(m => m.Instrument == instrument)];

    /// <summary>The sum of an instrument's measurements, optionally only those with one tag value.</summary>
    public double Sum(string instrument, string? tagKey = null, string? tagValue = null) =>
        Of(instrument).Where(m => tagKey is null || m.Tag(tagKey) == tagValue).Sum(m => m.Value);

    public void Dispose()
    {
        _activityListener.Dispose();
        _meterListener.Dispose();
        Telemetry.Dispose();
        _services.Dispose();
    }

    private void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var copy = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var tag in tags)
        {
            copy[tag.Key] = tag.Value;
        }

        _measurements.Enqueue(new Measurement(instrument.Name, value, copy));
    }
}
