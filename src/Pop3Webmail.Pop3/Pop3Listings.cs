using System.Numerics;
using System.Text;

namespace Pop3Webmail.Pop3;

/// <summary>
/// STAT, LIST and UIDL replies (RFC 1939 §5, §7) and the CAPA/LANG text replies, parsed and read within bounds. Every
/// line of a hostile server counts against a limit before it is kept: a multi-line reply can never grow memory past
/// what the mailbox (by STAT) or the reply kind allows, and each violation closes the connection first.
/// </summary>
internal static class Pop3Listings
{
    /// <summary>Most lines of a CAPA or LANG reply; real servers send 5–20 (RFC 2449 §6 defines a dozen capabilities).</summary>
    public const int MaxTextReplyLines = 256;

    /// <summary>
    /// Bytes one LIST or UIDL line may take on average: "n size" or "n uid" with a uid of at most 70 characters
    /// (RFC 1939 §7) is under 85, so this tolerates sloppy servers while a listing of n lines stays within n × 128
    /// bytes (plus <see cref="ListingBytesBase"/>) on the wire and in memory.
    /// </summary>
    public const int LineAllowance = 128;

    /// <summary>The bytes every listing may use beyond its per-line allowance (a few long lines in a tiny mailbox).</summary>
    private const int ListingBytesBase = 64 * 1024;

    /// <summary>No message is a terabyte: a larger LIST size is a broken or hostile server, not mail.</summary>
    private const long MaxPlausibleSize = 1L << 40;

    public static Pop3DataLimit TextReplyLimit(Pop3ClientOptions options) =>
        new(MaxTextReplyLines * (options.MaxLineLength + 2L), Pop3Limit.ReplyBytes);

    public static Pop3DataLimit ListingLimit(int lines) => new(((long)lines * LineAllowance) + ListingBytesBase, Pop3Limit.ReplyBytes);

    /// <summary>RFC 1939 §5 "+OK nn mm"; the size may be negative on broken servers and is then reported as 0.</summary>
    public static bool TryParseStatistics(string text, out Pop3Statistics statistics)
    {
        statistics = default;
        var parts = text.Split(' ', 3, StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length < 2 || !Pop3Numbers.TryParseInt32(parts[0], out var count)
            || !Pop3Numbers.TryParseInt64(parts[1], allowNegative: true, out var size))
        {
            return false;
        }

        statistics = new Pop3Statistics(count, Math.Max(0, size));
        return true;
    }

    /// <summary>RFC 1939 §5 scan listing "n size" (more text after the size is allowed and ignored).</summary>
    public static bool TryParseScanListing<T>(ReadOnlySpan<T> line, out int number, out long size)
        where T : unmanaged, IBinaryInteger<T>
    {
        size = 0;
        return TrySplit(line, out number, out var rest)
            && Pop3Numbers.TryParseInt64(FirstWord(rest), allowNegative: false, out size)
            && size <= MaxPlausibleSize;
    }

    /// <summary>
    /// RFC 1939 §7 unique-id listing: "n uid", the uid 1–70 characters 0x21–0x7E. Sloppy servers are tolerated: a
    /// longer uid or one with other characters is kept as sent (it is still just an opaque key for us).
    /// </summary>
    public static bool TryParseUidListing(string text, out int number, out string uid)
    {
        var found = TrySplit(text.AsSpan(), out number, out var rest);
        uid = found ? rest.Trim().ToString() : string.Empty;
        return uid.Length > 0;
    }

    /// <summary>The lines of a CAPA or LANG reply, decoded for display, at most <see cref="MaxTextReplyLines"/>.</summary>
    public static async ValueTask<List<string>> ReadTextLinesAsync(Pop3Connection connection, Pop3Operation operation)
    {
        var lines = new List<string>();
        while (await connection.ReadDataLineAsync(operation).ConfigureAwait(false) is { } line)
        {
            if (lines.Count == MaxTextReplyLines)
            {
                throw connection.Fail(new Pop3LimitExceededException(Pop3Limit.ReplyLines, MaxTextReplyLines, null,
                    $"The server sent more than {MaxTextReplyLines} lines in a capability or language list; the connection was closed."), operation);
            }

            lines.Add(Pop3Response.Decode(line.Span));
        }

        return lines;
    }

