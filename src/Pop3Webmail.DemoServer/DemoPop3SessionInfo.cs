using System.Net;

namespace Pop3Webmail.DemoServer;

/// <summary>Why a session ended.</summary>
public enum DemoPop3SessionEnd
{
    /// <summary>The client sent QUIT; in the TRANSACTION state its deletions were committed (RFC 1939 §6).</summary>
    Quit,

    /// <summary>The client closed the connection (or it broke) without QUIT; nothing was committed.</summary>
    ClientDisconnected,

    /// <summary>The inactivity autologout timer expired (RFC 1939 §3); nothing was committed.</summary>
    IdleTimeout,

    /// <summary>A command line exceeded <see cref="DemoPop3ServerOptions.MaxCommandLineLength"/>.</summary>
    LineTooLong,

    /// <summary>A fault (<see cref="DemoPop3Faults.DropAfterBytesSent"/>, <see cref="DemoPop3Faults.DisconnectOn"/>) closed it.</summary>
    FaultInjected,

    /// <summary>More than <see cref="DemoPop3ServerOptions.MaxSessions"/> sessions were open; it was refused after the greeting.</summary>
    Rejected,

    /// <summary>The server was disposed.</summary>
    ServerStopped,

    /// <summary>An unexpected error (logged); nothing was committed.</summary>
    ServerError,
}

/// <summary>
/// What a test can observe about one session. Commands are recorded as received, verb in upper case, with secrets
/// masked (<c>PASS ********</c>); the most recent <see cref="MaxRecordedCommands"/> are kept.
/// </summary>
public sealed class DemoPop3SessionInfo
{
    public const int MaxRecordedCommands = 1000;

    private readonly Lock _lock = new();
    private readonly Queue<string> _commands = new();
    private readonly TaskCompletionSource<DemoPop3SessionEnd> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private string? _userName;
    private string? _heldCommand;
    private bool _quitReceived;

    internal DemoPop3SessionInfo(int id, EndPoint? remoteEndPoint)
    {
        Id = id;
        RemoteEndPoint = remoteEndPoint;
    }

    /// <summary>1 for the first session of the server, then counting up.</summary>
    public int Id { get; }

    public EndPoint? RemoteEndPoint { get; }

    /// <summary>The account name once logged in (TRANSACTION state), otherwise null.</summary>
    public string? UserName
    {
        get { lock (_lock) { return _userName; } }
        internal set { lock (_lock) { _userName = value; } }
    }

    /// <summary>The command held by a delay or gate fault right now, as recorded in <see cref="Commands"/>.</summary>
    public string? HeldCommand
    {
        get { lock (_lock) { return _heldCommand; } }
        internal set { lock (_lock) { _heldCommand = value; } }
    }

    public bool QuitReceived
    {
        get { lock (_lock) { return _quitReceived; } }
    }

    public IReadOnlyList<string> Commands
    {
        get { lock (_lock) { return [.. _commands]; } }
    }

    public bool IsOpen => !_completion.Task.IsCompleted;

    /// <summary>Null while open.</summary>
    public DemoPop3SessionEnd? EndReason => _completion.Task.IsCompleted ? _completion.Task.Result : null;

    /// <summary>Completes with the end reason when the session's connection has been closed.</summary>
    public Task<DemoPop3SessionEnd> Completion => _completion.Task;

    internal void Record(string command, bool isQuit)
    {
        lock (_lock)
        {
            if (_commands.Count == MaxRecordedCommands)
            {
                _commands.Dequeue();
            }

            _commands.Enqueue(command);
            _quitReceived |= isQuit;
        }
    }

    internal void Complete(DemoPop3SessionEnd reason) => _completion.TrySetResult(reason);
}

/// <summary>Data of <see cref="DemoPop3Server.CommandReceived"/>.</summary>
public sealed class DemoPop3CommandEventArgs(DemoPop3SessionInfo session, string command) : EventArgs
{
    public DemoPop3SessionInfo Session { get; } = session;

    /// <summary>The command as recorded in <see cref="DemoPop3SessionInfo.Commands"/> (secrets masked).</summary>
    public string Command { get; } = command;
}

/// <summary>Data of <see cref="DemoPop3Server.SessionEnded"/>.</summary>
public sealed class DemoPop3SessionEventArgs(DemoPop3SessionInfo session) : EventArgs
{
    public DemoPop3SessionInfo Session { get; } = session;
}
