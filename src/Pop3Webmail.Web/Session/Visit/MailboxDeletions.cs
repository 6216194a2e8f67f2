using Pop3Webmail.Pop3;
using Pop3Webmail.Web.Session.Inbox;

namespace Pop3Webmail.Web.Session.Visit;

/// <summary>What marking the pending deletions again on a new connection came to.</summary>
/// <param name="Dropped">Deletions whose message could not be proven on the new connection: dropped, the user is told.</param>
/// <param name="Gone">Deletions whose message another client deleted meanwhile.</param>
internal readonly record struct ReplayResult(int Dropped, int Gone);

/// <summary>
/// The DELE side of a visit: marks, undo (POP3 has no "undelete one", RFC 1939 §5: RSET unmarks everything, then the
/// rest is marked again) and replay on a new connection under the ledger's identity rule. Every method runs with the
/// wire held.
/// </summary>
internal sealed class MailboxDeletions(InboxIndex index, DeletionLedger ledger)
{
    /// <summary>
    /// Marks <paramref name="keys"/> that are listed on this connection and not yet pending; returns how many keys name
    /// no message of the current listing (a reconnect replaced it since the view was drawn), which are not marked.
    /// </summary>
    public async Task<int> MarkAsync(Pop3Client client, IReadOnlyCollection<string> keys, CancellationToken cancellationToken)
    {
        var marked = new List<string>();
        var unknown = 0;
        foreach (var key in keys.Distinct(StringComparer.Ordinal))
        {
            // The key names a message of the current listing: its number is proven on this very connection.
            if (index.Find(key) is not { } message)
            {
                unknown++;
            }
            else if (ledger.Mark(key, index.IdentityOf(message)))
            {
                marked.Add(key);
            }
        }

        if (marked.Count > 0)
        {
            // Recorded before DELE is sent: if the connection drops mid-way, the replay marks them all again.
            await SendAsync(client, marked, cancellationToken);
        }

        return unknown;
    }

    public async Task<bool> UndoAsync(Pop3Client client, string key, CancellationToken cancellationToken)
    {
        if (!ledger.Unmark(key))
        {
            return false;
        }

        await client.ResetAsync(cancellationToken);
        await SendAsync(client, ledger.Entries.Select(static e => e.Key).ToArray(), cancellationToken);
        return true;
    }

    public async Task<bool> UndoAllAsync(Pop3Client client, CancellationToken cancellationToken)
    {
        if (ledger.Count == 0)
        {
            return false;
        }

        ledger.Clear();
        await client.ResetAsync(cancellationToken);
        return true;
    }

    /// <summary>
    /// Marks the pending deletions again on a new connection whose listing the index holds: the ones proven by UIDL at
    /// once; the ones known by fingerprint after reading the headers of their same-size candidates with TOP; the rest
    /// are dropped (and counted, so the user is told).
    /// </summary>
    public async Task<ReplayResult> ReplayAsync(Pop3Client client, CancellationToken cancellationToken)
    {
        if (ledger.Count == 0)
        {
            return default;
        }

        var plan = ledger.PlanReplay(index);
        foreach (var (deletion, message) in plan.Proven)
        {
            // Under the new listing's key, or the DELE below would not find it while the ledger still promised it.
            ledger.Rekey(deletion.Key, message.Key);
        }

        var dropped = plan.Unprovable.Count;
        var gone = plan.Gone.Count;
        foreach (var entry in plan.Unprovable.Concat(plan.Gone))
        {
            ledger.Unmark(entry.Key);
        }

        if (plan.ToVerify.Count > 0)
        {
            var numbers = plan.ToVerify.SelectMany(static v => v.Candidates).Distinct().ToArray();
            var summaries = await client.GetMessageSummariesAsync(numbers, progress: null, cancellationToken);
            index.AddSummaries(summaries);
            var fingerprints = summaries.ToDictionary(static s => s.MessageNumber, MessageIdentity.FingerprintOf);
            var outcome = DeletionLedger.Settle(plan.ToVerify, fingerprints, index);
            foreach (var (deletion, message) in outcome.Proven)
            {
                ledger.Rekey(deletion.Key, message.Key);
            }

            foreach (var entry in outcome.Unprovable.Concat(outcome.Gone))
            {
                ledger.Unmark(entry.Key);
            }

            dropped += outcome.Unprovable.Count;
            gone += outcome.Gone.Count;
        }

        await SendAsync(client, ledger.Entries.Select(static e => e.Key).ToArray(), cancellationToken);
        return new ReplayResult(dropped, gone);
    }

    /// <summary>
    /// Sends DELE for <paramref name="keys"/>, pipelined. If the server refuses any, the marks are rebuilt one message at
    /// a time (RSET, then DELE each pending key) so the ledger matches what the server holds marked.
    /// </summary>
    private async Task SendAsync(Pop3Client client, IReadOnlyCollection<string> keys, CancellationToken cancellationToken)
    {
        var numbers = keys.Select(index.Find).OfType<IndexedMessage>().Select(static m => m.Number).ToArray();
        if (numbers.Length == 0)
        {
            return;
        }

        try
        {
            await client.DeleteAsync(numbers, cancellationToken);
        }
        catch (Pop3CommandException ex) when (ex.ResponseCode.Kind != Pop3ResponseCodeKind.SysTemp)
        {
            await client.ResetAsync(cancellationToken);
            var accepted = new HashSet<string>(StringComparer.Ordinal);
            foreach (var entry in ledger.Entries)
            {
                if (index.Find(entry.Key) is not { } message)
                {
                    continue;
                }

                try
                {
                    await client.DeleteAsync(message.Number, cancellationToken);
                    accepted.Add(entry.Key);
                }
                catch (Pop3CommandException refused) when (refused.ResponseCode.Kind != Pop3ResponseCodeKind.SysTemp)
                {
                    // The server will not delete this one (already gone elsewhere); it is no longer pending.
                }
            }

            ledger.RetainOnly(accepted);
        }
    }
}