    /// <summary>The data block of LIST: one line per undeleted message, numbers 1 to <paramref name="maildropSize"/>, each once.</summary>
    public static async ValueTask<Dictionary<int, long>> ReadSizesAsync(Pop3Connection connection, Pop3Operation operation, int maildropSize, List<Pop3MessageSize> sizes)
    {
        var byNumber = new Dictionary<int, long>(Math.Min(maildropSize, 1024));
        while (await connection.ReadDataLineAsync(operation).ConfigureAwait(false) is { } line)
        {
            CheckLineCount(connection, operation, byNumber.Count, maildropSize, "LIST");
            if (!TryParseScanListing(line.Span, out var number, out var size) || number > maildropSize || !byNumber.TryAdd(number, size))
            {
                throw connection.Fail(InvalidLine("LIST"), operation);
            }

            sizes.Add(new Pop3MessageSize(number, size));
        }

        return byNumber;
    }

    /// <summary>
    /// The data block of UIDL, bounded like LIST. Two numbers with the same uid are kept as sent: real servers do it,
    /// and what that means for identity is the caller's decision, not a protocol error.
    /// </summary>
    public static async ValueTask<Dictionary<int, string>> ReadUidsAsync(Pop3Connection connection, Pop3Operation operation, int maildropSize, List<Pop3MessageUid> uids)
    {
        var byNumber = new Dictionary<int, string>(Math.Min(maildropSize, 1024));
        while (await connection.ReadDataLineAsync(operation).ConfigureAwait(false) is { } line)
        {
            CheckLineCount(connection, operation, byNumber.Count, maildropSize, "UIDL");
            if (!TrySplit(line.Span, out var number, out var rest) || number > maildropSize || byNumber.ContainsKey(number))
            {
                throw connection.Fail(InvalidLine("UIDL"), operation);
            }

            var uid = Encoding.Latin1.GetString(rest).Trim();
            if (uid.Length == 0)
            {
                throw connection.Fail(InvalidLine("UIDL"), operation);
            }

            byNumber.Add(number, uid);
            uids.Add(new Pop3MessageUid(number, uid));
        }

        return byNumber;
    }

    private static void CheckLineCount(Pop3Connection connection, Pop3Operation operation, int linesSoFar, int maildropSize, string verb)
    {
        if (linesSoFar == maildropSize)
        {
            throw connection.Fail(new Pop3LimitExceededException(Pop3Limit.ListingLines, maildropSize, null,
                $"The server listed more lines in {verb} than the mailbox has messages ({maildropSize}); the connection was closed."), operation);
        }
    }

    private static Pop3ProtocolException InvalidLine(string verb) =>
        new($"The server sent an invalid {verb} reply (a malformed line, a message number out of range, or one listed twice).");

    /// <summary>Splits "n rest": a message number of at least 1, one or more spaces, then the rest of the line.</summary>
    private static bool TrySplit<T>(ReadOnlySpan<T> line, out int number, out ReadOnlySpan<T> rest)
        where T : unmanaged, IBinaryInteger<T>
    {
        var space = T.CreateTruncating(' ');
        rest = default;
        line = line.TrimStart(space);
        var end = line.IndexOf(space);
        if (end <= 0 || !Pop3Numbers.TryParseInt32(line[..end], out number) || number == 0)
        {
            number = 0;
            return false;
        }

        rest = line[end..].TrimStart(space);
        return !rest.IsEmpty;
    }

    private static ReadOnlySpan<T> FirstWord<T>(ReadOnlySpan<T> text)
        where T : unmanaged, IBinaryInteger<T>
    {
        var end = text.IndexOf(T.CreateTruncating(' '));
        return end < 0 ? text : text[..end];
    }
}
