using Pop3Webmail.Pop3;
using Pop3Webmail.Web.MailboxState;

namespace Pop3Webmail.Web.Tests.MailboxState;

/// <summary>Remembered messages with distinctive, greppable field values.</summary>
internal static class SampleMessages
{
    public static readonly DateTimeOffset Date = new(2026, 2, 14, 8, 30, 0, TimeSpan.FromHours(3));

    /// <summary>Message <paramref name="n"/>: UIDL "uidl-{n}", subject "Quarterly report {n}", from Alice.</summary>
    public static RememberedMessage Numbered(int n, bool read = false) => new(
        Uid: $"uidl-{n:D6}",
        Size: 1000 + n,
        From: "Alice Liddell",
        FromAddress: "alice@wonderland.example",
        To: "bob@example.org",
        Subject: $"Quarterly report {n}",
        Date: Date.AddMinutes(n),
        MessageId: $"<{n}@wonderland.example>",
        HasAttachments: n % 2 == 0,
        Importance: (Pop3MessageImportance)(n % 3),
        Read: read);

    public static List<RememberedMessage> Range(int count) => [.. Enumerable.Range(1, count).Select(n => Numbered(n))];
}
