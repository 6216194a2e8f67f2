using System.Text.Json;
using System.Text.Json.Serialization;

namespace Pop3Webmail.Testing.Circuits;

/// <summary>
/// What the server sent to build the pages of a client, in arrival order: page loads, root component attachments and
/// render batches (raw bytes). Replaying it into a fresh <see cref="DomDocument"/> rebuilds the page without a server,
/// so the batch reader and the mirror can be tested on real output deterministically. Saved as JSON (batches base64).
/// </summary>
public sealed class CircuitRecording
{
    private static readonly JsonSerializerOptions JsonOptions = new() { WriteIndented = true };

    private readonly Lock _gate = new();
    private readonly List<CircuitRecordingEntry> _entries = [];

    public IReadOnlyList<CircuitRecordingEntry> Entries
    {
        get
        {
            lock (_gate)
            {
                return [.. _entries];
            }
        }
    }

    public static CircuitRecording Load(string path)
    {
        var recording = new CircuitRecording();
        var entries = JsonSerializer.Deserialize<List<CircuitRecordingEntry>>(File.ReadAllText(path), JsonOptions)
            ?? throw new InvalidDataException($"{path} holds no recording.");
        recording._entries.AddRange(entries);
        return recording;
    }

    public void Save(string path) => File.WriteAllText(path, JsonSerializer.Serialize(Entries, JsonOptions));

    /// <summary>
    /// Applies the entries to a new document (a page load starts another); <paramref name="upTo"/> limits how many
    /// entries are replayed (null: all).
    /// </summary>
    public DomDocument Replay(int? upTo = null)
    {
        var document = new DomDocument();
        foreach (var entry in Entries.Take(upTo ?? int.MaxValue))
        {
            if (entry.PageLoad is not null)
            {
                document = new DomDocument();
            }
            else if (entry.Batch is { } batch)
            {
                document.Apply(RenderBatchReader.Read(batch));
            }
            else
            {
                document.AttachRootComponent(entry.ComponentId, entry.SsrComponentId);
            }
        }

        return document;
    }

    internal void AddPageLoad(Uri location) => Add(new CircuitRecordingEntry { PageLoad = location.ToString() });

    internal void AddAttach(int componentId, int ssrComponentId) => Add(new CircuitRecordingEntry { ComponentId = componentId, SsrComponentId = ssrComponentId });

    internal void AddBatch(long batchId, byte[] batch) => Add(new CircuitRecordingEntry { BatchId = batchId, Batch = batch });

    private void Add(CircuitRecordingEntry entry)
    {
        lock (_gate)
        {
            _entries.Add(entry);
        }
    }
}

/// <summary>A page load (<see cref="PageLoad"/> set), a root component attachment, or a render batch (<see cref="Batch"/> set).</summary>
public sealed record CircuitRecordingEntry
{
    [JsonPropertyName("pageLoad")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? PageLoad { get; init; }

    [JsonPropertyName("componentId")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public int ComponentId { get; init; }

    [JsonPropertyName("ssrComponentId")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public int SsrComponentId { get; init; }

    [JsonPropertyName("batchId")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public long BatchId { get; init; }

    [JsonPropertyName("batch")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public byte[]? Batch { get; init; }
}
