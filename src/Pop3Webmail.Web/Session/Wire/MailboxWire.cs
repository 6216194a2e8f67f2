using Pop3Webmail.Pop3;
using Pop3Webmail.Web.Scheduling;
using Pop3Webmail.Web.Session.Visit;
using Pop3Webmail.Web.Telemetry;

namespace Pop3Webmail.Web.Session.Wire;

/// <summary>Where the connection of a visit stands.</summary>
internal enum WireStatus
{
    Ready,
    Reconnecting,
    ConnectionLost,
    Closed,
}

/// <summary>What the wire asks of the visit that owns it when it replaces a broken connection.</summary>
internal interface IWireOwner
{
    /// <summary>True when the connection carries DELE marks, so letting it go needs RSET first (QUIT would commit them).</summary>
    bool HasMarks { get; }

    /// <summary>A new connection replaced a broken one: list the mailbox again and mark the pending deletions again.</summary>
    Task OnReconnectedAsync(Pop3Client client, CancellationToken cancellationToken);
}

/// <summary>How a connection was let go at the end of a visit.</summary>
/// <param name="Quit">QUIT was answered +OK (the server committed what was marked, RFC 1939 §6).</param>
/// <param name="Reset">RSET was sent first, so nothing marked was committed.</param>
internal readonly record struct WireEnd(bool Quit, bool Reset);

/// <summary>
/// The POP3 connection of one visit: one command at a time (RFC 1939 §3: commands and replies alternate), the
/// credentials to sign in again, and a transparent reconnect when the connection breaks. Everything that talks to
/// the server — a click, the background listing, the keep-alive, a download — takes the wire with
/// <see cref="AcquireAsync"/> and gives it back by disposing the lease.
/// </summary>
internal sealed partial class MailboxWire : IAsyncDisposable
{
    private static readonly TimeSpan InFlightGrace = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan[] InUseRetries = [TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(400), TimeSpan.FromSeconds(1)];
    private readonly SemaphoreSlim _lock = new(1, 1);
    private readonly CancellationTokenSource _closing = new();
    private readonly IPop3Connector _connector;
    private readonly MailWorkScheduler _scheduler;
    private readonly MailboxTelemetry _telemetry;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private Pop3Client _client;
    private long _lastActivity;
    private volatile WireStatus _status;
    private volatile bool _ending;

    public MailboxWire(Pop3Client client, MailboxCredentials credentials, VisitServices services, ILogger logger)
    {
        _client = client;
        Credentials = credentials;
        _connector = services.Connector;
        _scheduler = services.Scheduler;
        _telemetry = services.Telemetry;
        _time = services.Time;
        _logger = logger;
        _lastActivity = _time.GetTimestamp();
    }

    /// <summary>Raised (on any thread) when <see cref="Status"/> changes.</summary>
    public event EventHandler? StatusChanged;

    public MailboxCredentials Credentials { get; }

    public IWireOwner? Owner { get; set; }

    public WireStatus Status => _status;

    /// <summary>How long the connection has been silent (no command since).</summary>
    public TimeSpan Silence => _time.GetElapsedTime(Interlocked.Read(ref _lastActivity));

    /// <summary>Cancelled once the wire is closing: every command in flight is cut off (the connection with it).</summary>
    public CancellationToken Closing => _closing.Token;

