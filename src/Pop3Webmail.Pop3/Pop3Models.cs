namespace Pop3Webmail.Pop3;

/// <summary>RFC 1939 §3 session states, plus Closed once the transport is gone.</summary>
public enum Pop3SessionState
{
    Authorization,
    Transaction,
    Closed,
}

/// <summary>STAT reply (RFC 1939 §5). A negative size from a broken server is reported as 0.</summary>
public readonly record struct Pop3Statistics(int MessageCount, long MailboxSize);

/// <summary>One LIST entry (RFC 1939 §5): message number and size in octets.</summary>
public readonly record struct Pop3MessageSize(int MessageNumber, long Size);

/// <summary>One UIDL entry (RFC 1939 §7).</summary>
public readonly record struct Pop3MessageUid(int MessageNumber, string Uid);

/// <summary>
/// A mailbox as <see cref="Pop3Client.ListMailboxAsync"/> opens it: STAT, every LIST size, the UIDLs (null when the
/// server has no UIDL) and the summaries of the newest messages asked for, newest first.
/// </summary>
public sealed record Pop3MailboxListing(
    Pop3Statistics Statistics,
    IReadOnlyList<Pop3MessageSize> Sizes,
    IReadOnlyList<Pop3MessageUid>? Uids,
    IReadOnlyList<Pop3MessageSummary> NewestSummaries);

/// <summary>Progress of a bulk operation: messages done of the total requested.</summary>
public readonly record struct Pop3Progress(int Completed, int Total);

/// <summary>The importance a mail list shows, from Importance / X-Priority / Priority headers.</summary>
public enum Pop3MessageImportance
{
    Normal,
    Low,
    High,
}

/// <summary>
/// The small, immutable summary a mail list needs for one message. Deliberately no header collection: at 10k
/// messages only these few strings are retained.
/// </summary>
public sealed record Pop3MessageSummary
{
    public required int MessageNumber { get; init; }

    public required long Size { get; init; }

    /// <summary>The UIDL of the message, or null when the server has no UIDL.</summary>
    public string? Uid { get; init; }

    /// <summary>Display form of the From header (decoded, RFC 2047).</summary>
    public string From { get; init; } = string.Empty;

    /// <summary>The first sender's address, for avatars and filters.</summary>
    public string FromAddress { get; init; } = string.Empty;

    public string To { get; init; } = string.Empty;

    public string Subject { get; init; } = string.Empty;

    public DateTimeOffset? Date { get; init; }

    public string? MessageId { get; init; }

    /// <summary>A hint from the top-level Content-Type (multipart/mixed and similar): it may have attachments.</summary>
    public bool HasAttachments { get; init; }

    public Pop3MessageImportance Importance { get; init; }
}
