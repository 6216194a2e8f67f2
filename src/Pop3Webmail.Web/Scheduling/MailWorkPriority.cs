namespace Pop3Webmail.Web.Scheduling;

/// <summary>What POP3 work is for, highest priority first.</summary>
public enum MailWorkPriority
{
    /// <summary>
    /// The first page of a visit that has just signed in: ahead of sign-ins still waiting for their login, so a crowd's
    /// users get their inbox in the order they came, instead of every first page queuing behind the last login.
    /// </summary>
    FirstPage,

    /// <summary>Someone is waiting on it: sign-in, the first page of the list, opening a message, a deletion.</summary>
    Interactive,

    /// <summary>Listing the rest of the mailbox behind the first page.</summary>
    Background,

    /// <summary>NOOP so an idle connection is not closed by the server's autologout timer (RFC 1939 §3: at least 10 minutes).</summary>
    KeepAlive,
}
