namespace Pop3Webmail.DemoServer;

/// <summary>
/// The server's in-memory copy of one account's messages and its exclusive-access lock (RFC 1939 §8). Sessions work
/// on snapshots; only QUIT in the TRANSACTION state changes the list (RFC 1939 §6).
/// </summary>
internal sealed class DemoMaildrop(DemoPop3Account account)
{
    private readonly Lock _lock = new();
    private readonly List<DemoMessage> _messages = [.. account.Mailbox.Messages];
    private int _lockedBy;

    public DemoPop3Account Account { get; } = account;

    /// <summary>Takes the lock for <paramref name="sessionId"/>; false when another session holds it.</summary>
    public bool TryLock(int sessionId)
    {
        lock (_lock)
        {
            if (_lockedBy != 0)
            {
                return false;
            }

            _lockedBy = sessionId;
            return true;
        }
    }

    public void Unlock(int sessionId)
    {
        lock (_lock)
        {
            if (_lockedBy == sessionId)
            {
                _lockedBy = 0;
            }
        }
    }

    public DemoMessage[] Snapshot()
    {
        lock (_lock)
        {
            return [.. _messages];
        }
    }

    /// <summary>Removes the messages with these UIDs; ones already gone (removed by a non-exclusive session) are skipped.</summary>
    public int Remove(IReadOnlyCollection<string> uids)
    {
        lock (_lock)
        {
            return _messages.RemoveAll(m => uids.Contains(m.Uid));
        }
    }

    public void Add(DemoMessage message)
    {
        lock (_lock)
        {
            if (_messages.Exists(m => m.Uid == message.Uid))
            {
                throw new InvalidOperationException($"The maildrop of {Account.UserName} already holds a message with UID {message.Uid}.");
            }

            _messages.Add(message);
        }
    }
}
