namespace Pop3Webmail.Web.Session;

/// <summary>
/// The signed-in POP3 mailbox of one circuit (one browser tab), as the views see it. The implementation holds the
/// connection (and with it the server's mailbox lock, RFC 1939 §8) for the whole visit and serializes every
/// command; views only read snapshots and call these methods. Views see view records and
/// <see cref="MailboxException"/>, never protocol types.
/// </summary>
public interface IMailboxSession
{
    /// <summary>Raised (on any thread) whenever anything below changed; views re-render through InvokeAsync.</summary>
    event EventHandler? Changed;

    MailboxSessionStatus Status { get; }

    /// <summary>The signed-in mailbox, or null when signed out.</summary>
    MailboxAccount? Account { get; }

    /// <summary>How the previous session of this tab ended, or null.</summary>
    SignOutInfo? LastSignOut { get; }

    /// <summary>The latest notice (a reconnect, a mail check, a failed download), until <see cref="DismissNotice"/>.</summary>
    MailboxNotice? Notice { get; }

    /// <summary>Loaded inbox rows, newest first (highest message number first, the order the server received them).</summary>
    IReadOnlyList<InboxItem> Messages { get; }

    InboxProgress Progress { get; }

    /// <summary>Messages and octets on the server, deleted ones excluded (what STAT would say, RFC 1939 §5).</summary>
    MailboxStatistics Statistics { get; }

    /// <summary>Keys of messages marked deleted on the server; they go when the session ends with QUIT.</summary>
    IReadOnlySet<string> PendingDeletions { get; }

    bool IsRead(string key);

    /// <summary>True for a message that arrived since the user's previous visit (remembered on the server side).</summary>
    bool IsNew(string key);

    Task<SignInResult> SignInAsync(SignInRequest request, CancellationToken cancellationToken = default);

    /// <summary>
    /// Takes back the visit a resume handle (from this tab's resume cookie) names, after a reload or a lost circuit.
    /// False when there is none; <see cref="LastSignOut"/> then says why when it can.
    /// </summary>
    Task<bool> ResumeAsync(string handle, CancellationToken cancellationToken = default);

    /// <summary>A one-time ticket the page exchanges for its tab's resume cookie, once per sign-in; null when none is due.</summary>
    string? TakeResumeTicket();

    /// <summary>Ends the session with QUIT, which commits pending deletions (RFC 1939 §6).</summary>
    Task SignOutAsync(CancellationToken cancellationToken = default);

    /// <summary>Ends the session for a reason other than the user's click (e.g. the kiosk idle timeout).</summary>
    Task EndAsync(SignOutReason reason);

    Task DeleteAsync(IReadOnlyCollection<string> keys, CancellationToken cancellationToken = default);

    Task UndoDeleteAsync(string key, CancellationToken cancellationToken = default);

    Task UndoAllDeletionsAsync(CancellationToken cancellationToken = default);

    /// <summary>POP3 shows the mailbox as it was at login; new mail needs a new session (RSET, QUIT, login).</summary>
    Task CheckForNewMailAsync(CancellationToken cancellationToken = default);

    /// <summary>Tries again after <see cref="MailboxSessionStatus.ConnectionLost"/>.</summary>
    Task ReconnectAsync(CancellationToken cancellationToken = default);

    /// <summary>Retrieves and parses a message, and marks it read. The caller owns the returned hold and disposes it.</summary>
    Task<OpenedMessage> OpenMessageAsync(string key, CancellationToken cancellationToken = default);

    void SetRead(string key, bool read);

    /// <summary>A one-time, expiring link for the browser to download the target over plain HTTP.</summary>
    string CreateDownloadLink(DownloadTarget target);

    void DismissNotice();

    /// <summary>
    /// An unexpected error reached the page's error boundary. Should the circuit end now, the end is abnormal: the
    /// session lets go with RSET before QUIT, so nothing the user could still undo is committed.
    /// </summary>
    void ReportUnexpectedError();
}
