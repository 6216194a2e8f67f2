namespace Pop3Webmail.Pop3;

/// <summary>What to do with the reply to one queued command; <see cref="Pop3QueuedCommand.Argument"/> says which message.</summary>
internal interface IPop3ReplyHandler
{
    /// <summary>
    /// Sees the status of <paramref name="entry"/>'s reply; for a multi-line +OK it may read the data block, and
    /// whatever it leaves unread is drained. It may add commands to the queue (they go out in the same pipeline).
    /// </summary>
    ValueTask OnReplyAsync(Pop3QueuedCommand entry, Pop3Response response, Pop3Operation operation);
}

/// <summary>A command, the handler of its reply and the message number (or 0) that handler is told.</summary>
internal readonly record struct Pop3QueuedCommand(Pop3Command Command, IPop3ReplyHandler Handler, int Argument);

/// <summary>
/// The commands of one pipelined operation (RFC 2449 §6.6). It may grow while replies are read (a handler adds the
/// TOP commands once STAT has told the newest message numbers), and commands not yet written may be replaced (a
/// refused TOP probe turns the rest of the batch into RETR), so one flight serves what used to take several.
/// </summary>
internal sealed class Pop3CommandQueue
{
    private readonly List<Pop3QueuedCommand> _commands = [];
    private int _nextInsert;

    public int Count => _commands.Count;

    /// <summary>How many commands have been written; only the rest may be replaced.</summary>
    public int Sent { get; set; }

    public Pop3QueuedCommand this[int index] => _commands[index];

    public void Add(Pop3Command command, IPop3ReplyHandler handler, int argument = 0) => _commands.Add(new Pop3QueuedCommand(command, handler, argument));

    /// <summary>
    /// Queues a command to be written before every command not yet written (after those queued this way before it),
    /// so a retry keeps its place: without pipelining it goes out right after the reply that asked for it.
    /// </summary>
    public void AddNext(Pop3Command command, IPop3ReplyHandler handler, int argument = 0)
    {
        _nextInsert = Math.Max(_nextInsert, Sent);
        _commands.Insert(_nextInsert++, new Pop3QueuedCommand(command, handler, argument));
    }

    /// <summary>Rewrites every command not yet written for which <paramref name="replace"/> returns a new one.</summary>
    public void ReplaceUnsent(Func<Pop3QueuedCommand, Pop3QueuedCommand?> replace)
    {
        ArgumentNullException.ThrowIfNull(replace);
        for (var i = Sent; i < _commands.Count; i++)
        {
            if (replace(_commands[i]) is { } replacement)
            {
                _commands[i] = replacement;
            }
        }
    }
}
