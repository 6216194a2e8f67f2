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
    private readonly HashSet<string> _unverified = new(StringComparer.Ordinal);
    private IndexedMessage[] _newestFirst = [];
    private bool _uidlsTrusted = true;

    /// <summary>False once the server was caught reusing a UIDL for another message: then every key is by number.</summary>
    public bool UidlsTrusted => _uidlsTrusted;

    /// <summary>Counts the listings applied; number keys carry it.</summary>
    public int Listing { get; private set; }

    /// <summary>The messages of the current listing, newest (highest number) first.</summary>
    public IReadOnlyList<IndexedMessage> Messages => _newestFirst;

    /// <summary>Summaries loaded, plus messages whose summary could not be read.</summary>
    public int Loaded => _summaries.Count + _unavailable.Count;

    public bool IsComplete => Loaded >= _newestFirst.Length;

    public IndexedMessage? Find(string key) => _byKey.GetValueOrDefault(key);

    public IndexedMessage? FindNumber(int number) => _byNumber.GetValueOrDefault(number);

    /// <summary>True for a message whose summary the server would not give (TOP and RETR refused).</summary>
    public bool IsUnavailable(string key) => _unavailable.Contains(key);

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
        if (uids is not null && _uidlsTrusted)
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

        var previousSizes = _byKey.Values.ToDictionary(static m => m.Key, static m => m.Size, StringComparer.Ordinal);
        var previousKeys = previousSizes.Keys.ToHashSet(StringComparer.Ordinal);
        var previousCount = _newestFirst.Length;
        var hadUids = previousKeys.Any(static k => k.StartsWith("u:", StringComparison.Ordinal));
        _byKey.Clear();
        _byNumber.Clear();
        var listing = new List<IndexedMessage>(sizes.Count);
        foreach (var entry in sizes.OrderByDescending(static s => s.MessageNumber))
        {
            var uid = uidByNumber.GetValueOrDefault(entry.MessageNumber);
            var key = uid is not null
                ? KeyOf(uid)
                : "n" + Listing.ToString(CultureInfo.InvariantCulture) + ":" + entry.MessageNumber.ToString(CultureInfo.InvariantCulture);
            var message = new IndexedMessage(entry.MessageNumber, key, entry.Size, uid);
            listing.Add(message);
            _byKey[key] = message;
            _byNumber[entry.MessageNumber] = message;
        }

        _newestFirst = [.. listing];
        _unverified.Clear();
        foreach (var key in _summaries.Keys.ToArray())
        {
            if (_byKey.TryGetValue(key, out var message) && _summaries[key].Size == message.Size)
            {
                // Kept, but a UIDL is only as good as the server that issued it: see Verify.
                _summaries[key] = _summaries[key] with { MessageNumber = message.Number };
                _unverified.Add(key);
            }
            else
            {
                _summaries.Remove(key);
            }
        }

        _unavailable.IntersectWith(_byKey.Keys);

        // A message never changes size (RFC 1939 §5), so a UIDL now listed with another size was reused for another
        // message: from here on this server's UIDLs prove nothing.
        if (listing.Exists(m => m.Uid is not null && previousSizes.TryGetValue(m.Key, out var size) && size != m.Size))
        {
            DistrustUidls();
        }

        if (previousCount == 0 && Listing == 1)
        {
            return default;
        }

        if (hadUids && _uidlsTrusted)
        {
            var added = _byKey.Keys.Count(k => !previousKeys.Contains(k));
            var removed = previousKeys.Count(k => !_byKey.ContainsKey(k));
            return new ListingChange(added, removed);
        }

        // Without UIDL only the count can say what changed (and not even that exactly).
        return new ListingChange(Math.Max(0, listing.Count - previousCount), Math.Max(0, previousCount - listing.Count));
    }

    /// <summary>
    /// The messages whose summaries a new listing carried over by UIDL and that should be read again to check them: the
    /// newest <paramref name="newest"/>, and every one in <paramref name="alsoKeys"/> (those with pending deletions).
    /// </summary>
    public IReadOnlyList<IndexedMessage> CarriedOver(int newest, IEnumerable<string> alsoKeys)
    {
        ArgumentNullException.ThrowIfNull(alsoKeys);
        var also = alsoKeys.ToHashSet(StringComparer.Ordinal);
        return _newestFirst.Take(newest).Concat(_newestFirst.Where(m => also.Contains(m.Key))).Where(m => _unverified.Contains(m.Key)).Distinct().ToArray();
    }

    /// <summary>True when the summary under <paramref name="key"/> was read on this connection (or checked on it).</summary>
    public bool IsVerified(string key) => !_unverified.Contains(key);

    /// <summary>
    /// Compares summaries read again on this connection with the ones carried over by UIDL. A server that reuses a UIDL
    /// for another message (RFC 1939 §7 asks servers not to, and some number their messages instead) shows up as a
    /// mismatch; from then on its UIDLs prove nothing for this visit: every message is keyed by number in a new
    /// listing (so keys views still hold stop resolving instead of naming other mail), and every carried-over summary
    /// is forgotten and read again. Returns true when such a reuse was found.
    /// </summary>
    public bool Verify(IReadOnlyCollection<Pop3MessageSummary> fresh)
    {
        ArgumentNullException.ThrowIfNull(fresh);
        var reused = false;
        foreach (var summary in fresh)
        {
            if (_byNumber.TryGetValue(summary.MessageNumber, out var message) && _unverified.Contains(message.Key)
                && _summaries.TryGetValue(message.Key, out var kept) && MessageIdentity.FingerprintOf(kept) != MessageIdentity.FingerprintOf(summary with { Size = message.Size }))
            {
                reused = true;
            }
        }

        if (reused)
        {
            DistrustUidls();
        }
        else
        {
            foreach (var summary in fresh)
            {
                if (_byNumber.TryGetValue(summary.MessageNumber, out var message))
                {
                    _unverified.Remove(message.Key);
                }
            }
        }

        AddSummaries(fresh);
        return reused;
    }

    private void DistrustUidls()
    {
        _uidlsTrusted = false;
        Listing++;
        foreach (var key in _unverified)
        {
            _summaries.Remove(key);
        }

        _unverified.Clear();
        var summaries = _summaries.Values.ToArray();
        _summaries.Clear();
        _unavailable.Clear();
        _byKey.Clear();
        _byNumber.Clear();
        _newestFirst = _newestFirst
            .Select(m => new IndexedMessage(m.Number, "n" + Listing.ToString(CultureInfo.InvariantCulture) + ":" + m.Number.ToString(CultureInfo.InvariantCulture), m.Size, null))
            .ToArray();
        foreach (var message in _newestFirst)
        {
            _byKey[message.Key] = message;
            _byNumber[message.Number] = message;
        }

        AddSummaries(summaries);
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

    /// <summary>
    /// Summaries remembered from an earlier visit (by UIDL, at the listed size): shown at once and not read again, but,
    /// like those carried over by UIDL, read again and compared before a command acts on their message.
    /// </summary>
    public void AddRemembered(IEnumerable<Pop3MessageSummary> summaries)
    {
        ArgumentNullException.ThrowIfNull(summaries);
        foreach (var summary in summaries)
        {
            if (_byNumber.TryGetValue(summary.MessageNumber, out var message) && message.Uid is not null && !_summaries.ContainsKey(message.Key))
            {
                _summaries[message.Key] = summary with { Size = message.Size };
                _unverified.Add(message.Key);
            }
        }
    }

    /// <summary>The UIDL a key names (for keys of messages with a unique UIDL), else null.</summary>
    public static string? UidOf(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return key.StartsWith("u:", StringComparison.Ordinal) ? key[2..] : null;
    }

    /// <summary>The key of the message with this unique UIDL in any listing.</summary>
    public static string KeyOf(string uid) => "u:" + uid;

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
