namespace Pop3Webmail.DemoServer;

/// <summary>
/// The initial content of a maildrop: an ordered, immutable list of messages with unique UIDs. The server copies it
/// into each account's maildrop at start, so deletions never touch a <see cref="DemoMailbox"/> or its source files.
/// </summary>
public sealed class DemoMailbox
{
    private const string ResourcePrefix = "Pop3Webmail.DemoServer.Mailbox.";

    private static readonly Lazy<DemoMailbox> LazySample = new(LoadSample);

    public DemoMailbox(IEnumerable<DemoMessage> messages)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var list = messages.ToArray();
        var duplicate = list.GroupBy(static m => m.Uid, StringComparer.Ordinal).FirstOrDefault(static g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new ArgumentException($"Two messages have the same name and content ({duplicate.First().Name}); UIDs must be unique (RFC 1939 §7).", nameof(messages));
        }

        Messages = list;
    }

    /// <summary>Messages in maildrop order: message number 1 is the first.</summary>
    public IReadOnlyList<DemoMessage> Messages { get; }

    /// <summary>Total of the message sizes in octets, as STAT reports it for a fresh session.</summary>
    public long Size => Messages.Sum(static m => m.Size);

    /// <summary>
    /// The shipped sample mailbox: the <c>Mailbox/*.eml</c> files embedded in this assembly plus one large message
    /// generated deterministically (so the repository stays small), in file name order, oldest first.
    /// </summary>
    public static DemoMailbox Sample => LazySample.Value;

    /// <summary>Every <c>*.eml</c> file of a directory, in ordinal file name order. The files are read once, never written.</summary>
    public static DemoMailbox FromDirectory(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var files = Directory.GetFiles(path, "*.eml").OrderBy(static f => Path.GetFileName(f), StringComparer.Ordinal);
        return new DemoMailbox(files.Select(static f => DemoMessage.Create(Path.GetFileName(f), File.ReadAllBytes(f))));
    }

    private static DemoMailbox LoadSample()
    {
        var assembly = typeof(DemoMailbox).Assembly;
        var messages = new List<DemoMessage> { SampleLargeMessage.Create() };
        foreach (var resource in assembly.GetManifestResourceNames().Where(static n => n.StartsWith(ResourcePrefix, StringComparison.Ordinal)))
        {
            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var buffer = new MemoryStream();
            stream.CopyTo(buffer);
            messages.Add(DemoMessage.Create(resource[ResourcePrefix.Length..], buffer.GetBuffer().AsSpan(0, (int)buffer.Length)));
        }

        return new DemoMailbox(messages.OrderBy(static m => m.Name, StringComparer.Ordinal));
    }
}
