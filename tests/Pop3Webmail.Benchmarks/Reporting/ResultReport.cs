using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Pop3Webmail.Benchmarks.Reporting;

/// <summary>Collects rows and writes them as a markdown table (stdout) and as JSON (artifacts/bench/results.json).</summary>
internal sealed class ResultReport
{
    /// <summary>How result files are written (indented, readable non-ASCII, infinities allowed).</summary>
    internal static readonly JsonSerializerOptions JsonOptions = new()
    {
        WriteIndented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    private readonly List<ResultRow> _rows = [];

    public IReadOnlyList<ResultRow> Rows => _rows;

    public void Add(ResultRow row)
    {
        _rows.Add(row);
        Console.WriteLine($"  {row.Name}: ours {Format(row.Ours, row.Unit)} vs {row.Peer} {Format(row.PeerValue, row.Unit)} → {row.Met switch { true => "met", false => "NOT met", null => "reference" }} ({row.Target})");
    }

    public string ToMarkdown()
    {
        var text = new StringBuilder();
        text.AppendLine("| measurement | ours (median, min–max) | peer | peer (median, min–max) | ours/peer | paired | target | met |");
        text.AppendLine("| --- | --- | --- | --- | --- | --- | --- | --- |");
        foreach (var row in _rows)
        {
            text.Append(CultureInfo.InvariantCulture,
                $"| {row.Name} | {Format(row.Ours, row.Unit)} ({Format(row.OursMin, row.Unit)}–{Format(row.OursMax, row.Unit)}) | {row.Peer} | ");
            text.Append(row.Peer == "budget"
                ? Format(row.PeerValue, row.Unit)
                : $"{Format(row.PeerValue, row.Unit)} ({Format(row.PeerMin, row.Unit)}–{Format(row.PeerMax, row.Unit)})");
            var paired = row.PairedRatio is { } value ? value.ToString("0.00", CultureInfo.InvariantCulture) : "—";
            text.AppendLine(CultureInfo.InvariantCulture, $" | {row.Ratio:0.00} | {paired} | {row.Target} | {row.Met switch { true => "yes", false => "**no**", null => "—" }} |");
        }

        return text.ToString();
    }

    public async Task WriteJsonAsync(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await using var file = File.Create(path);
        await JsonSerializer.SerializeAsync(file, _rows, JsonOptions);
    }

    public static string Format(double value, string unit) => unit switch
    {
        "bytes" when Math.Abs(value) >= 1024 * 1024 => string.Create(CultureInfo.InvariantCulture, $"{value / (1024 * 1024):0.00} MiB"),
        "bytes" when Math.Abs(value) >= 1024 => string.Create(CultureInfo.InvariantCulture, $"{value / 1024:0.0} KiB"),
        "bytes" => string.Create(CultureInfo.InvariantCulture, $"{value:0} B"),
        "bytes/s" => string.Create(CultureInfo.InvariantCulture, $"{value * 8 / 1e6:0.0} Mbit/s"),
        _ when value < 1 => string.Create(CultureInfo.InvariantCulture, $"{value * 1000:0.0} ms"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{value:0.000} s"),
    };
}
