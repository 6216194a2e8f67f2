using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Pop3Webmail.DemoServer;

/// <summary>
/// A small in-process POP3 server for the demo mailbox and for tests: RFC 1939 (USER/PASS, APOP, STAT, LIST, RETR,
/// DELE, NOOP, RSET, QUIT, TOP, UIDL), RFC 2449 CAPA with response codes and PIPELINING, RFC 5034 AUTH PLAIN and the
/// RFC 3206 codes. It listens on 127.0.0.1 only and speaks plaintext only: the traffic never leaves the machine, the
/// demo credentials are public anyway, and a fresh clone needs no certificate to generate or trust. A client must
/// therefore allow an unencrypted connection explicitly for this server (Pop3Security.None with plaintext
/// authentication allowed) and for no other.
/// </summary>
/// <remarks>
/// Each account has an in-memory maildrop copied from its <see cref="DemoMailbox"/>; each session works on a snapshot
/// taken at login, DELE and RSET are per session, and QUIT in the TRANSACTION state commits the deletions to the
/// maildrop (RFC 1939 §6). Nothing is ever written to disk. <see cref="Faults"/> injects failures; <see cref="Sessions"/>,
/// the counters, the events and <see cref="WaitUntilAsync"/> let tests observe what happened without sleeping.
/// </remarks>
public sealed partial class DemoPop3Server : IAsyncDisposable
{
    /// <summary>The user name of the default account, shown on the login page of the demo.</summary>
    public const string DemoUserName = "demo";

    /// <summary>The password of the default account, shown on the login page of the demo.</summary>
    public const string DemoPassword = "demo";

    private readonly DemoPop3ServerOptions _options;
    private readonly ILogger _logger;
    private readonly TcpListener _listener;
    private readonly Dictionary<string, DemoMaildrop> _maildrops;
    private readonly CancellationTokenSource _stopping = new();
    private readonly ConcurrentDictionary<int, Task> _sessionTasks = new();
    private readonly ConcurrentDictionary<int, CancellationTokenSource> _aborts = new();
    private readonly Lock _lock = new();
    private readonly List<DemoPop3SessionInfo> _sessions = [];
    private readonly List<Waiter> _waiters = [];
    private readonly Task _acceptLoop;
    private int _nextSessionId;
    private int _openSessions;
    private int _quitCount;
    private int _failedLogins;
    private int _disposed;

    private DemoPop3Server(DemoPop3ServerOptions options, ILogger logger)
    {
        _options = options;
        _logger = logger;
        var accounts = options.Accounts ?? [new DemoPop3Account(DemoUserName, DemoPassword, DemoMailbox.Sample)];
        _maildrops = accounts.ToDictionary(static a => a.UserName, static a => new DemoMaildrop(a), StringComparer.Ordinal);
        _listener = new TcpListener(IPAddress.Loopback, options.Port);
        _listener.Start();
        EndPoint = (IPEndPoint)_listener.LocalEndpoint;
        LogListening(EndPoint);
        _acceptLoop = AcceptLoopAsync();
    }

    /// <summary>Fires for every command a session receives, after it is recorded and before it is executed.</summary>
    public event EventHandler<DemoPop3CommandEventArgs>? CommandReceived;

    /// <summary>Fires when a session's connection has been closed. Handlers run on the session's task and must not throw.</summary>
    public event EventHandler<DemoPop3SessionEventArgs>? SessionEnded;

    /// <summary>The bound address: always 127.0.0.1.</summary>
    public IPEndPoint EndPoint { get; }

    /// <summary>The host name to connect to: "127.0.0.1".</summary>
    public string Host => EndPoint.Address.ToString();

    /// <summary>The bound port (the ephemeral one when <see cref="DemoPop3ServerOptions.Port"/> is 0).</summary>
    public int Port => EndPoint.Port;

    /// <summary>Fault injection, live: see <see cref="DemoPop3Faults"/>.</summary>
    public DemoPop3Faults Faults { get; } = new();

    /// <summary>Open sessions and the most recent finished ones, oldest first.</summary>
    public IReadOnlyList<DemoPop3SessionInfo> Sessions
    {
        get { lock (_lock) { return [.. _sessions]; } }
    }

    public int OpenSessionCount => Volatile.Read(ref _openSessions);

    /// <summary>Connections accepted since the start.</summary>
    public int TotalSessionCount => Volatile.Read(ref _nextSessionId);

    /// <summary>QUIT commands received since the start, in any state.</summary>
    public int QuitCount => Volatile.Read(ref _quitCount);

    /// <summary>Logins refused with [AUTH] since the start.</summary>
    public int FailedLoginCount => Volatile.Read(ref _failedLogins);

