using System.Collections.Immutable;
using Pop3Webmail.Pop3;
using Pop3Webmail.Web.Session.Inbox;
using Pop3Webmail.Web.Telemetry;

namespace Pop3Webmail.Web.Session.Visit;

/// <summary>
/// Which messages of a visit are read and which arrived since the previous visit, and what of them the mailbox
/// memory keeps for the next one. Marks are held by inbox key; the memory knows messages by UIDL only, so messages
/// without a unique UIDL are marked for this visit alone.
/// </summary>
internal sealed class VisitMarks(InboxIndex index, MailboxTelemetry telemetry)
{
    private ImmutableHashSet<string> _read = ImmutableHashSet.Create<string>(StringComparer.Ordinal);
    private ImmutableHashSet<string> _new = ImmutableHashSet.Create<string>(StringComparer.Ordinal);

    private readonly Lock _memoryGate = new();
    private VisitMemory _memory = VisitMemory.None;
    private bool _memoryClosed;

    /// <summary>Where marks and summaries are remembered; none (a memory that keeps nothing) until it was attached.</summary>
    public VisitMemory Memory => Volatile.Read(ref _memory);

    public bool IsRead(string key) => _read.Contains(key);

    /// <summary>True for a message that arrived since the previous visit (one the remembered mailbox did not know).</summary>
    public bool IsNew(string key) => _new.Contains(key);

    /// <summary>Marks a message read or unread; false when it already was.</summary>
    public bool SetRead(string key, bool read)
    {
        if (!ImmutableInterlocked.Update(ref _read, (set, k) => read ? set.Add(k) : set.Remove(k), key))
        {
            return false;
        }

        if (InboxIndex.UidOf(key) is { } uid)
        {
            Memory.SetRead(uid, read);
        }

        return true;
    }

    /// <summary>
    /// Takes an opened memory into the visit (with the wire held): at sign-in, or later, when its key derivation had to
    /// wait behind a crowd's and the first page went ahead without it. False when the visit already let go of its
    /// memory (it ended first): the caller disposes <paramref name="memory"/>.
    /// </summary>
    public bool Attach(VisitMemory memory)
    {
        ArgumentNullException.ThrowIfNull(memory);
        lock (_memoryGate)
        {
            if (_memoryClosed)
            {
                return false;
            }

            Volatile.Write(ref _memory, memory);
        }

        Recall(memory);
        return true;
    }

    /// <summary>Lets go of the memory (it finishes its writes, bounded); a memory attached after this is refused.</summary>
    public ValueTask CloseMemoryAsync()
    {
        VisitMemory memory;
        lock (_memoryGate)
        {
            _memoryClosed = true;
            memory = _memory;
            Volatile.Write(ref _memory, VisitMemory.None);
        }

        return memory.DisposeAsync();
    }

    /// <summary>
    /// Takes what the memory remembers into the listing: the rows of known UIDLs, their read flags, and which messages
    /// are new since the previous visit; forgets what is no longer on the server. What this visit did before the
    /// memory came — summaries read on the wire, messages marked read — is handed to it, so nothing is lost by its
    /// coming late.
    /// </summary>
    private void Recall(VisitMemory memory)
    {
        var fresh = index.LoadedNewestFirst().Where(l => l.Message.Uid is not null && index.IsVerified(l.Message.Key)).Select(static l => l.Summary).ToArray();
        var listed = index.Messages.Where(static m => m.Uid is not null).ToArray();
        var recalled = listed.Select(m => memory.Recall(m.Uid!, m.Number, m.Size)).OfType<Pop3MessageSummary>().ToArray();
        index.AddRemembered(recalled);
        if (memory.IsOpen)
        {
            for (var i = 0; i < listed.Length; i++)
            {
                telemetry.RecordStoreLookup(i < recalled.Length ? StoreLookupResult.Hit : StoreLookupResult.Miss);
            }
        }

        var remembered = memory.Remembered;
        foreach (var key in _read)
        {
            if (InboxIndex.UidOf(key) is { } uid && remembered.TryGetValue(uid, out var known) && !known.Read)
            {
                memory.SetRead(uid, true);
            }
        }

        var rememberedRead = listed.Where(m => remembered.TryGetValue(m.Uid!, out var r) && r.Read && r.Size == m.Size).Select(static m => m.Key);
        ImmutableInterlocked.Update(ref _read, static (set, keys) => set.Union(keys), rememberedRead);
        _new = memory.IsRevisit ? [.. listed.Where(m => !remembered.ContainsKey(m.Uid!)).Select(static m => m.Key)] : [];
        var stillListed = listed.Select(static m => m.Uid!).ToHashSet(StringComparer.Ordinal);
        memory.Forget([.. remembered.Keys.Where(uid => !stillListed.Contains(uid))]);
        memory.RecordVisit();
        Remember(fresh);
    }

    /// <summary>Summaries just read on the wire: remembered for the next visit, when their UIDL proves them.</summary>
    public void Remember(IReadOnlyList<Pop3MessageSummary> summaries)
    {
        var rows = new List<(string, Pop3MessageSummary, bool)>(summaries.Count);
        foreach (var summary in summaries)
        {
            if (index.FindNumber(summary.MessageNumber) is { Uid: { } uid } message)
            {
                rows.Add((uid, summary with { Size = message.Size }, _read.Contains(message.Key)));
            }
        }

        Memory.Remember(rows);
    }

    /// <summary>After a new listing: read marks of messages no longer listed are dropped (their keys may come back for others).</summary>
    public void KeepListedOnly() =>
        ImmutableInterlocked.Update(ref _read, (set, listing) => set.Where(k => listing.Find(k) is not null).ToImmutableHashSet(StringComparer.Ordinal), index);
}
