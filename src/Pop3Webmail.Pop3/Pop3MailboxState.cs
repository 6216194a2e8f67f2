namespace Pop3Webmail.Pop3;

/// <summary>
/// What one connection has learned about the server and the maildrop: capabilities, the APOP timestamp, whether TOP
/// works, the maildrop's size, this session's deletions and the LIST/UIDL results. Pure bookkeeping, reset on every
/// connect; the client and its helpers read and update it, tests drive it without a server.
/// </summary>
internal sealed class Pop3MailboxState
{
    /// <summary>What a message may exceed its LIST size by besides doubling (LF counted as CRLF, estimated sizes).</summary>
    private const long ClaimedSizeSlack = 1024 * 1024;

    private readonly HashSet<int> _deleted = [];

    /// <summary>The capabilities from the most recent CAPA.</summary>
    public Pop3Capabilities Capabilities { get; set; } = Pop3Capabilities.Empty;

    /// <summary>
    /// True after a login whose CAPA re-read (RFC 2449 §5) was left for the next pipelined flight to carry, because
    /// the server announced PIPELINING before login (RFC 2449 §6.6): it then costs no round trip of its own.
    /// </summary>
    public bool CapabilitiesStale { get; set; }

    public string? ApopTimestamp { get; set; }

    /// <summary>Whether TOP works on a server whose CAPA does not say (null: not tried yet; RFC 1939 §7 makes TOP optional).</summary>
    public bool? TopSupported { get; set; }

    /// <summary>
    /// The highest message number of this session: the STAT count plus the messages this session marked deleted.
    /// Message numbers never change within a session (RFC 1939 §3), so LIST and UIDL can list no other numbers and
    /// no more lines; null until the first STAT.
    /// </summary>
    public int? MaildropSize { get; private set; }

    /// <summary>The LIST sizes of this session, by message number, once read.</summary>
    public Dictionary<int, long>? Sizes { get; set; }

    /// <summary>The UIDs of this session, by message number, once read.</summary>
    public Dictionary<int, string>? Uids { get; set; }

    /// <summary>The server refused UIDL (it is optional, RFC 1939 §7): summaries have no UID, and it is not asked again.</summary>
    public bool UidlRefused { get; set; }

    /// <summary>Whether TOP is known to work: CAPA lists it, or it has answered +OK on this connection.</summary>
    public bool TopKnownToWork => Capabilities.Top || TopSupported == true;

    /// <summary>Whether UIDL is worth asking for: CAPA lists it, CAPA is unsupported or not yet re-read after login.</summary>
    public bool UidlWorthAsking => !UidlRefused && (Capabilities.Uidl || !Capabilities.IsSupported || CapabilitiesStale);

    /// <summary>Forgets everything: a new connection starts from nothing.</summary>
    public void Reset()
    {
        Capabilities = Pop3Capabilities.Empty;
        CapabilitiesStale = false;
        ApopTimestamp = null;
        TopSupported = null;
        MaildropSize = null;
        Sizes = null;
        Uids = null;
        UidlRefused = false;
        _deleted.Clear();
    }

    /// <summary>A STAT reply: the undeleted messages, to which this session's deletions are added back.</summary>
    public void RecordStatistics(Pop3Statistics statistics) => MaildropSize = statistics.MessageCount + _deleted.Count;

    /// <summary>A DELE the server accepted.</summary>
    public void MarkDeleted(int messageNumber) => _deleted.Add(messageNumber);

    /// <summary>RSET: every deletion of the session is undone (RFC 1939 §5).</summary>
    public void ResetDeletions() => _deleted.Clear();

    /// <summary>
    /// The bound of message <paramref name="number"/>'s RETR data: <see cref="Pop3ClientOptions.MaxMessageSize"/>, and
    /// when LIST gave its size, twice that plus 1 MiB (see there why).
    /// </summary>
    public Pop3DataLimit MessageLimit(Pop3ClientOptions options, int number)
    {
        var maximum = options.MaxMessageSize;
        if (Sizes is not null && Sizes.TryGetValue(number, out var claimed))
        {
            maximum = Math.Min(maximum, (claimed * 2) + ClaimedSizeSlack);
        }

        return new Pop3DataLimit(maximum, Pop3Limit.MessageSize, number);
    }

    /// <summary>The LIST size of message <paramref name="number"/>, or 0 when this session has not listed it.</summary>
    public long ClaimedSize(int number) => Sizes is not null && Sizes.TryGetValue(number, out var size) ? size : 0;

    /// <summary>Up to <paramref name="count"/> of the highest message numbers not marked deleted, newest first.</summary>
    public List<int> Newest(int count)
    {
        var newest = new List<int>(Math.Min(Math.Max(count, 0), MaildropSize ?? 0));
        for (var number = MaildropSize ?? 0; number >= 1 && newest.Count < count; number--)
        {
            if (!_deleted.Contains(number))
            {
                newest.Add(number);
            }
        }

        return newest;
    }
}
