using System.Collections.Immutable;

namespace Pop3Webmail.Web.Session.Inbox;

/// <summary>A message the user marked for deletion, with what proves which message it is.</summary>
internal sealed record PendingDeletion(string Key, MessageIdentity Identity);

/// <summary>A pending deletion that needs a look at the server before it may be sent again (no UIDL to prove it).</summary>
/// <param name="Deletion">The pending deletion.</param>
/// <param name="Candidates">Message numbers of the new listing with the same size: the only ones it can be.</param>
internal sealed record DeletionToVerify(PendingDeletion Deletion, IReadOnlyList<int> Candidates);

/// <summary>What to do with the pending deletions on a new connection.</summary>
/// <param name="Proven">
/// Proven by a unique UIDL of the new listing: mark again, under the key that listing gives the message. It is not
/// always the old one: a message keyed by number in a listing where its UIDL was repeated is keyed by UIDL once the
/// UIDL is unique again, and the other way round.
/// </param>
/// <param name="ToVerify">Known only by fingerprint: compare the candidates' headers (TOP) first.</param>
/// <param name="Gone">Their UIDL is no longer listed: another client deleted them meanwhile, nothing to do.</param>
/// <param name="Unprovable">No way to tell which message they are now: dropped, and the user is told.</param>
internal sealed record ReplayPlan(
    IReadOnlyList<(PendingDeletion Deletion, IndexedMessage Message)> Proven,
    IReadOnlyList<DeletionToVerify> ToVerify,
    IReadOnlyList<PendingDeletion> Gone,
    IReadOnlyList<PendingDeletion> Unprovable);

/// <summary>
/// The messages the user marked for deletion in this visit. A DELE only marks (RFC 1939 §5), QUIT commits
/// (RFC 1939 §6), and a new connection forgets every mark, so the ledger is what survives a reconnect. Its rule:
/// a DELE is sent only for a message whose identity was proven on the connection it is sent on — by a unique UIDL,
/// or, without one, by the listing it was marked in or by a fingerprint match found with TOP. When identity cannot
/// be proven the deletion is dropped, never guessed. Pure bookkeeping; the session drives it under its wire lock.
/// </summary>
internal sealed class DeletionLedger
{
    /// <summary>More same-size candidates than this are not worth a TOP each: the deletion is dropped instead.</summary>
    internal const int MaxCandidates = 16;

    private ImmutableDictionary<string, PendingDeletion> _pending = ImmutableDictionary.Create<string, PendingDeletion>(StringComparer.Ordinal);

    /// <summary>Keys of the pending deletions; an immutable snapshot, safe to read from any thread.</summary>
    public IReadOnlySet<string> Keys => Volatile.Read(ref _pending).Keys.ToImmutableHashSet(StringComparer.Ordinal);

    public int Count => Volatile.Read(ref _pending).Count;

    public bool Contains(string key) => Volatile.Read(ref _pending).ContainsKey(key);

    public IReadOnlyCollection<PendingDeletion> Entries => Volatile.Read(ref _pending).Values.ToArray();

    /// <summary>Records a deletion; false when it was already pending.</summary>
    public bool Mark(string key, MessageIdentity identity)
    {
        ArgumentNullException.ThrowIfNull(key);
        var before = Volatile.Read(ref _pending);
        if (before.ContainsKey(key))
        {
            return false;
        }

        Volatile.Write(ref _pending, before.Add(key, new PendingDeletion(key, identity)));
        return true;
    }

    public bool Unmark(string key)
    {
        var before = Volatile.Read(ref _pending);
        Volatile.Write(ref _pending, before.Remove(key));
        return before.ContainsKey(key);
    }

    public void Clear() => Volatile.Write(ref _pending, _pending.Clear());

    /// <summary>Keeps only <paramref name="keys"/> (the ones the server accepted).</summary>
    public void RetainOnly(IReadOnlySet<string> keys)
    {
        ArgumentNullException.ThrowIfNull(keys);
        Volatile.Write(ref _pending, _pending.RemoveRange(_pending.Keys.Where(k => !keys.Contains(k)).ToArray()));
    }

    /// <summary>A deletion known by fingerprint was found again on a new connection, under a new key.</summary>
    public void Rekey(string oldKey, string newKey)
    {
        var before = Volatile.Read(ref _pending);
        if (before.TryGetValue(oldKey, out var entry))
        {
            Volatile.Write(ref _pending, before.Remove(oldKey).SetItem(newKey, entry with { Key = newKey }));
        }
    }

