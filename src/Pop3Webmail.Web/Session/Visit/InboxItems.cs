using Pop3Webmail.Pop3;
using Pop3Webmail.Web.Session.Inbox;

namespace Pop3Webmail.Web.Session.Visit;

/// <summary>
/// Turns listed summaries into the rows views see. A row is made once per summary and reused while its summary is
/// unchanged, so publishing the inbox after each background round does not rebuild ten thousand rows.
/// </summary>
internal sealed class InboxItems
{
    private readonly Dictionary<string, (Pop3MessageSummary Summary, InboxItem Item)> _made = new(StringComparer.Ordinal);

    public InboxItem ItemFor(IndexedMessage message, Pop3MessageSummary summary)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(summary);
        if (_made.TryGetValue(message.Key, out var made) && ReferenceEquals(made.Summary, summary))
        {
            return made.Item;
        }

        var item = new InboxItem(message.Key, message.Size)
        {
            From = summary.From,
            FromAddress = summary.FromAddress,
            To = summary.To,
            Subject = summary.Subject,
            Date = summary.Date,
            HasAttachments = summary.HasAttachments,
            Importance = summary.Importance switch
            {
                Pop3MessageImportance.High => MessageImportance.High,
                Pop3MessageImportance.Low => MessageImportance.Low,
                _ => MessageImportance.Normal,
            },
        };
        _made[message.Key] = (summary, item);
        return item;
    }

    /// <summary>The loaded rows of <paramref name="index"/>, newest first; rows of messages no longer listed are forgotten.</summary>
    public InboxItem[] Build(InboxIndex index)
    {
        ArgumentNullException.ThrowIfNull(index);
        var items = new List<InboxItem>(index.Loaded);
        foreach (var (message, summary) in index.LoadedNewestFirst())
        {
            items.Add(ItemFor(message, summary));
        }

        if (_made.Count > items.Count)
        {
            var listed = items.Select(static i => i.Key).ToHashSet(StringComparer.Ordinal);
            foreach (var key in _made.Keys.Where(k => !listed.Contains(k)).ToArray())
            {
                _made.Remove(key);
            }
        }

        return [.. items];
    }
}
