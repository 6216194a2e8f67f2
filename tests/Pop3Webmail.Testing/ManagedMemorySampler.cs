namespace Pop3Webmail.Testing;

/// <summary>
/// Measures how far the managed heap grows while something runs: a full GC sets the baseline, then a dedicated
/// thread samples <see cref="GC.GetTotalMemory(bool)"/> (live objects plus everything allocated since the last
/// GC) about every millisecond and keeps the peak. Also reports bytes allocated meanwhile, which no GC can hide.
/// Used by the benchmark program and by the hostile-server tests (which run alone, so the heap is theirs).
/// </summary>
public sealed class ManagedMemorySampler : IDisposable
{
    private readonly long _baseline;
    private readonly long _allocatedAtStart;
    private readonly Thread _thread;
    private readonly ManualResetEventSlim _stopping = new();
    private long _peak;

    public ManagedMemorySampler()
    {
        Settle();
        _baseline = GC.GetTotalMemory(forceFullCollection: false);
        _peak = _baseline;
        _allocatedAtStart = GC.GetTotalAllocatedBytes(precise: true);
        _thread = new Thread(Sample) { IsBackground = true, Name = "memory sampler" };
        _thread.Start();
    }

    /// <summary>Stops sampling; returns the peak growth over the baseline and the bytes allocated since the start.</summary>
    public (long PeakGrowth, long Allocated) Stop()
    {
        Observe();
        StopSampling();
        return (Interlocked.Read(ref _peak) - _baseline, GC.GetTotalAllocatedBytes(precise: true) - _allocatedAtStart);
    }

    public void Dispose()
    {
        StopSampling();
        _stopping.Dispose();
    }

    /// <summary>Full blocking GCs, so garbage from before is not counted (or collected) during the measurement.</summary>
    public static void Settle()
    {
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
    }

    private void StopSampling()
    {
        _stopping.Set();
        _thread.Join();
    }

    /// <summary>One observation a millisecond until stopped; the wait ends at once when <see cref="Stop"/> is called.</summary>
    private void Sample()
    {
        do
        {
            Observe();
        }
        while (!_stopping.Wait(TimeSpan.FromMilliseconds(1)));
    }

    private void Observe()
    {
        var now = GC.GetTotalMemory(forceFullCollection: false);
        long peak;
        while (now > (peak = Interlocked.Read(ref _peak)) && Interlocked.CompareExchange(ref _peak, now, peak) != peak)
        {
        }
    }
}
