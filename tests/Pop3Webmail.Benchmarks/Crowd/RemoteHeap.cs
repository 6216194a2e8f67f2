using System.Diagnostics.Tracing;
using Microsoft.Diagnostics.NETCore.Client;
using Microsoft.Diagnostics.Tracing;
using Microsoft.Diagnostics.Tracing.Parsers;
using Microsoft.Diagnostics.Tracing.Parsers.Clr;

namespace Pop3Webmail.Benchmarks.Crowd;

/// <summary>
/// The managed memory another .NET process keeps alive: a full blocking GC is induced in it over EventPipe (the runtime
/// collects when a session asks for GCHeapCollect, as dotnet-gcdump does), and the heap's size after that collection
/// is read from the GCHeapStats event the runtime reports: every generation, the large and the pinned object heap.
/// </summary>
internal static class RemoteHeap
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    public static async Task<double> RetainedBytesAsync(int processId)
    {
        var client = new DiagnosticsClient(processId);
        using var session = client.StartEventPipeSession(
            new EventPipeProvider("Microsoft-Windows-DotNETRuntime", EventLevel.Informational, (long)(ClrTraceEventParser.Keywords.GC | ClrTraceEventParser.Keywords.GCHeapCollect)),
            requestRundown: false);
        using var source = new EventPipeEventSource(session.EventStream);
        var retained = new TaskCompletionSource<double>(TaskCreationOptions.RunContinuationsAsynchronously);
        var inducedFullCollection = false;
        source.Clr.GCStart += start => inducedFullCollection = start.Depth == 2 && start.Reason is GCReason.Induced or GCReason.InducedNotForced;
        source.Clr.GCHeapStats += stats =>
        {
            if (inducedFullCollection)
            {
                retained.TrySetResult(stats.GenerationSize0 + stats.GenerationSize1 + stats.GenerationSize2 + stats.GenerationSize3 + stats.GenerationSize4);
            }
        };
        var processing = Task.Run(source.Process);
        try
        {
            return await retained.Task.WaitAsync(Timeout);
        }
        finally
        {
            await session.StopAsync(CancellationToken.None);
            await processing;
        }
    }
}