    /// <summary>Waits for the wire. Throws <see cref="MailboxException"/> (NotSignedIn) once it is closed.</summary>
    public async Task<WireLease> AcquireAsync(CancellationToken cancellationToken)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _closing.Token);
        try
        {
            await _lock.WaitAsync(linked.Token);
        }
        catch (OperationCanceledException) when (_closing.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new MailboxException(MailboxErrorKind.NotSignedIn);
        }

        if (_ending)
        {
            _lock.Release();
            throw new MailboxException(MailboxErrorKind.NotSignedIn);
        }

        return new WireLease(this);
    }

    /// <summary>The wire if it is free right now (the keep-alive never queues behind a user's command), else null.</summary>
    public WireLease? TryAcquire()
    {
        if (_ending || !_lock.Wait(0))
        {
            return null;
        }

        if (_ending)
        {
            _lock.Release();
            return null;
        }

        return new WireLease(this);
    }

    /// <summary>Runs one operation on the wire, reconnecting once if the connection turns out to be broken.</summary>
    public async Task<T> RunAsync<T>(Func<Pop3Client, CancellationToken, Task<T>> operation, CancellationToken cancellationToken)
    {
        using var lease = await AcquireAsync(cancellationToken);
        return await lease.RunAsync(operation, retryAfterReconnect: true, cancellationToken);
    }

    /// <summary>
    /// A process-wide slot for one step of POP3 work, taken with the wire already held (never the other way round: a
    /// slot holder then never waits on anything but the server, so slots cannot deadlock on wires).
    /// </summary>
    internal ValueTask<MailWorkSlot> SlotAsync(MailWorkPriority priority, CancellationToken cancellationToken) =>
        _scheduler.AcquireAsync(priority, cancellationToken);

    /// <summary>
    /// Lets the connection go for good. With <paramref name="commit"/> the marked deletions are committed by QUIT
    /// (after signing in once more if the connection had broken and there are marks); without, RSET first. Commands in
    /// flight are cut off; <paramref name="budget"/> bounds the whole end.
    /// </summary>
    public async Task<WireEnd> CloseAsync(bool commit, TimeSpan budget)
    {
        // No new command starts now; the one in flight (a background round, a NOOP: milliseconds) may finish, so the
        // connection is still good for QUIT. A command that does not finish soon is cut off, the connection with it.
        _ending = true;
        using var timeout = new CancellationTokenSource(budget);
        var haveLock = await _lock.WaitAsync(InFlightGrace);
        await _closing.CancelAsync();
        haveLock = haveLock || await _lock.WaitAsync(budget);
        try
        {
            if (!haveLock)
            {
                return default;
            }

            var client = _client;
            var marks = Owner?.HasMarks ?? false;
            try
            {
                if (commit && marks && !client.IsConnected)
                {
                    // The deletions were promised for the end of the visit: sign in once more to commit them.
                    client = await ReconnectCoreAsync(timeout.Token);
                }

                var reset = false;
                if (!commit && marks && client.IsAuthenticated)
                {
                    await client.ResetAsync(timeout.Token);
                    reset = true;
                }

                if (!client.IsConnected)
                {
                    return new WireEnd(Quit: false, Reset: reset);
                }

                try
                {
                    await client.QuitAsync(timeout.Token);
                }
                catch (Exception ex) when (commit && marks && IsConnectionLoss(ex))
                {
                    // The connection had broken unnoticed, so QUIT committed nothing (RFC 1939 §6: a session that ends
                    // without QUIT deletes nothing). The deletions were promised: sign in once more, mark, commit.
                    client = await ReconnectCoreAsync(timeout.Token);
                    await client.QuitAsync(timeout.Token);
                }

                return new WireEnd(Quit: true, Reset: reset);
            }
            catch (Exception ex) when (ex is Pop3Exception or MailboxException or IOException or OperationCanceledException)
            {
                LogQuitFailed(ex.GetType().Name);
                return default;
            }
        }
        finally
        {
            SetStatus(WireStatus.Closed);
            await _client.DisposeAsync();
            if (haveLock)
            {
                _lock.Release();
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _closing.CancelAsync();
        await _client.DisposeAsync();
    }

    /// <summary>
    /// A broken connection, or [SYS/TEMP] in the middle of a session (RFC 3206 §4): Dovecot, for one, sends
    /// "-ERR [SYS/TEMP] Server shutting down" and hangs up. Either way a new connection is the way on.
    /// </summary>
    /// <remarks>
    /// A broken limit is not a loss: the same server would send the same oversized reply again, so it is not retried
    /// (the caller may step around the message it names).
    /// </remarks>
    internal static bool IsConnectionLoss(Exception exception) =>
        exception is Pop3ProtocolException and not Pop3LimitExceededException
        || exception is Pop3CommandException { ResponseCode.Kind: Pop3ResponseCodeKind.SysTemp };

    /// <summary>What a failed command means to the user.</summary>
    internal static MailboxException Translate(Exception exception) => exception switch
    {
        MailboxException mailbox => mailbox,
        Pop3CommandException when IsConnectionLoss(exception) => new MailboxException(MailboxErrorKind.ConnectionLost, exception),
        Pop3CommandException => new MailboxException(MailboxErrorKind.ServerRefused, exception),
        Pop3TimeoutException => new MailboxException(MailboxErrorKind.ConnectionLost, exception),
        Pop3ProtocolException { InnerException: IOException or System.Net.Sockets.SocketException } => new MailboxException(MailboxErrorKind.ConnectionLost, exception),
        Pop3ProtocolException => new MailboxException(MailboxErrorKind.InvalidServerReply, exception),
        _ => new MailboxException(MailboxErrorKind.ConnectionLost, exception),
    };

    internal void Touch() => Interlocked.Exchange(ref _lastActivity, _time.GetTimestamp());

    internal void Release()
    {
        Touch();
        _lock.Release();
    }

    internal Pop3Client Client => _client;

    /// <summary>
    /// Replaces the connection: lets the old one go (RSET first when it carries marks, because QUIT would commit them
    /// while they are meant to stay pending until the visit ends, then QUIT so the server drops its maildrop lock at
    /// once, RFC 1939 §8), signs in again and lets the owner list and mark again. Runs with the wire held.
    /// </summary>
    internal async Task<Pop3Client> ReconnectCoreAsync(CancellationToken cancellationToken)
    {
        SetStatus(WireStatus.Reconnecting);
        await ReleaseAsync(_client, cancellationToken);
        Pop3Client client;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                client = await MailboxLogin.ConnectAndAuthenticateAsync(_connector, Credentials, cancellationToken);
                break;
            }
            catch (Pop3AuthenticationException ex) when (ex.ResponseCode.Kind == Pop3ResponseCodeKind.InUse && attempt <= InUseRetries.Length)
            {
                // Our own previous connection may still hold the maildrop lock (RFC 1939 §8) until the server notices
                // it is gone. This is a real-world wait on the server, so it runs on the wall clock.
                await Task.Delay(InUseRetries[attempt - 1], cancellationToken);
            }
            catch (Exception ex) when (SignInErrors.IsConnectionFailure(ex))
            {
                SetStatus(WireStatus.ConnectionLost);
                _telemetry.RecordReconnect(ReconnectOutcome.Failed);
                LogReconnectFailed(ex.GetType().Name);
                throw new MailboxException(MailboxErrorKind.ConnectionLost, ex);
            }
        }

        _telemetry.RecordReconnect(ReconnectOutcome.Succeeded);
        _client = client;
        try
        {
            if (Owner is { } owner)
            {
                await owner.OnReconnectedAsync(client, cancellationToken);
            }
        }
        catch (Pop3Exception ex)
        {
            SetStatus(WireStatus.ConnectionLost);
            throw Translate(ex);
        }

        SetStatus(WireStatus.Ready);
        return client;
    }

    internal void SetStatus(WireStatus status)
    {
        if (_status == status || _status == WireStatus.Closed)
        {
            return;
        }

        _status = status;
        StatusChanged?.Invoke(this, EventArgs.Empty);
    }

    private async Task ReleaseAsync(Pop3Client client, CancellationToken cancellationToken)
    {
        if (client.IsAuthenticated)
        {
            try
            {
                if (Owner?.HasMarks == true)
                {
                    await client.ResetAsync(cancellationToken);
                }

                await client.QuitAsync(cancellationToken);
            }
            catch (Pop3Exception ex)
            {
                LogQuitFailed(ex.GetType().Name);
            }
        }

        await client.DisposeAsync();
    }

    [LoggerMessage(EventId = 220, Level = LogLevel.Warning, Message = "QUIT did not complete ({ErrorType})")]
    private partial void LogQuitFailed(string errorType);

    [LoggerMessage(EventId = 221, Level = LogLevel.Information, Message = "Connection lost; reconnecting")]
    internal partial void LogConnectionLost(Exception exception);

    [LoggerMessage(EventId = 222, Level = LogLevel.Warning, Message = "Reconnect failed ({ErrorType})")]
    private partial void LogReconnectFailed(string errorType);
}

