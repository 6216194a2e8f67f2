namespace Pop3Webmail.Web.Session;

/// <summary>What went wrong with a mailbox command, in the terms a view explains to the user.</summary>
public enum MailboxErrorKind
{
    /// <summary>The session is not signed in (signed out meanwhile: idle, another tab, sign-out).</summary>
    NotSignedIn,

    /// <summary>The connection broke and could not be re-established; state (pending deletions too) is kept.</summary>
    ConnectionLost,

    /// <summary>The message is no longer on the server, or is marked for deletion in this session.</summary>
    MessageUnavailable,

    /// <summary>The server refused the command (-ERR); the connection is still usable.</summary>
    ServerRefused,

    /// <summary>The server sent a reply that breaks the protocol or a limit; the connection was closed.</summary>
    InvalidServerReply,

    /// <summary>The mailbox is read-only; nothing is ever deleted.</summary>
    ReadOnly,
}

/// <summary>
/// The one exception a mailbox session throws to views for things that can happen to any user (a lost connection,
/// a message deleted elsewhere). Views catch this type only and show <see cref="Kind"/>; protocol exceptions never
/// reach them. Misuse by code (a null argument) is still a BCL exception.
/// </summary>
public sealed class MailboxException : Exception
{
    public MailboxException()
        : this(MailboxErrorKind.ConnectionLost)
    {
    }

    public MailboxException(string message)
        : base(message)
    {
    }

    public MailboxException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public MailboxException(MailboxErrorKind kind, Exception? innerException = null)
        : base(DefaultMessage(kind), innerException)
    {
        Kind = kind;
    }

    public MailboxErrorKind Kind { get; }

    private static string DefaultMessage(MailboxErrorKind kind) => kind switch
    {
        MailboxErrorKind.NotSignedIn => "The mailbox session is not signed in.",
        MailboxErrorKind.ConnectionLost => "The connection to the mail server was lost and could not be restored.",
        MailboxErrorKind.MessageUnavailable => "The message is not available.",
        MailboxErrorKind.ServerRefused => "The mail server refused the command.",
        MailboxErrorKind.InvalidServerReply => "The mail server sent an invalid reply.",
        MailboxErrorKind.ReadOnly => "This mailbox is read-only; nothing is ever deleted.",
        _ => "The mailbox command failed.",
    };
}
