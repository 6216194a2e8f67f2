using System.Text.Json.Serialization;

namespace Pop3Webmail.Benchmarks.Reporting;

/// <summary>
/// One measurement: ours against a peer (another client, the raw server-bound limit, or a fixed budget). Times are
/// in seconds, memory rows in bytes (<see cref="Unit"/> says which). <see cref="Ratio"/> is always ours / peer; the
/// target is stated in those terms.
/// </summary>
internal sealed record ResultRow
{
    [JsonPropertyName("name")]
    public required string Name { get; init; }

    [JsonPropertyName("ours_s")]
    public required double Ours { get; init; }

    [JsonPropertyName("peer")]
    public required string Peer { get; init; }

    [JsonPropertyName("peer_s")]
    public required double PeerValue { get; init; }

    [JsonPropertyName("ratio")]
    public double Ratio => PeerValue == 0 ? double.PositiveInfinity : Ours / PeerValue;

    /// <summary>Median of the per-round ratios ours/peer (see <see cref="Samples.PairedRatio"/>); context, not judged.</summary>
    [JsonPropertyName("paired_ratio")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public double? PairedRatio { get; init; }

    [JsonPropertyName("target")]
    public required string Target { get; init; }

    /// <summary>Whether the target is met; null for rows that give context (a server-bound limit) and have no target.</summary>
    [JsonPropertyName("met")]
    public required bool? Met { get; init; }

    /// <summary>"s" for times, "bytes" for memory.</summary>
    [JsonPropertyName("unit")]
    public required string Unit { get; init; }

    [JsonPropertyName("ours_min")]
    public double OursMin { get; init; }

    [JsonPropertyName("ours_max")]
    public double OursMax { get; init; }

    [JsonPropertyName("peer_min")]
    public double PeerMin { get; init; }

    [JsonPropertyName("peer_max")]
    public double PeerMax { get; init; }

    [JsonPropertyName("repetitions")]
    public int Repetitions { get; init; }

    /// <summary>Anything a reader needs to interpret the row (what was counted, why a target is not met).</summary>
    [JsonPropertyName("note")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Note { get; init; }

    /// <summary>A row comparing two sample sets; <paramref name="met"/> judges the medians (null: no target, context only).</summary>
    public static ResultRow Compare(string name, Samples ours, string peer, Samples peerSamples, string unit, string target, Func<double, double, bool>? met, string? note = null) => new()
    {
        Name = name,
        Ours = ours.Median,
        OursMin = ours.Min,
        OursMax = ours.Max,
        Peer = peer,
        PeerValue = peerSamples.Median,
        PeerMin = peerSamples.Min,
        PeerMax = peerSamples.Max,
        Repetitions = ours.Count,
        PairedRatio = ours.PairedRatio(peerSamples),
        Unit = unit,
        Target = target,
        Met = met?.Invoke(ours.Median, peerSamples.Median),
        Note = note,
    };

    /// <summary>A row comparing ours with a fixed budget (e.g. bytes per session).</summary>
    public static ResultRow Budget(string name, Samples ours, double budget, string unit, string target, string? note = null) => new()
    {
        Name = name,
        Ours = ours.Median,
        OursMin = ours.Min,
        OursMax = ours.Max,
        Peer = "budget",
        PeerValue = budget,
        PeerMin = budget,
        PeerMax = budget,
        Repetitions = ours.Count,
        Unit = unit,
        Target = target,
        Met = ours.Median <= budget,
        Note = note,
    };
}
