namespace Pop3Webmail.DemoServer;

/// <summary>What a message-number argument named, in one session's view of its maildrop.</summary>
internal enum DemoMessageLookup
{
    Found,
    NoSuchMessage,
    Deleted,
}

/// <summary>
/// The maildrop as one session sees it (RFC 1939 §5): the messages as they were at login, numbered from 1, with the
/// session's deletion marks. Marks are the session's own until QUIT hands them to the maildrop (§6); RSET clears
/// them. Pure bookkeeping: the session turns its answers into replies.
/// </summary>
internal sealed class DemoSessionMailbox(IReadOnlyList<DemoMessage> messages)
{
    private readonly bool[] _deleted = new bool[messages.Count];

    /// <summary>Messages at login, deleted ones included (their numbers stay taken until the session ends).</summary>
    public int Count => messages.Count;

    public int LiveCount => _deleted.Count(static d => !d);

    public long LiveSize => Live().Sum(static m => m.Message.Size);

    /// <summary>The messages not marked deleted, with their numbers.</summary>
    public IEnumerable<(int Number, DemoMessage Message)> Live()
    {
        for (var i = 0; i < messages.Count; i++)
        {
            if (!_deleted[i])
            {
                yield return (i + 1, messages[i]);
            }
        }
    }

    /// <summary>
    /// The message <paramref name="argument"/> names: a number from 1 to <see cref="Count"/>, not marked deleted
    /// (RFC 1939 §5: a deleted message may not be referenced).
    /// </summary>
    public DemoMessageLookup Find(string argument, out int number, out DemoMessage? message)
    {
        message = null;
        if (!int.TryParse(argument, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out number)
            || number < 1 || number > messages.Count)
        {
            return DemoMessageLookup.NoSuchMessage;
        }

        if (_deleted[number - 1])
        {
            return DemoMessageLookup.Deleted;
        }

        message = messages[number - 1];
        return DemoMessageLookup.Found;
    }

    /// <summary>Marks a message found by <see cref="Find"/> deleted.</summary>
    public void MarkDeleted(int number) => _deleted[number - 1] = true;

    /// <summary>RSET: every mark is gone.</summary>
    public void Reset() => Array.Clear(_deleted);

    /// <summary>The UIDs of the marked messages, for QUIT to remove.</summary>
    public IReadOnlySet<string> MarkedUids() =>
        messages.Where((_, i) => _deleted[i]).Select(static m => m.Uid).ToHashSet(StringComparer.Ordinal);
}
