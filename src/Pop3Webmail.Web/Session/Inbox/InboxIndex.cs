using System.Globalization;
using Pop3Webmail.Pop3;

namespace Pop3Webmail.Web.Session.Inbox;

/// <summary>One message of the current listing.</summary>
/// <param name="Number">Its message number on this connection.</param>
/// <param name="Key">The key views use for it.</param>
/// <param name="Size">Its size in octets (LIST).</param>
/// <param name="Uid">The UIDL when it is unique in the listing, else null (then the number is all that identifies it).</param>
internal sealed record IndexedMessage(int Number, string Key, long Size, string? Uid);

/// <summary>How a new listing differs from the one before it.</summary>
internal readonly record struct ListingChange(int Added, int Removed);

/// <summary>
/// The inbox as listed on the current connection: message numbers (valid only on this connection, RFC 1939 §7),
/// the keys views use, and the summaries loaded so far. Pure bookkeeping; the session drives it.
/// <para>
/// A message with a unique UIDL is keyed by it ("u:" + UIDL), so the key survives a reconnect. Any other message
/// (a server without UIDL, or one that repeats a UIDL) is keyed by its number <em>and the listing it came from</em>
/// ("n" + listing + ":" + number): after a reconnect the numbers may name other messages, so such keys simply stop
/// resolving instead of pointing at the wrong mail.
/// </para>
/// </summary>
internal sealed class InboxIndex
{
    private readonly Dictionary<string, IndexedMessage> _byKey = new(StringComparer.Ordinal);
    private readonly Dictionary<int, IndexedMessage> _byNumber = [];
    private readonly Dictionary<string, Pop3MessageSummary> _summaries = new(StringComparer.Ordinal);
    private readonly HashSet<string> _unavailable = new(StringComparer.Ordinal);
    private IndexedMessage[] _newestFirst = [];

    /// <summary>Counts the listings applied; number keys carry it.</summary>
    public int Listing { get; private set; }

    /// <summary>The messages of the current listing, newest (highest number) first.</summary>
    public IReadOnlyList<IndexedMessage> Messages => _newestFirst;

    /// <summary>Summaries loaded, plus messages whose summary could not be read.</summary>
    public int Loaded => _summaries.Count + _unavailable.Count;

    public bool IsComplete => Loaded >= _newestFirst.Length;

    public IndexedMessage? Find(string key) => _byKey.GetValueOrDefault(key);

    public IndexedMessage? FindNumber(int number) => _byNumber.GetValueOrDefault(number);

    public Pop3MessageSummary? Summary(string key) => _summaries.GetValueOrDefault(key);

    /// <summary>The identity that proves <paramref name="message"/> on a later connection.</summary>
    public MessageIdentity IdentityOf(IndexedMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var fingerprint = _summaries.TryGetValue(message.Key, out var summary) ? MessageIdentity.FingerprintOf(summary) : null;
        return new MessageIdentity(message.Uid, fingerprint, message.Size);
    }

    /// <summary>
    /// Takes a new listing (the first one, or one after a reconnect). Summaries of messages whose UIDL key survives
    /// are kept (the new numbers are used from now on); everything keyed by number is forgotten.
    /// </summary>
    /// <param name="sizes">LIST: every message number and size.</param>
    /// <param name="uids">UIDL, or null when the server has none.</param>
    public ListingChange Apply(IReadOnlyList<Pop3MessageSize> sizes, IReadOnlyList<Pop3MessageUid>? uids)
    {
        ArgumentNullException.ThrowIfNull(sizes);
        Listing++;
        var uidByNumber = new Dictionary<int, string>();
        if (uids is not null)
        {
            var seen = new Dictionary<string, int>(StringComparer.Ordinal);
            foreach (var entry in uids)
            {
                seen[entry.Uid] = seen.GetValueOrDefault(entry.Uid) + 1;
                uidByNumber[entry.MessageNumber] = entry.Uid;
            }

            // A UIDL that two messages share proves neither of them.
            foreach (var (number, uid) in uidByNumber.ToArray())
            {
                if (seen[uid] > 1)
                {
                    uidByNumber.Remove(number);
                }
            }
        }

        var previousKeys = _byKey.Keys.ToHashSet(StringComparer.Ordinal);
        var previousCount = _newestFirst.Length;
        var hadUids = previousKeys.Any(static k => k.StartsWith("u:", StringComparison.Ordinal));
        _byKey.Clear();
        _byNumber.Clear();
        var listing = new List<IndexedMessage>(sizes.Count);
        foreach (var entry in sizes.OrderByDescending(static s => s.MessageNumber))
        {
            var uid = uidByNumber.GetValueOrDefault(entry.MessageNumber);
            var key = uid is not null
                ? "u:" + uid
                : "n" + Listing.ToString(CultureInfo.InvariantCulture) + ":" + entry.MessageNumber.ToString(CultureInfo.InvariantCulture);
            var message = new IndexedMessage(entry.MessageNumber, key, entry.Size, uid);
            listing.Add(message);
            _byKey[key] = message;
            _byNumber[entry.MessageNumber] = message;
        }

        _newestFirst = [.. listing];
        foreach (var key in _summaries.Keys.ToArray())
        {
            if (_byKey.TryGetValue(key, out var message) && _summaries[key].Size == message.Size)
            {
                _summaries[key] = _summaries[key] with { MessageNumber = message.Number };
            }
            else
            {
                _summaries.Remove(key);
            }
        }

        _unavailable.IntersectWith(_byKey.Keys);
        if (previousCount == 0 && Listing == 1)
        {
            return default;
        }

        if (hadUids)
        {
            var added = _byKey.Keys.Count(k => !previousKeys.Contains(k));
            var removed = previousKeys.Count(k => !_byKey.ContainsKey(k));
            return new ListingChange(added, removed);
        }

        // Without UIDL only the count can say what changed (and not even that exactly).
        return new ListingChange(Math.Max(0, listing.Count - previousCount), Math.Max(0, previousCount - listing.Count));
    }

    /// <summary>The next messages (newest first) whose summary is still to be read, skipping <paramref name="skip"/>.</summary>
    public IReadOnlyList<IndexedMessage> NextToLoad(int count, Func<string, bool> skip)
    {
        ArgumentNullException.ThrowIfNull(skip);
        return _newestFirst
            .Where(m => !_summaries.ContainsKey(m.Key) && !_unavailable.Contains(m.Key) && !skip(m.Key))
            .Take(count)
            .ToArray();
    }

    /// <summary>Records summaries read on this connection (by message number); a number no longer listed is ignored.</summary>
    public void AddSummaries(IEnumerable<Pop3MessageSummary> summaries)
    {
        ArgumentNullException.ThrowIfNull(summaries);
        foreach (var summary in summaries)
        {
            if (_byNumber.TryGetValue(summary.MessageNumber, out var message))
            {
                _summaries[message.Key] = summary with { Size = message.Size };
            }
        }
    }

    /// <summary>A message whose summary could not be read (the server refused TOP and RETR for it).</summary>
    public void MarkUnavailable(string key)
    {
        if (_byKey.ContainsKey(key) && !_summaries.ContainsKey(key))
        {
            _unavailable.Add(key);
        }
    }

    /// <summary>The loaded messages, newest first, with their keys.</summary>
    public IEnumerable<(IndexedMessage Message, Pop3MessageSummary Summary)> LoadedNewestFirst()
    {
        foreach (var message in _newestFirst)
        {
            if (_summaries.TryGetValue(message.Key, out var summary))
            {
                yield return (message, summary);
            }
        }
    }
}
