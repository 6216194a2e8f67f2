namespace Pop3Webmail.Web.Session;

/// <summary>Where a mailbox session stands; the views pick their state (form, list, banner) from it.</summary>
public enum MailboxSessionStatus
{
    SignedOut,
    SigningIn,
    Ready,
    Reconnecting,
    ConnectionLost,
}

/// <summary>Why a session ended; the login page explains it to whoever sits at the screen next.</summary>
public enum SignOutReason
{
    UserSignedOut,
    CircuitClosed,
    IdleTimeout,
    TakenOver,
    ApplicationStopping,

    /// <summary>The app was restarted (or this tab's session lived on another instance that went away).</summary>
    ServerRestarted,

    /// <summary>An unexpected error ended the page; pending deletions were kept (RSET before QUIT).</summary>
    UnexpectedError,
}

/// <summary>What a failed sign-in tells the user. Each maps to one safe, localized sentence; no server text is shown.</summary>
public enum SignInError
{
    None,
    InvalidCredentials,
    MailboxInUse,
    LoginDelay,
    TemporaryFailure,
    PermanentFailure,
    SecureConnectionFailed,
    ServerUnreachable,
    ServerNotAllowed,
    RateLimited,
    InvalidInput,
    NoCommonMechanism,
    ProtocolError,
}

/// <summary>The signed-in mailbox.</summary>
public sealed record MailboxAccount(string UserName, string ServerId, string ServerName, bool ReadOnly);

/// <summary>A sign-in attempt: either a configured server by id, or (when allowed) a custom host and port.</summary>
public sealed record SignInRequest(string UserName, string Password, string ServerId, string? CustomHost = null, int CustomPort = 0);

public sealed record SignInResult(SignInError Error, TimeSpan? RetryAfter = null)
{
    public static SignInResult Success { get; } = new(SignInError.None);

    public bool Succeeded => Error == SignInError.None;
}

/// <summary>
/// How the last session ended, kept after sign-out so the login page can say it: how many marked messages were
/// deleted, whether the deletion failed, and how many marked messages were kept because the end was not the user's
/// choice (the server restarted, an unexpected error).
/// </summary>
public sealed record SignOutInfo(SignOutReason Reason, int DeletedCount, bool DeletionsFailed, int DeletionsKept = 0);

public enum MailboxNoticeKind
{
    /// <summary>The connection broke and was re-established without the user doing anything.</summary>
    ConnectionRestored,

    /// <summary>"Check for new mail" finished.</summary>
    MailChecked,

    /// <summary>A download could not be delivered (the message is gone, the server is unreachable); nothing changed.</summary>
    DownloadFailed,
}

/// <summary>
/// A one-off message for the user after a reconnect: what happened and whether the mailbox changed meanwhile
/// (another client may have deleted or delivered mail).
/// </summary>
public sealed record MailboxNotice(MailboxNoticeKind Kind, int NewMessages, int RemovedMessages, int LostDeletions);

/// <summary>Progress of the inbox listing: summaries loaded so far of the messages on the server.</summary>
public readonly record struct InboxProgress(int Loaded, int Total)
{
    public bool IsComplete => Loaded >= Total;
}

/// <summary>
/// What a download link delivers: the raw message, or one of its body parts (by index in
/// <see cref="MimeKit.MimeMessage.BodyParts"/> order) as a file or, for previewable images and PDFs, inline.
/// </summary>
public readonly record struct DownloadTarget(string MessageKey, int? BodyPartIndex, bool Inline = false)
{
    public static DownloadTarget RawMessage(string messageKey) => new(messageKey, null);

    public static DownloadTarget BodyPart(string messageKey, int index) => new(messageKey, index);

    public static DownloadTarget Preview(string messageKey, int index) => new(messageKey, index, Inline: true);
}
