namespace Pop3Webmail.Web.MailboxState;

/// <summary>
/// How much of each field is kept. Every field comes from the POP3 server, which is hostile input: a header of a
/// megabyte must not become a megabyte per row. The lengths are generous for an inbox row and count UTF-16 units.
/// </summary>
public static class RememberedMessageLimits
{
    /// <summary>RFC 1939 §7: a unique-id is 1 to 70 characters in the range 0x21 to 0x7E.</summary>
    public const int UidLength = 70;

    public const int FromLength = 256;

    /// <summary>RFC 5321 §4.5.3.1: a path is at most 256 octets; a little more for what a parser may keep around it.</summary>
    public const int AddressLength = 320;

    public const int ToLength = 512;

    public const int SubjectLength = 512;

    public const int MessageIdLength = 256;

    /// <summary>True when <paramref name="uid"/> can key a row: 1–70 characters, each 0x21–0x7E (RFC 1939 §7).</summary>
    public static bool IsValidUid(string? uid) =>
        uid is { Length: > 0 and <= UidLength } && !uid.AsSpan().ContainsAnyExceptInRange('\x21', '\x7E');

    /// <summary>
    /// The message as it will be stored: fields cut to their limits, or null when it cannot be stored at all (an
    /// invalid UIDL, a negative size).
    /// </summary>
    public static RememberedMessage? Apply(RememberedMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (!IsValidUid(message.Uid) || message.Size < 0)
        {
            return null;
        }

        return message with
        {
            From = Cut(message.From, FromLength),
            FromAddress = Cut(message.FromAddress, AddressLength),
            To = Cut(message.To, ToLength),
            Subject = Cut(message.Subject, SubjectLength),
            MessageId = message.MessageId is null ? null : Cut(message.MessageId, MessageIdLength),
        };
    }

    /// <summary>The first <paramref name="limit"/> UTF-16 units, never ending in half a surrogate pair.</summary>
    internal static string Cut(string? value, int limit)
    {
        if (string.IsNullOrEmpty(value))
        {
            return string.Empty;
        }

        if (value.Length <= limit)
        {
            return value;
        }

        var length = char.IsHighSurrogate(value[limit - 1]) ? limit - 1 : limit;
        return value[..length];
    }
}
