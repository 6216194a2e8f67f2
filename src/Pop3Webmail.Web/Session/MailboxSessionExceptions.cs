namespace Pop3Webmail.Web.Session;

/// <summary>
/// The connection to the POP3 server broke and could not be re-established. The session keeps its state
/// (pending deletions included) and tries again on the next action or on <see cref="IMailboxSession.ReconnectAsync"/>.
/// </summary>
public sealed class MailboxConnectionLostException : Exception
{
    public MailboxConnectionLostException()
        : base("The connection to the mail server was lost and could not be restored.")
    {
    }

    public MailboxConnectionLostException(string message)
        : base(message)
    {
    }

    public MailboxConnectionLostException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>The message is no longer on the server (deleted meanwhile, or marked for deletion in this session).</summary>
public sealed class MailboxMessageUnavailableException : Exception
{
    public MailboxMessageUnavailableException()
        : base("The message is not available.")
    {
    }

    public MailboxMessageUnavailableException(string message)
        : base(message)
    {
    }

    public MailboxMessageUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