    /// <summary>
    /// Decides, for a new listing, which pending deletions are proven, which need a fingerprint check, which are gone
    /// and which cannot be proven. It changes nothing; the caller applies the outcome.
    /// </summary>
    public ReplayPlan PlanReplay(InboxIndex index)
    {
        ArgumentNullException.ThrowIfNull(index);
        var proven = new List<(PendingDeletion Deletion, IndexedMessage Message)>();
        var verify = new List<DeletionToVerify>();
        var gone = new List<PendingDeletion>();
        var unprovable = new List<PendingDeletion>();
        var byUid = index.Messages.Where(static m => m.Uid is not null).ToDictionary(static m => m.Uid!, StringComparer.Ordinal);
        var everyUidUnique = index.Messages.All(static m => m.Uid is not null);
        var entries = Volatile.Read(ref _pending).Values.ToArray();
        foreach (var entry in entries)
        {
            if (ProvenByUid(entry, byUid, index) is { } message)
            {
                proven.Add((entry, message));
            }
        }

        // A message proven by its UIDL is nobody else's candidate.
        var claimed = proven.Select(static p => p.Message.Number).ToHashSet();
        foreach (var entry in entries)
        {
            if (ProvenByUid(entry, byUid, index) is not null)
            {
                continue;
            }

            if (entry.Identity.Uid is { } uid && !byUid.ContainsKey(uid) && everyUidUnique)
            {
                // Every listed message has a unique UIDL and this one is not among them: it was deleted elsewhere.
                gone.Add(entry);
            }
            else if (entry.Identity.Fingerprint is null)
            {
                unprovable.Add(entry);
            }
            else
            {
                // Any message of that size may be it, whether it has a UIDL now or not (a server can start or stop
                // repeating UIDLs between sessions).
                var candidates = index.Messages.Where(m => m.Size == entry.Identity.Size && !claimed.Contains(m.Number)).Select(static m => m.Number).ToArray();
                if (candidates.Length == 0)
                {
                    // No message of that size is left: whatever it was, it is not there any more.
                    gone.Add(entry);
                }
                else if (candidates.Length > MaxCandidates)
                {
                    unprovable.Add(entry);
                }
                else
                {
                    verify.Add(new DeletionToVerify(entry, candidates));
                }
            }
        }

        return new ReplayPlan(proven, verify, gone, unprovable);
    }

    /// <summary>
    /// The message a deletion's UIDL names in the new listing, if it is the same message: same size, and, when the
    /// deletion's headers are known, the same headers read on the new connection. A server that reused the UIDL for
    /// another message (RFC 1939 §7 asks it not to) is caught here, and the UIDL proves nothing then.
    /// </summary>
    private static IndexedMessage? ProvenByUid(PendingDeletion entry, Dictionary<string, IndexedMessage> byUid, InboxIndex index)
    {
        if (entry.Identity.Uid is not { } uid || !byUid.TryGetValue(uid, out var message) || message.Size != entry.Identity.Size)
        {
            return null;
        }

        if (entry.Identity.Fingerprint is not { } fingerprint)
        {
            return message;
        }

        return index.Summary(message.Key) is { } summary && index.IsVerified(message.Key) && MessageIdentity.FingerprintOf(summary) == fingerprint
            ? message
            : null;
    }

    /// <summary>
    /// Settles the fingerprint checks of a <see cref="ReplayPlan"/>, given the fingerprints read (with TOP) of the
    /// candidates. Deletions with the same fingerprint are settled together, since copies of one mail delivered twice
    /// cannot be told apart and need not be: when no more messages match than such deletions are pending, each match
    /// is one of them (the others were deleted elsewhere); when more match, nobody can say which were meant, and all
    /// of them are dropped.
    /// </summary>
    public static VerificationOutcome Settle(IReadOnlyList<DeletionToVerify> toVerify, IReadOnlyDictionary<int, string> fingerprints, InboxIndex index)
    {
        ArgumentNullException.ThrowIfNull(toVerify);
        ArgumentNullException.ThrowIfNull(fingerprints);
        ArgumentNullException.ThrowIfNull(index);
        var proven = new List<(PendingDeletion Deletion, IndexedMessage Message)>();
        var gone = new List<PendingDeletion>();
        var unprovable = new List<PendingDeletion>();
        foreach (var group in toVerify.GroupBy(static v => v.Deletion.Identity.Fingerprint!, StringComparer.Ordinal))
        {
            var deletions = group.Select(static v => v.Deletion).ToArray();
            var matches = group.SelectMany(static v => v.Candidates).Distinct()
                .Where(n => fingerprints.TryGetValue(n, out var f) && f == group.Key)
                .Select(index.FindNumber)
                .OfType<IndexedMessage>()
                .ToArray();
            if (matches.Length > deletions.Length)
            {
                unprovable.AddRange(deletions);
                continue;
            }

            for (var i = 0; i < deletions.Length; i++)
            {
                if (i < matches.Length)
                {
                    proven.Add((deletions[i], matches[i]));
                }
                else
                {
                    gone.Add(deletions[i]);
                }
            }
        }

        return new VerificationOutcome(proven, gone, unprovable);
    }
}

/// <summary>The outcome of <see cref="DeletionLedger.Settle"/>.</summary>
internal sealed record VerificationOutcome(
    IReadOnlyList<(PendingDeletion Deletion, IndexedMessage Message)> Proven,
    IReadOnlyList<PendingDeletion> Gone,
    IReadOnlyList<PendingDeletion> Unprovable);
