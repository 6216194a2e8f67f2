namespace Pop3Webmail.Web.MailboxState;

/// <summary>
/// The remembered state of one mailbox for one signed-in visit (scoped to a session; dispose it at sign-out). Writes
/// go to the store at once. Safe to call from several threads. Throws <see cref="MailboxStateUnavailableException"/>
/// when the store fails (the visit goes on without memory) and <see cref="ObjectDisposedException"/> after disposal.
/// If the mailbox was rebuilt meanwhile (the password changed in another session) or purged, writes are ignored.
/// </summary>
public interface IMailboxMemory : IAsyncDisposable
{
    /// <summary>When <see cref="RecordVisitAsync"/> last ran for this mailbox, before this visit; null on the first visit.</summary>
    DateTimeOffset? PreviousVisit { get; }

    /// <summary>The remembered messages by UIDL (ordinal), as read at open. Reuse one only if its LIST size still matches.</summary>
    IReadOnlyDictionary<string, RememberedMessage> Messages { get; }

    /// <summary>
    /// Stores (inserts or replaces) these messages in one transaction. Strings are cut to sane lengths
    /// (<see cref="RememberedMessageLimits"/>); a message whose UIDL is not 1–70 printable ASCII characters (RFC 1939 §7)
    /// or whose size is negative is not stored. The caller leaves out messages without a unique UIDL.
    /// </summary>
    Task RememberAsync(IReadOnlyCollection<RememberedMessage> messages, CancellationToken cancellationToken = default);

    /// <summary>Sets the read flag of a remembered message; does nothing for a UIDL that is not remembered.</summary>
    Task SetReadAsync(string uid, bool read, CancellationToken cancellationToken = default);

    /// <summary>Removes these messages (deleted on QUIT, or no longer on the server), in one transaction.</summary>
    Task ForgetAsync(IReadOnlyCollection<string> uids, CancellationToken cancellationToken = default);

    /// <summary>Records now as the time of this visit: the next visit's <see cref="PreviousVisit"/>.</summary>
    Task RecordVisitAsync(CancellationToken cancellationToken = default);
}
