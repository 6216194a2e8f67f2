namespace Pop3Webmail.DemoServer;

/// <summary>How a login with the right credentials is refused when <see cref="DemoPop3Faults.LoginFailure"/> is set.</summary>
public enum DemoPop3LoginFailure
{
    None,

    /// <summary><c>-ERR [IN-USE]</c>: the maildrop is locked by another session (RFC 2449 §8.1.1).</summary>
    InUse,

    /// <summary><c>-ERR [LOGIN-DELAY]</c>: logged in too recently (RFC 2449 §8.1.2).</summary>
    LoginDelay,

    /// <summary><c>-ERR [SYS/TEMP]</c>: a temporary server failure (RFC 3206 §4).</summary>
    SysTemp,

    /// <summary><c>-ERR [SYS/PERM]</c>: a permanent server failure (RFC 3206 §4).</summary>
    SysPerm,
}

/// <summary>
/// Fault injection for tests, live on a running server (<see cref="DemoPop3Server.Faults"/>) and safe to change from
/// any thread. Per-command faults match the command verb case-insensitively and apply to every session, to commands
/// received after they are set. <see cref="DropAfterBytesSent"/> and <see cref="GreetingReply"/> apply to sessions
/// that connect after they are set. <see cref="Clear"/> removes everything and opens every gate.
/// </summary>
public sealed class DemoPop3Faults
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, string> _replies = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, TimeSpan> _delays = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, DemoPop3ReplyGate> _gates = new(StringComparer.OrdinalIgnoreCase);
    private readonly HashSet<string> _disconnects = new(StringComparer.OrdinalIgnoreCase);
    private long? _dropAfterBytesSent;
    private DemoPop3LoginFailure _loginFailure;
    private string? _greetingReply;

    internal DemoPop3Faults()
    {
    }

    /// <summary>
    /// Closes each new session's connection once this many octets (greeting included) have been sent: the reply
    /// in progress is cut off mid-line or mid-message. Null: never.
    /// </summary>
    public long? DropAfterBytesSent
    {
        get { lock (_lock) { return _dropAfterBytesSent; } }
        set
        {
            if (value is < 0)
            {
                throw new ArgumentOutOfRangeException(nameof(value), "A byte count cannot be negative.");
            }

            lock (_lock)
            {
                _dropAfterBytesSent = value;
            }
        }
    }

    /// <summary>Refuses every login whose credentials are right with the given response code; wrong ones still get [AUTH].</summary>
    public DemoPop3LoginFailure LoginFailure
    {
        get { lock (_lock) { return _loginFailure; } }
        set { lock (_lock) { _loginFailure = value; } }
    }

    /// <summary>Sent verbatim (include the CRLF) instead of the greeting, e.g. to play a server that is not POP3.</summary>
    public string? GreetingReply
    {
        get { lock (_lock) { return _greetingReply; } }
        set { lock (_lock) { _greetingReply = value; } }
    }

    /// <summary>
    /// The command is not executed; <paramref name="rawReply"/> is sent verbatim instead (include line ends and, for a
    /// multi-line reply, the terminating "." line if you want one). The session state does not change.
    /// </summary>
    public void ReplaceReply(string verb, string rawReply)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(verb);
        ArgumentNullException.ThrowIfNull(rawReply);
        lock (_lock)
        {
            _replies[verb] = rawReply;
        }
    }

    /// <summary>
    /// Waits <paramref name="delay"/> on the server's <see cref="DemoPop3ServerOptions.TimeProvider"/> before executing the
    /// command. The delay timer is armed before the command is reported (<see cref="DemoPop3Server.CommandReceived"/>,
    /// <see cref="DemoPop3SessionInfo.HeldCommand"/>), so a test may advance a fake clock as soon as it sees the command.
    /// </summary>
    public void DelayReplies(string verb, TimeSpan delay)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(verb);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(delay, TimeSpan.Zero);
        lock (_lock)
        {
            _delays[verb] = delay;
        }
    }

    /// <summary>Holds the command (not yet executed, no reply) until the returned gate is opened.</summary>
    public DemoPop3ReplyGate HoldReplies(string verb)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(verb);
        var gate = new DemoPop3ReplyGate(verb.ToUpperInvariant());
        lock (_lock)
        {
            if (_gates.Remove(verb, out var previous))
            {
                previous.Open();
            }

            _gates[verb] = gate;
        }

        return gate;
    }

    /// <summary>Closes the connection without a reply when the command arrives (after any delay or gate).</summary>
    public void DisconnectOn(string verb)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(verb);
        lock (_lock)
        {
            _disconnects.Add(verb);
        }
    }

    /// <summary>Removes every fault and opens every gate, releasing held sessions.</summary>
    public void Clear()
    {
        DemoPop3ReplyGate[] gates;
        lock (_lock)
        {
            gates = [.. _gates.Values];
            _gates.Clear();
            _replies.Clear();
            _delays.Clear();
            _disconnects.Clear();
            _dropAfterBytesSent = null;
            _loginFailure = DemoPop3LoginFailure.None;
            _greetingReply = null;
        }

        foreach (var gate in gates)
        {
            gate.Open();
        }
    }

    internal CommandFaults ForCommand(string verb)
    {
        lock (_lock)
        {
            if (_replies.Count == 0 && _delays.Count == 0 && _gates.Count == 0 && _disconnects.Count == 0)
            {
                return default;
            }

            return new CommandFaults(
                _replies.GetValueOrDefault(verb),
                _delays.GetValueOrDefault(verb),
                _gates.GetValueOrDefault(verb),
                _disconnects.Contains(verb));
        }
    }

    internal readonly record struct CommandFaults(string? Reply, TimeSpan Delay, DemoPop3ReplyGate? Gate, bool Disconnect)
    {
        public bool Holds => Delay > TimeSpan.Zero || Gate is not null;
    }
}

/// <summary>
/// Holds replies to one command verb (see <see cref="DemoPop3Faults.HoldReplies"/>) until <see cref="Open"/>; once open
/// it stays open. A test awaits <see cref="WaitUntilReachedAsync"/> to know a session is being held.
/// </summary>
public sealed class DemoPop3ReplyGate
{
    private readonly TaskCompletionSource _reached = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _opened = new(TaskCreationOptions.RunContinuationsAsynchronously);

    internal DemoPop3ReplyGate(string verb) => Verb = verb;

    public string Verb { get; }

    public bool IsOpen => _opened.Task.IsCompleted;

    /// <summary>
    /// Completes when a session first holds a command at this gate; by then the command is recorded and shown in
    /// <see cref="DemoPop3SessionInfo.HeldCommand"/>.
    /// </summary>
    public Task WaitUntilReachedAsync(CancellationToken cancellationToken = default) => _reached.Task.WaitAsync(cancellationToken);

    /// <summary>Lets every held and future command through.</summary>
    public void Open() => _opened.TrySetResult();

    internal Task PassAsync(CancellationToken cancellationToken)
    {
        _reached.TrySetResult();
        return _opened.Task.WaitAsync(cancellationToken);
    }
}
