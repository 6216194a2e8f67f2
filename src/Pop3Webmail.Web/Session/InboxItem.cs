namespace Pop3Webmail.Web.Session;

/// <summary>How much a sender marked a message as mattering (Importance / X-Priority / Priority headers).</summary>
public enum MessageImportance
{
    Normal,
    Low,
    High,
}

/// <summary>
/// One inbox row as the views see it. <see cref="Key"/> is the session's stable name for the message: it is
/// what views pass back to open or delete it, and only the session knows which message on the server it means.
/// </summary>
public sealed record InboxItem(string Key, long Size)
{
    /// <summary>Display form of the From header (decoded).</summary>
    public string From { get; init; } = string.Empty;

    /// <summary>The first sender's address.</summary>
    public string FromAddress { get; init; } = string.Empty;

    public string To { get; init; } = string.Empty;

    public string Subject { get; init; } = string.Empty;

    public DateTimeOffset? Date { get; init; }

    /// <summary>A hint from the top-level Content-Type: it may have attachments.</summary>
    public bool HasAttachments { get; init; }

    public MessageImportance Importance { get; init; }

    /// <summary>The sender as a list shows it: the display name, else the address.</summary>
    public string DisplayFrom => From.Length > 0 ? From : FromAddress;
}

/// <summary>Messages and octets on the server, the ones marked for deletion excluded (what STAT would say, RFC 1939 §5).</summary>
public readonly record struct MailboxStatistics(int MessageCount, long MailboxSize);
