namespace Pop3Webmail.Pop3;

/// <summary>
/// One public operation: the caller's token, the operation's deadline and the per-I/O timer, all folded into one
/// token so every read and write observes the earliest of them.
/// </summary>
internal sealed class Pop3Operation : IDisposable
{
    private readonly Pop3Connection _connection;
    private readonly CancellationTokenSource _timer;
    private readonly CancellationTokenRegistration _registration;
    private bool _ioTimedOut;

    public Pop3Operation(Pop3Connection connection, Pop3Deadline deadline, CancellationToken callerToken)
    {
        _connection = connection;
        CallerToken = callerToken;
        Deadline = deadline;
        _timer = new CancellationTokenSource(Timeout.InfiniteTimeSpan, connection.Options.TimeProvider);
        _registration = callerToken.UnsafeRegister(static state => ((CancellationTokenSource)state!).Cancel(), _timer);
        Token = _timer.Token;
    }

    public CancellationToken Token { get; }

    public CancellationToken CallerToken { get; }

    public Pop3Deadline Deadline { get; }

    /// <summary>The password or token this operation sends, if any; server replies echoing it are logged redacted.</summary>
    public string? Secret { get; set; }

    public string TimedOutMessage => _ioTimedOut
        ? "The POP3 server did not respond in time; the connection was closed."
        : "The POP3 operation took longer than allowed; the connection was closed.";

    /// <summary>Restarts the I/O timer, capped by what remains of the operation's deadline.</summary>
    public void ArmIoTimer()
    {
        var io = _connection.Options.IoTimeout;
        var remaining = Deadline.Remaining(_connection.Received);
        var due = Pop3Deadline.Earliest(remaining, io);
        if (due == Timeout.InfiniteTimeSpan)
        {
            return;
        }

        _ioTimedOut = due == io && (remaining == Timeout.InfiniteTimeSpan || io < remaining);
        if (due <= TimeSpan.Zero)
        {
            _timer.Cancel();
            return;
        }

        _timer.CancelAfter(Pop3Deadline.TimerDue(due));
    }

    public void Dispose()
    {
        _registration.Dispose();
        _timer.Dispose();
        _connection.EndOperation();
    }
}
