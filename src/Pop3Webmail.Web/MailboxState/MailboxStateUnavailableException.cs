namespace Pop3Webmail.Web.MailboxState;

/// <summary>
/// The mailbox state store cannot be used right now (database down, disk full, unreadable data directory, timeout,
/// a database schema newer than this app). The visit goes on without remembered state; the inner exception says why.
/// </summary>
public sealed class MailboxStateUnavailableException : Exception
{
    public MailboxStateUnavailableException(string message)
        : base(message)
    {
    }

    public MailboxStateUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
