namespace Pop3Webmail.Web.Telemetry;

// The words metrics and spans may carry. Tag values come only from these enums (and SignInError, SignOutReason,
// MailWorkPriority), spelled in snake_case by TelemetryTags, so nothing a user typed or a server sent can reach a
// metric label or span attribute.

/// <summary>How a session came to be open: a fresh sign-in, or one picked up again (circuit reconnect, saved state).</summary>
public enum SessionStartKind
{
    SignedIn,
    Resumed,
}

/// <summary>How a session's POP3 connection ended (RFC 1939 §6: only QUIT enters the UPDATE state).</summary>
public enum QuitOutcome
{
    /// <summary>QUIT answered +OK: the deletions the user marked are committed.</summary>
    Committed,

    /// <summary>RSET then QUIT: the marks were dropped on purpose before leaving.</summary>
    Reset,

    /// <summary>QUIT got no +OK (connection gone, timeout, -ERR): the server kept every message.</summary>
    Failed,
}

/// <summary>What became of messages marked for deletion.</summary>
public enum PendingDeletionOutcome
{
    Committed,
    Discarded,
}

public enum ReconnectOutcome
{
    Succeeded,
    Failed,
}

/// <summary>A lookup in the shared mailbox state store.</summary>
public enum StoreLookupResult
{
    Hit,
    Miss,
}

/// <summary>How a listing or message open ended.</summary>
public enum OperationOutcome
{
    Succeeded,
    Failed,
    Cancelled,
}

/// <summary>Which listing: the first page a user waits for, later pages loaded behind it, or a check for new mail.</summary>
public enum ListingKind
{
    FirstPage,
    Background,
    Refresh,
}