    /// <summary>Binds 127.0.0.1 (ephemeral port by default) and starts accepting connections.</summary>
    public static DemoPop3Server Start(DemoPop3ServerOptions? options = null, ILogger<DemoPop3Server>? logger = null)
    {
        options ??= new DemoPop3ServerOptions();
        ArgumentOutOfRangeException.ThrowIfNegative(options.Port, nameof(options));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(options.Port, IPEndPoint.MaxPort, nameof(options));
        if (options.IdleTimeout <= TimeSpan.Zero && options.IdleTimeout != Timeout.InfiniteTimeSpan)
        {
            throw new ArgumentOutOfRangeException(nameof(options), "IdleTimeout must be positive or infinite.");
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxCommandLineLength, 255, nameof(options));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(options.MaxCommandLineLength, 64 * 1024, nameof(options));
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxSessions, 1, nameof(options));
        ArgumentOutOfRangeException.ThrowIfNegative(options.SessionHistoryLimit, nameof(options));
        ArgumentNullException.ThrowIfNull(options.TimeProvider, nameof(options));
        if (options.Accounts is { } accounts)
        {
            if (accounts.Count == 0)
            {
                throw new ArgumentException("At least one account is needed.", nameof(options));
            }

            if (accounts.Select(static a => a.UserName).Distinct(StringComparer.Ordinal).Count() != accounts.Count)
            {
                throw new ArgumentException("User names must be unique.", nameof(options));
            }
        }

