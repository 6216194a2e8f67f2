namespace Pop3Webmail.Web.MailboxState;

/// <summary>
/// Remembers each mailbox between visits: read/unread per UIDL, the time of the last visit and what each inbox row
/// shows, so a revisit fetches headers only for messages it has not seen (docs/mailbox-state.md). A singleton; each
/// signed-in visit gets its own <see cref="IMailboxMemory"/>.
/// </summary>
/// <remarks>
/// Every method throws <see cref="MailboxStateUnavailableException"/> when the store cannot be used (disk full, database
/// down, unreadable data directory, operation over <c>Mail:State:Timeout</c>); the caller goes on without memory.
/// <see cref="OperationCanceledException"/> only for the caller's own token; <see cref="ArgumentException"/> for misuse.
/// Nothing else escapes, and a damaged or tampered row is never an exception: it is treated as absent.
/// </remarks>
public interface IMailboxStateStore
{
    /// <summary>
    /// Opens the remembered state of one mailbox, creating it on first use, with a key derived from
    /// <paramref name="password"/>. Call it only after the POP3 server has accepted that password: the store cannot tell
    /// a wrong password from a changed one, and a changed password makes the old rows unreadable, so they are dropped
    /// and the mailbox starts afresh, silently. Returns null when the store is turned off (<c>Mail:RememberMailbox</c>
    /// false). Costs one key derivation (about 70 ms of CPU with the default iterations); only a few run at once, and an
    /// open waiting for its turn (see <see cref="IsCrowded"/>) does not count against <c>Mail:State:Timeout</c>: a crowd
    /// signing in together makes the store slow, not failing.
    /// </summary>
    /// <param name="serverId">
    /// A stable identity of the POP3 server (the configured server's id, or host:port of a custom one): the same user
    /// name on two servers is two mailboxes.
    /// </param>
    /// <param name="userName">The user name as signed in; compared after Unicode normalization (NFC), case-sensitively.</param>
    /// <param name="password">The password the server accepted.</param>
    /// <param name="cancellationToken">Cancels the open.</param>
    Task<IMailboxMemory?> OpenAsync(string serverId, string userName, string password, CancellationToken cancellationToken = default);

    /// <summary>True while opens wait for their turn behind other sign-ins' key derivations (a crowd at nine o'clock).</summary>
    bool IsCrowded { get; }
}
