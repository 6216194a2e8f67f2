using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Pop3Webmail.Benchmarks.Reporting;
using Pop3Webmail.Testing.Circuits.Webmail;

namespace Pop3Webmail.Benchmarks.Load;

/// <summary>The results of one <c>--load</c> run: a markdown summary (stdout) and JSON (artifacts/bench/load.json).</summary>
internal sealed class LoadReport
{
    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        WriteIndented = true,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    private readonly Result _result;

    public LoadReport(LoadOptions options, IReadOnlyList<LoadVisit> visits, TimeSpan wall, CpuShare cpu, MemoryReading resident, MemoryReading heap,
        ServerOutcome server, string loadAverageBefore, string loadAverageAfter)
    {
        var steps = WebmailScenario.Steps.Select(step =>
        {
            var samples = new Samples();
            foreach (var timing in visits.SelectMany(v => v.Timings).Where(t => t.Step == step))
            {
                samples.Add(timing.Elapsed.TotalSeconds);
            }

            var failed = visits.Count(v => v.FailedStep == step);
            return samples.Count == 0
                ? new StepResult(step, 0, null, null, null, failed)
                : new StepResult(step, samples.Count, samples.Median, samples.Percentile(0.95), samples.Max, failed);
        }).ToList();

        var errors = visits.SelectMany(v => v.Errors.Select(e => $"{v.User}: {e}")).Concat(server.Problems).ToList();
        var calls = new SortedDictionary<string, int>(StringComparer.Ordinal);
        foreach (var (function, count) in visits.SelectMany(v => v.JSCalls))
        {
            calls[function] = calls.GetValueOrDefault(function) + count;
        }

        _result = new Result(
            options.Circuits,
            options.MessagesPerMailbox,
            Scenarios.ScenarioRunner.MachineDescription(),
            loadAverageBefore,
            loadAverageAfter,
            wall.TotalSeconds,
            cpu.App.TotalSeconds,
            cpu.Clients.TotalSeconds,
            visits.Count(v => v.FailedStep is null && v.Errors.Count == 0),
            steps,
            errors,
            new MemoryResult(resident.First, resident.Peak, resident.Last, heap.First, heap.Peak, heap.Last),
            calls,
            server.SessionsQuit,
            server.MessagesDeleted);
    }

    public int ErrorCount => _result.Errors.Count;

    public string ToMarkdown()
    {
        var r = _result;
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"Load: {r.Circuits} concurrent circuits, {r.MessagesPerMailbox} messages per mailbox, {r.Machine}; load average {r.LoadAverageStart} → {r.LoadAverageEnd}");
        text.AppendLine();
        text.AppendLine("| step | visits | p50 | p95 | max | errors |");
        text.AppendLine("| --- | --- | --- | --- | --- | --- |");
        foreach (var step in r.Steps)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"| {step.Step} | {step.Completed} | {Time(step.P50)} | {Time(step.P95)} | {Time(step.Max)} | {step.Errors} |");
        }

        text.AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture, $"Whole crowd: {r.WallSeconds:0.00} s; clean visits {r.CleanVisits}/{r.Circuits}; errors {r.Errors.Count}.");
        text.AppendLine(CultureInfo.InvariantCulture,
            $"CPU during the crowd: app {r.AppCpuSeconds:0.0} s, circuit clients (this process) {r.ClientsCpuSeconds:0.0} s, of {r.WallSeconds * Environment.ProcessorCount:0.0} core-seconds.");
        text.AppendLine(CultureInfo.InvariantCulture,
            $"App memory during the crowd: RSS {Bytes(r.Memory.ResidentFirst)} at start, peak {Bytes(r.Memory.ResidentPeak)}, {Bytes(r.Memory.ResidentLast)} at end; managed heap {Bytes(r.Memory.HeapFirst)} → peak {Bytes(r.Memory.HeapPeak)}, {Bytes(r.Memory.HeapLast)} at end.");
        text.AppendLine(CultureInfo.InvariantCulture, $"Dovecot: {r.SessionsQuit}/{r.Circuits} sessions ended with QUIT, {r.MessagesDeleted} messages deleted.");
        text.AppendLine("JavaScript the server called: " + string.Join(", ", r.JSFunctions.Select(c => $"{c.Key} ×{c.Value}")));
        foreach (var error in r.Errors.Distinct().Take(20))
        {
            text.AppendLine("- error: " + error);
        }

        return text.ToString();
    }

    public async Task WriteJsonAsync(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await using var file = File.Create(path);
        await JsonSerializer.SerializeAsync(file, _result, JsonOptions);
    }

    private static string Time(double? seconds) => seconds is { } value ? ResultReport.Format(value, "s") : "—";

    private static string Bytes(double? bytes) => bytes is { } value ? ResultReport.Format(value, "bytes") : "—";

    private sealed record Result(
        [property: JsonPropertyName("circuits")] int Circuits,
        [property: JsonPropertyName("messages_per_mailbox")] int MessagesPerMailbox,
        [property: JsonPropertyName("machine")] string Machine,
        [property: JsonPropertyName("load_average_start")] string LoadAverageStart,
        [property: JsonPropertyName("load_average_end")] string LoadAverageEnd,
        [property: JsonPropertyName("wall_s")] double WallSeconds,
        [property: JsonPropertyName("app_cpu_s")] double AppCpuSeconds,
        [property: JsonPropertyName("clients_cpu_s")] double ClientsCpuSeconds,
        [property: JsonPropertyName("clean_visits")] int CleanVisits,
        [property: JsonPropertyName("steps")] IReadOnlyList<StepResult> Steps,
        [property: JsonPropertyName("errors")] IReadOnlyList<string> Errors,
        [property: JsonPropertyName("app_memory")] MemoryResult Memory,
        [property: JsonPropertyName("js_functions")] IReadOnlyDictionary<string, int> JSFunctions,
        [property: JsonPropertyName("sessions_quit")] int SessionsQuit,
        [property: JsonPropertyName("messages_deleted")] int MessagesDeleted);

    private sealed record StepResult(
        [property: JsonPropertyName("step")] string Step,
        [property: JsonPropertyName("completed")] int Completed,
        [property: JsonPropertyName("p50_s")] double? P50,
        [property: JsonPropertyName("p95_s")] double? P95,
        [property: JsonPropertyName("max_s")] double? Max,
        [property: JsonPropertyName("errors")] int Errors);

    private sealed record MemoryResult(
        [property: JsonPropertyName("rss_first_bytes")] double? ResidentFirst,
        [property: JsonPropertyName("rss_peak_bytes")] double? ResidentPeak,
        [property: JsonPropertyName("rss_last_bytes")] double? ResidentLast,
        [property: JsonPropertyName("heap_first_bytes")] double? HeapFirst,
        [property: JsonPropertyName("heap_peak_bytes")] double? HeapPeak,
        [property: JsonPropertyName("heap_last_bytes")] double? HeapLast);
}