/// <summary>The wire, held: commands run on it until the lease is disposed.</summary>
internal sealed class WireLease : IDisposable
{
    private MailboxWire? _wire;

    internal WireLease(MailboxWire wire) => _wire = wire;

    private MailboxWire Wire => _wire ?? throw new ObjectDisposedException(nameof(WireLease));

    /// <summary>
    /// Runs one operation; a connection that is already broken is replaced first, and one that breaks during the
    /// operation is replaced and the operation run once more when <paramref name="retryAfterReconnect"/> allows it.
    /// Any failure reaches the caller as a <see cref="MailboxException"/>.
    /// </summary>
    public async Task<T> RunAsync<T>(Func<Pop3Client, CancellationToken, Task<T>> operation, bool retryAfterReconnect, CancellationToken cancellationToken, MailWorkPriority priority = MailWorkPriority.Interactive)
    {
        ArgumentNullException.ThrowIfNull(operation);
        var wire = Wire;
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, wire.Closing);
        var token = linked.Token;
        MailWorkSlot? slot = null;
        try
        {
            slot = await wire.SlotAsync(priority, token);
            var client = wire.Client;
            if (!client.IsConnected)
            {
                client = await wire.ReconnectCoreAsync(token);
            }

            try
            {
                return await operation(client, token);
            }
            catch (Exception ex) when (retryAfterReconnect && !token.IsCancellationRequested && MailboxWire.IsConnectionLoss(ex))
            {
                wire.LogConnectionLost(ex);
                client = await wire.ReconnectCoreAsync(token);
                return await operation(client, token);
            }
        }
        catch (OperationCanceledException) when (wire.Closing.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new MailboxException(MailboxErrorKind.NotSignedIn);
        }
        catch (Exception ex) when (ex is Pop3Exception)
        {
            if (MailboxWire.IsConnectionLoss(ex) && !wire.Client.IsConnected)
            {
                wire.SetStatus(WireStatus.ConnectionLost);
            }

            throw MailboxWire.Translate(ex);
        }
        finally
        {
            slot?.Dispose();
        }
    }

    /// <summary>Replaces the connection now (a new POP3 session sees mail that arrived since the last login).</summary>
    public Task ReconnectAsync(CancellationToken cancellationToken) => Wire.ReconnectCoreAsync(cancellationToken);

    public void Dispose()
    {
        Interlocked.Exchange(ref _wire, null)?.Release();
    }
}
