using System.Collections.Immutable;

namespace Pop3Webmail.Web.Session.Visit;

/// <summary>What the views read of a visit: an immutable snapshot, swapped whole whenever something changed.</summary>
internal sealed record InboxSnapshot(IReadOnlyList<InboxItem> Items, InboxProgress Progress, MailboxStatistics Statistics, IReadOnlySet<string> Pending)
{
    public static InboxSnapshot Empty { get; } = new([], default, default, ImmutableHashSet<string>.Empty);
}
