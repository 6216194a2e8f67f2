using Pop3Webmail.Pop3;

namespace Pop3Webmail.Web.MailboxState;

/// <summary>What an inbox row shows for one message, keyed by its UIDL and valid while its LIST size is <see cref="Size"/>.</summary>
public sealed record RememberedMessage(
    string Uid,
    long Size,
    string From,
    string FromAddress,
    string To,
    string Subject,
    DateTimeOffset? Date,
    string? MessageId,
    bool HasAttachments,
    Pop3MessageImportance Importance,
    bool Read);