        return new DemoPop3Server(options, (ILogger?)logger ?? NullLogger.Instance);
    }

    /// <summary>The committed messages of an account's maildrop right now (what the next login will see).</summary>
    public IReadOnlyList<DemoMessage> GetMessages(string userName) => RequireMaildrop(userName).Snapshot();

    /// <summary>
    /// Opens a connection to this server in memory (no TCP port): the returned stream is the client's end, on which the
    /// server greets like on an accepted socket. Disposing it closes the connection, as closing a socket would.
    /// </summary>
    public Stream ConnectInMemory()
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        var (client, server) = DemoInMemoryConnection.Create();
        StartSession(server, remoteEndPoint: null, shutdownSending: null);
        return client;
    }

    /// <summary>
    /// Removes messages from an account's maildrop as another client would have (deleted and quit); sessions see it
    /// from their next login. Returns how many were removed.
    /// </summary>
    public int Expunge(string userName, IReadOnlyCollection<string> uids)
    {
        ArgumentNullException.ThrowIfNull(uids);
        var removed = RequireMaildrop(userName).Remove(uids);
        NotifyChanged();
        return removed;
    }

    /// <summary>
    /// Cuts every open session of <paramref name="userName"/> now, as a broken network would: nothing they marked is
    /// committed, their maildrop lock is released. Returns how many were cut.
    /// </summary>
    public int Disconnect(string userName)
    {
        ArgumentNullException.ThrowIfNull(userName);
        var cut = 0;
        foreach (var info in Sessions.Where(s => !s.Completion.IsCompleted && s.UserName == userName))
        {
            if (_aborts.TryGetValue(info.Id, out var abort))
            {
                abort.Cancel();
                cut++;
            }
        }

        return cut;
    }

    /// <summary>Appends a message to an account's maildrop, as new mail arriving; sessions see it from their next login.</summary>
    public void Deliver(string userName, DemoMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        RequireMaildrop(userName).Add(message);
    }

    /// <summary>
    /// Completes when <paramref name="condition"/> holds. It is checked now and after every change a test can observe
    /// (session opened or ended, command received, login), so there is no polling and no sleep.
    /// </summary>
    public async Task WaitUntilAsync(Func<DemoPop3Server, bool> condition, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(condition);
        var waiter = new Waiter(condition, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        lock (_lock)
        {
            _waiters.Add(waiter);
        }

        try
        {
            Check(waiter);
            await waiter.Completion.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            lock (_lock)
            {
                _waiters.Remove(waiter);
            }
        }
    }

    /// <summary>Completes once <paramref name="count"/> QUIT commands have been received in total.</summary>
    public Task WaitForQuitAsync(int count = 1, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        return WaitUntilAsync(s => s.QuitCount >= count, cancellationToken);
    }

    /// <summary>Stops listening, closes every session (deletions not committed, as on a crash) and waits for them.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _stopping.CancelAsync().ConfigureAwait(false);
        _listener.Stop();
        await _acceptLoop.ConfigureAwait(false);
        await Task.WhenAll(_sessionTasks.Values).ConfigureAwait(false);
        _stopping.Dispose();
    }

    internal DemoMaildrop? FindMaildrop(string userName) => _maildrops.GetValueOrDefault(userName);

    internal void OnCommandReceived(DemoPop3SessionInfo session, string command, bool isQuit)
    {
        session.Record(command, isQuit);
        if (isQuit)
        {
            Interlocked.Increment(ref _quitCount);
        }

        CommandReceived?.Invoke(this, new DemoPop3CommandEventArgs(session, command));
        NotifyChanged();
    }

    internal void OnLoggedIn(DemoPop3SessionInfo session, string userName)
    {
        session.UserName = userName;
        NotifyChanged();
    }

    internal void OnLoginFailed()
    {
        Interlocked.Increment(ref _failedLogins);
        NotifyChanged();
    }

    private DemoMaildrop RequireMaildrop(string userName)
    {
        ArgumentNullException.ThrowIfNull(userName);
        return FindMaildrop(userName) ?? throw new ArgumentException($"There is no account {userName}.", nameof(userName));
    }

    private async Task AcceptLoopAsync()
    {
        while (true)
        {
            Socket socket;
            try
            {
                socket = await _listener.AcceptSocketAsync(_stopping.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (SocketException) when (_stopping.IsCancellationRequested)
            {
                return;
            }
            catch (SocketException ex)
            {
                // A connection reset before it was accepted; the listener itself is fine.
                LogAcceptFailed(ex);
                continue;
            }

            socket.NoDelay = true;
            StartSession(new NetworkStream(socket, ownsSocket: true), socket.RemoteEndPoint, () => ShutdownSending(socket));
        }
    }

    private void StartSession(Stream transport, EndPoint? remoteEndPoint, Action? shutdownSending)
    {
        var id = Interlocked.Increment(ref _nextSessionId);
        var info = new DemoPop3SessionInfo(id, remoteEndPoint);
        bool rejected;
        lock (_lock)
        {
            rejected = _openSessions >= _options.MaxSessions;
            _openSessions++;
            _sessions.Add(info);
        }

        NotifyChanged();
        var abort = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token);
        _aborts[id] = abort;
        var task = Task.Run(() => RunSessionAsync(transport, shutdownSending, info, rejected, abort.Token));
        _sessionTasks[id] = task;
        _ = task.ContinueWith(_ =>
        {
            _sessionTasks.TryRemove(id, out var _);
            if (_aborts.TryRemove(id, out var done))
            {
                done.Dispose();
            }
        }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    private async Task RunSessionAsync(Stream transport, Action? shutdownSending, DemoPop3SessionInfo info, bool rejected, CancellationToken stopping)
    {
        LogSessionStarted(info.Id, info.RemoteEndPoint);
        var end = DemoPop3SessionEnd.ServerError;
        try
        {
            using var stream = transport;
            using var session = new DemoPop3Session(this, _options, info, stream);
            end = await session.RunAsync(rejected, stopping).ConfigureAwait(false);
            if (end == DemoPop3SessionEnd.ServerStopped && !_stopping.IsCancellationRequested)
            {
                end = DemoPop3SessionEnd.FaultInjected; // cut by Disconnect
            }

            shutdownSending?.Invoke();
        }
#pragma warning disable CA1031 // The top of a session's background task: anything unexpected is logged, never lost.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            LogSessionFailed(ex, info.Id);
        }

        lock (_lock)
        {
            _openSessions--;
            info.Complete(end);
            TrimHistory();
        }

        LogSessionEnded(info.Id, end);
        SessionEnded?.Invoke(this, new DemoPop3SessionEventArgs(info));
        NotifyChanged();
    }

    /// <summary>Sends FIN right after the last reply, so the client reads that reply before it sees the end of the stream.</summary>
    private static void ShutdownSending(Socket socket)
    {
        try
        {
            socket.Shutdown(SocketShutdown.Send);
        }
        catch (SocketException)
        {
            // The client is already gone.
        }
    }

    /// <summary>Drops the oldest finished sessions beyond the history limit, so a long-running demo does not grow.</summary>
    private void TrimHistory()
    {
        var excess = _sessions.Count(static s => !s.IsOpen) - _options.SessionHistoryLimit;
        for (var i = 0; excess > 0 && i < _sessions.Count;)
        {
            if (_sessions[i].IsOpen)
            {
                i++;
            }
            else
            {
                _sessions.RemoveAt(i);
                excess--;
            }
        }
    }

    private void NotifyChanged()
    {
        Waiter[] waiters;
        lock (_lock)
        {
            waiters = [.. _waiters];
        }

        foreach (var waiter in waiters)
        {
            Check(waiter);
        }
    }

    private void Check(Waiter waiter)
    {
        try
        {
            if (waiter.Condition(this))
            {
                waiter.Completion.TrySetResult();
            }
        }
#pragma warning disable CA1031 // A failing condition belongs to the test that waits on it: it gets the exception.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            waiter.Completion.TrySetException(ex);
        }
    }

    private sealed record Waiter(Func<DemoPop3Server, bool> Condition, TaskCompletionSource Completion);

    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Demo POP3 server listening on {EndPoint} (plaintext, loopback only)")]
    private partial void LogListening(IPEndPoint endPoint);

    [LoggerMessage(EventId = 2, Level = LogLevel.Debug, Message = "Session {SessionId} opened from {RemoteEndPoint}")]
    private partial void LogSessionStarted(int sessionId, EndPoint? remoteEndPoint);

    [LoggerMessage(EventId = 3, Level = LogLevel.Debug, Message = "Session {SessionId} ended: {Reason}")]
    private partial void LogSessionEnded(int sessionId, DemoPop3SessionEnd reason);

    [LoggerMessage(EventId = 4, Level = LogLevel.Error, Message = "Session {SessionId} failed")]
    private partial void LogSessionFailed(Exception exception, int sessionId);

    [LoggerMessage(EventId = 5, Level = LogLevel.Warning, Message = "Accepting a connection failed")]
    private partial void LogAcceptFailed(Exception exception);
}
