using System.Collections.Immutable;
using System.Net.Sockets;
using Microsoft.Extensions.Options;
using MimeKit;
using Pop3Webmail.Pop3;
using Pop3Webmail.Web.Configuration;
using Pop3Webmail.Web.Downloads;
using Pop3Webmail.Web.Mail;
using Pop3Webmail.Web.Security;

namespace Pop3Webmail.Web.Session;

/// <summary>
/// One circuit's POP3 session. It connects only when the user signs in (never in the constructor: prerendering
/// creates scoped services twice), keeps the connection and so the server's mailbox lock (RFC 1939 §8) for the
/// whole visit, sends one command at a time, keeps the connection alive with NOOP, and always ends with QUIT.
/// Credentials live only in this object, in server memory, for as long as the circuit does.
/// </summary>
public sealed partial class MailboxSession : IMailboxSession, IAsyncDisposable
{
    /// <summary>Summaries listed before the inbox shows; the rest load in the background.</summary>
    internal const int FirstPageSize = 50;

    /// <summary>Summaries per background round; the wire is free for user commands between rounds.</summary>
    internal const int BackgroundChunkSize = 250;

    private const int MaxUserNameLength = 256;
    private const int MaxPasswordLength = 1024;
    private static readonly TimeSpan EndBudget = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan[] InUseRetries = [TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(400), TimeSpan.FromSeconds(1)];

    private readonly MailServerCatalog _catalog;
    private readonly Pop3Connector _connector;
    private readonly MailboxSessionRegistry _registry;
    private readonly SignInThrottle _throttle;
    private readonly DownloadTokenStore _downloads;
    private readonly BrowserContext _browser;
    private readonly MessageRenderer _renderer;
    private readonly MailOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<MailboxSession> _logger;

    // One POP3 command at a time (RFC 1939 §3: commands and replies alternate on the connection); UI events,
    // the background loader, keep-alive and downloads all queue here.
    private readonly SemaphoreSlim _wire = new(1, 1);
    private readonly Lock _stateLock = new();

    // Touched only while holding _wire.
    private readonly Dictionary<string, Pop3MessageSummary> _summaries = new(StringComparer.Ordinal);
    private readonly HashSet<string> _unavailable = new(StringComparer.Ordinal);
    private ServerMessage[] _serverMessages = [];
    private Dictionary<string, int> _numbers = new(StringComparer.Ordinal);
    private Pop3Client? _client;
    private MailServer? _server;
    private string? _userName;
    private string? _password;
    private string? _mailboxKey;
    private OpenedMessage? _opened;
    private Stream? _openedSpool;

    // Published state, read by views on any thread.
    private volatile MailboxSessionStatus _status;
    private volatile MailboxAccount? _account;
    private volatile SignOutInfo? _lastSignOut;
    private volatile MailboxNotice? _notice;
    private volatile Pop3MessageSummary[] _messages = [];
    private ImmutableHashSet<string> _pending = ImmutableHashSet.Create<string>(StringComparer.Ordinal);
    private ImmutableHashSet<string> _read = ImmutableHashSet.Create<string>(StringComparer.Ordinal);
    private InboxProgress _progress;
    private Pop3Statistics _statistics;

    private bool _active;
    private bool _disposed;
    private Task? _ending;
    private long _generation;
    private CancellationTokenSource? _sessionCts;
    private Task _loader = Task.CompletedTask;
    private ITimer? _keepAlive;
    private long _lastWireActivity;

    public MailboxSession(
        MailServerCatalog catalog,
        Pop3Connector connector,
        MailboxSessionRegistry registry,
        SignInThrottle throttle,
        DownloadTokenStore downloads,
        BrowserContext browser,
        MessageRenderer renderer,
        IOptions<MailOptions> options,
        TimeProvider timeProvider,
        ILogger<MailboxSession> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _catalog = catalog;
        _connector = connector;
        _registry = registry;
        _throttle = throttle;
        _downloads = downloads;
        _browser = browser;
        _renderer = renderer;
        _options = options.Value;
        _time = timeProvider;
        _logger = logger;
    }

    public event EventHandler? Changed;

    public MailboxSessionStatus Status => _status;

    public MailboxAccount? Account => _account;

    public SignOutInfo? LastSignOut => _lastSignOut;

    public MailboxNotice? Notice => _notice;

    public IReadOnlyList<Pop3MessageSummary> Messages => _messages;

    public InboxProgress Progress => _progress;

    public Pop3Statistics Statistics => _statistics;

    public IReadOnlySet<string> PendingDeletions => Volatile.Read(ref _pending);

    /// <summary>Changes each sign-in and sign-out; download tickets from an earlier one are void.</summary>
    internal long Generation => Interlocked.Read(ref _generation);

    /// <summary>The most recent keep-alive round, for diagnostics and tests.</summary>
    internal Task KeepAliveCompletion { get; private set; } = Task.CompletedTask;

    /// <summary>The temporary file behind the open message, when it was large enough to be spooled.</summary>
    internal string? OpenedSpoolPath => (_openedSpool as FileStream)?.Name;

    /// <summary>The background listing, for diagnostics and tests.</summary>
    internal Task LoaderCompletion => _loader;

    public bool IsRead(string key) => Volatile.Read(ref _read).Contains(key);

    public void SetRead(string key, bool read)
    {
        ArgumentNullException.ThrowIfNull(key);
        ImmutableInterlocked.Update(ref _read, (set, k) => read ? set.Add(k) : set.Remove(k), key);
        RaiseChanged();
    }

    public void DismissNotice()
    {
        _notice = null;
        RaiseChanged();
    }

    public async Task<SignInResult> SignInAsync(SignInRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        lock (_stateLock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_active)
            {
                throw new InvalidOperationException("This session is already signed in; sign out first.");
            }

            _active = true;
            _ending = null;
        }

        var result = await SignInCoreAsync(request, cancellationToken);
        if (!result.Succeeded)
        {
            lock (_stateLock)
            {
                _active = false;
            }

            SetStatus(MailboxSessionStatus.SignedOut);
        }
        else if (_disposed)
        {
            // The circuit closed while we were signing in; nobody will ever see this session.
            await EndAsync(SignOutReason.CircuitClosed);
        }

        return result;
    }

    public Task SignOutAsync(CancellationToken cancellationToken = default) => EndAsync(SignOutReason.UserSignedOut);

    /// <summary>Ends the session with QUIT (committing pending deletions, RFC 1939 §6). Safe to call any number of times.</summary>
    public Task EndAsync(SignOutReason reason)
    {
        lock (_stateLock)
        {
            if (!_active)
            {
                return Task.CompletedTask;
            }

            return _ending ??= EndCoreAsync(reason);
        }
    }

    public async ValueTask DisposeAsync()
    {
        lock (_stateLock)
        {
            _disposed = true;
        }

        await EndAsync(SignOutReason.CircuitClosed);
    }

    public async Task DeleteAsync(IReadOnlyCollection<string> keys, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(keys);
        if (_account is { ReadOnly: true })
        {
            throw new InvalidOperationException("This mailbox is read-only; nothing is ever deleted.");
        }

        await RunAsync(async (client, ct) =>
        {
            var toMark = keys.Where(k => _numbers.ContainsKey(k) && !_pending.Contains(k)).Distinct(StringComparer.Ordinal).ToArray();
            if (toMark.Length == 0)
            {
                return 0;
            }

            // Recorded before DELE is sent: if the connection drops mid-way, the reconnect marks them all again.
            Volatile.Write(ref _pending, _pending.Union(toMark));
            await SyncDeletionsAsync(client, toMark, ct);
            PublishInbox();
            return toMark.Length;
        }, cancellationToken);
    }

    public async Task UndoDeleteAsync(string key, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        await RunAsync(async (client, ct) =>
        {
            if (!_pending.Contains(key))
            {
                return 0;
            }

            // POP3 has no "undelete one" (RFC 1939 §5): RSET unmarks everything, then the rest is marked again.
            Volatile.Write(ref _pending, _pending.Remove(key));
            await client.ResetAsync(ct);
            await SyncDeletionsAsync(client, _pending, ct);
            PublishInbox();
            return 1;
        }, cancellationToken);
    }

    public async Task UndoAllDeletionsAsync(CancellationToken cancellationToken = default)
    {
        await RunAsync(async (client, ct) =>
        {
            if (_pending.IsEmpty)
            {
                return 0;
            }

            Volatile.Write(ref _pending, _pending.Clear());
            await client.ResetAsync(ct);
            PublishInbox();
            return 1;
        }, cancellationToken);
    }

    // A POP3 session sees the maildrop as it was at login; the reconnect ends this one without committing the pending
    // deletions (RSET, then QUIT) and marks them again in the new one.
    public Task CheckForNewMailAsync(CancellationToken cancellationToken = default) =>
        ReconnectOnWireAsync(MailboxNoticeKind.MailChecked, cancellationToken);

    public Task ReconnectAsync(CancellationToken cancellationToken = default) =>
        ReconnectOnWireAsync(MailboxNoticeKind.ConnectionRestored, cancellationToken);

    private async Task ReconnectOnWireAsync(MailboxNoticeKind notice, CancellationToken cancellationToken)
    {
        await _wire.WaitAsync(cancellationToken);
        try
        {
            RequireClient();
            await ReconnectCoreAsync(notice, cancellationToken);
        }
        finally
        {
            Touch();
            _wire.Release();
        }
    }

    public async Task<OpenedMessage> OpenMessageAsync(string key, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        var opened = await RunAsync((client, ct) => OpenCoreAsync(client, key, ct), cancellationToken);
        SetRead(key, true);
        return opened;
    }

    public string CreateDownloadLink(DownloadTarget target)
    {
        if (!_active || _account is null)
        {
            throw new InvalidOperationException("Download links exist only for a signed-in session.");
        }

        var token = _downloads.Issue(this, Generation, _browser.BrowserKey, target);
        return "download/" + token;
    }

    /// <summary>
    /// Streams a download to an HTTP response, on this session's connection. False when the ticket no longer
    /// matches (signed out or in again) or the message or part is gone; nothing has been written then.
    /// </summary>
    internal async Task<bool> WriteDownloadAsync(DownloadTicket ticket, HttpResponse response, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ticket);
        ArgumentNullException.ThrowIfNull(response);
        if (ticket.Generation != Generation || _account is null)
        {
            return false;
        }

        // A broken connection in the middle of a response cannot be retried: the bytes already sent would repeat.
        return await RunAsync(async (client, ct) =>
        {
            var key = ticket.Target.MessageKey;
            if (ticket.Generation != Generation || !_numbers.TryGetValue(key, out var number) || _pending.Contains(key))
            {
                return false;
            }

            try
            {
                if (ticket.Target.BodyPartIndex is not { } index)
                {
                    await using var body = await client.RetrieveAsync(number, ct);
                    DownloadResponse.Begin(response, "message/rfc822", DownloadResponse.MessageFileName(_summaries.GetValueOrDefault(key)));
                    await body.CopyToAsync(response.Body, ct);
                    return true;
                }

                var opened = await OpenCoreAsync(client, key, ct);
                if (_renderer.FindPart(opened.Message, index) is not { } part || (ticket.Target.Inline && !part.Description.IsPreviewable))
                {
                    return false;
                }

                if (ticket.Target.Inline)
                {
                    DownloadResponse.BeginInline(response, part.Description.ContentType, part.Description.FileName);
                }
                else
                {
                    DownloadResponse.Begin(response, "application/octet-stream", part.Description.FileName);
                }

                await part.WriteToAsync(response.Body, ct);
                return true;
            }
            catch (Pop3CommandException ex) when (ex.ResponseCode.Kind != Pop3ResponseCodeKind.SysTemp)
            {
                return false; // e.g. deleted by another client since we listed it
            }
        }, retryAfterReconnect: false, cancellationToken);
    }

    private async Task<SignInResult> SignInCoreAsync(SignInRequest request, CancellationToken cancellationToken)
    {
        var userName = request.UserName?.Trim() ?? string.Empty;
        var password = request.Password ?? string.Empty;
        if (userName.Length is 0 or > MaxUserNameLength || password.Length is 0 or > MaxPasswordLength
            || userName.AsSpan().IndexOfAny(" \r\n\0\t") >= 0 || password.AsSpan().IndexOfAny("\r\n\0") >= 0)
        {
            return new SignInResult(SignInError.InvalidInput);
        }

        var server = ResolveServer(request);
        if (server is null)
        {
            return new SignInResult(SignInError.ServerNotAllowed);
        }

        var attempt = new SignInAttempt(_browser.ClientAddress, _browser.BrowserKey, server.Id, userName);
        if (_throttle.Check(attempt) is { } wait)
        {
            LogRateLimited(server.Id);
            return new SignInResult(SignInError.RateLimited, wait);
        }

        SetStatus(MailboxSessionStatus.SigningIn);
        var mailboxKey = MailboxSessionRegistry.MailboxKey(server.Id, userName);

        // Another tab of this app holding the mailbox would make the server answer [IN-USE]; it yields first.
        await _registry.ClaimAsync(mailboxKey, this);
        await _wire.WaitAsync(cancellationToken);
        try
        {
            Pop3Client client;
            try
            {
                client = await ConnectAndAuthenticateAsync(server, userName, password, cancellationToken);
            }
            catch (Exception ex) when (SignInErrors.TryMap(ex, out var error, out var retryAfter))
            {
                if (error == SignInError.InvalidCredentials)
                {
                    _throttle.RecordFailure(attempt);
                }

                _registry.Release(mailboxKey, this);
                LogSignInFailed(server.Id, error);
                return new SignInResult(error, retryAfter);
            }

            _throttle.RecordSuccess(attempt);
            _client = client;
            _server = server;
            _userName = userName;
            _password = password;
            _mailboxKey = mailboxKey;
            ResetInbox();
            try
            {
                await ApplyListingAsync(client, cancellationToken);
                await LoadChunkCoreAsync(client, FirstPageSize, cancellationToken);
            }
            catch (Pop3Exception ex)
            {
                LogSignInFailed(server.Id, SignInError.ProtocolError);
                await client.DisposeAsync();
                ForgetSession();
                return new SignInResult(ex is Pop3ProtocolException ? SignInError.ServerUnreachable : SignInError.ProtocolError);
            }

            Interlocked.Increment(ref _generation);
            _lastSignOut = null;
            _notice = null;
            _sessionCts = new CancellationTokenSource();
            _account = new MailboxAccount(userName, server.Id, server.Name, _options.ReadOnly);
            Touch();
            SetStatus(MailboxSessionStatus.Ready, raise: false);
            _keepAlive = _time.CreateTimer(static state => ((MailboxSession)state!).OnKeepAliveDue(), this, _options.KeepAliveInterval, Timeout.InfiniteTimeSpan);
            LogSignedIn(server.Id, _serverMessages.Length);
        }
        finally
        {
            _wire.Release();
        }

        EnsureLoader();
        RaiseChanged();
        return SignInResult.Success;
    }

    private MailServer? ResolveServer(SignInRequest request)
    {
        if (request.CustomHost is { Length: > 0 } host)
        {
            if (!_options.AllowCustomServer || !ServerAddressPolicy.IsAllowedPort(request.CustomPort)
                || host.Length > 253 || Uri.CheckHostName(host) == UriHostNameType.Unknown)
            {
                return null;
            }

            var security = request.CustomPort == Pop3ClientOptions.DefaultTlsPort ? Pop3Security.Tls : Pop3Security.StartTls;
            return new MailServer("custom:" + host.ToUpperInvariant() + ":" + request.CustomPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
                host, host, request.CustomPort, security, IsCustom: true);
        }

        return _catalog.Find(request.ServerId);
    }

    private async Task<Pop3Client> ConnectAndAuthenticateAsync(MailServer server, string userName, string password, CancellationToken cancellationToken)
    {
        var client = await _connector.ConnectAsync(server, cancellationToken);
        try
        {
            await client.AuthenticateAsync(userName, password, cancellationToken);
            return client;
        }
        catch (Exception ex) when (SignInErrors.IsLoginDelay(ex))
        {
            // RFC 2449 §6.5: the LOGIN-DELAY capability (read before login) says how long the wait is.
            var delay = client.Capabilities.LoginDelay is { } seconds ? TimeSpan.FromSeconds(seconds) : (TimeSpan?)null;
            await client.DisposeAsync();
            throw new LoginDelayException(delay, ex);
        }
        catch
        {
            // Disposal, not QUIT: the session never reached TRANSACTION, so there is nothing to commit.
            await client.DisposeAsync();
            throw;
        }
    }

    private async Task EndCoreAsync(SignOutReason reason)
    {
        var cts = _sessionCts;
        cts?.Cancel();
        _keepAlive?.Dispose();
        _keepAlive = null;

        // Wait for the command in flight (a background round is milliseconds); a stuck one is cut off.
        var haveWire = await _wire.WaitAsync(EndBudget);
        var deleted = 0;
        var failed = false;
        try
        {
            if (_client is { } client)
            {
                deleted = _pending.Count;
                using var budget = new CancellationTokenSource(EndBudget);
                try
                {
                    if (haveWire && !client.IsConnected && deleted > 0)
                    {
                        // The deletions were promised for sign-out: reconnect once to commit them.
                        client = await ReconnectCoreAsync(MailboxNoticeKind.ConnectionRestored, budget.Token);
                    }

                    if (haveWire)
                    {
                        await client.QuitAsync(budget.Token);
                    }
                    else
                    {
                        failed = deleted > 0;
                    }
                }
                catch (Exception ex) when (ex is Pop3Exception or MailboxConnectionLostException or IOException or SocketException or OperationCanceledException)
                {
                    failed = deleted > 0;
                    LogQuitFailed(ex.GetType().Name);
                }
                finally
                {
                    await client.DisposeAsync();
                    if (!ReferenceEquals(client, _client) && _client is not null)
                    {
                        await _client.DisposeAsync();
                    }
                }
            }

            ForgetSession();
            _lastSignOut = new SignOutInfo(reason, failed ? 0 : deleted, failed);
            LogSignedOut(reason, failed ? 0 : deleted);
        }
        finally
        {
            lock (_stateLock)
            {
                _active = false;
            }

            Interlocked.Increment(ref _generation);
            SetStatus(MailboxSessionStatus.SignedOut, raise: false);
            _sessionCts = null;
            cts?.Dispose();
            if (haveWire)
            {
                _wire.Release();
            }
        }

        RaiseChanged();
    }

    /// <summary>Drops everything the session knew: credentials, listing, open message and its spool file, links.</summary>
    private void ForgetSession()
    {
        if (_mailboxKey is { } key)
        {
            _registry.Release(key, this);
        }

        _downloads.RevokeAll(this);
        _client = null;
        _server = null;
        _userName = null;
        _password = null;
        _mailboxKey = null;
        _account = null;
        _notice = null;
        ResetInbox();
        _messages = [];
        _progress = default;
        _statistics = default;
    }

    private void ResetInbox()
    {
        CloseOpened();
        _summaries.Clear();
        _unavailable.Clear();
        _serverMessages = [];
        _numbers = new Dictionary<string, int>(StringComparer.Ordinal);
        Volatile.Write(ref _pending, _pending.Clear());
        Volatile.Write(ref _read, _read.Clear());
    }

    private Task<T> RunAsync<T>(Func<Pop3Client, CancellationToken, Task<T>> operation, CancellationToken cancellationToken) =>
        RunAsync(operation, retryAfterReconnect: true, cancellationToken);

    private async Task<T> RunAsync<T>(Func<Pop3Client, CancellationToken, Task<T>> operation, bool retryAfterReconnect, CancellationToken cancellationToken)
    {
        await _wire.WaitAsync(cancellationToken);
        try
        {
            return await RunLockedAsync(operation, retryAfterReconnect, cancellationToken);
        }
        finally
        {
            _wire.Release();
        }
    }

    /// <summary>Runs one operation with the wire held; a broken connection is re-established transparently once.</summary>
    private async Task<T> RunLockedAsync<T>(Func<Pop3Client, CancellationToken, Task<T>> operation, bool retryAfterReconnect, CancellationToken cancellationToken)
    {
        var client = RequireClient();
        try
        {
            if (!client.IsConnected)
            {
                client = await ReconnectCoreAsync(MailboxNoticeKind.ConnectionRestored, cancellationToken);
            }

            try
            {
                return await operation(client, cancellationToken);
            }
            catch (Exception ex) when (retryAfterReconnect && !cancellationToken.IsCancellationRequested && IsConnectionLoss(ex))
            {
                LogConnectionLost(ex);
                client = await ReconnectCoreAsync(MailboxNoticeKind.ConnectionRestored, cancellationToken);
                return await operation(client, cancellationToken);
            }
        }
        finally
        {
            Touch();
        }
    }

    /// <summary>
    /// Lets go of a connection that is being replaced: RSET, because QUIT would commit the deletions that are meant
    /// to stay pending until sign-out, then QUIT, so the server drops the maildrop lock at once (RFC 1939 §6). On a
    /// connection that is already broken both simply fail, and a session ended without QUIT commits nothing.
    /// </summary>
    private async Task ReleaseAsync(Pop3Client client, CancellationToken cancellationToken)
    {
        if (client.IsAuthenticated)
        {
            try
            {
                if (!_pending.IsEmpty)
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

    /// <summary>
    /// A broken connection, or [SYS/TEMP] in the middle of a session (RFC 3206 §4): Dovecot, for one, sends
    /// "-ERR [SYS/TEMP] Server shutting down" and hangs up. Either way a new connection is the way on.
    /// </summary>
    private static bool IsConnectionLoss(Exception exception) =>
        exception is Pop3ProtocolException
        || exception is Pop3CommandException { ResponseCode.Kind: Pop3ResponseCodeKind.SysTemp };

    private Pop3Client RequireClient() =>
        _client ?? throw new InvalidOperationException("The mailbox session is not signed in.");

    /// <summary>
    /// Opens a new connection with the kept credentials, maps message numbers again by UIDL (they are only valid
    /// within one session, RFC 1939 §7) and marks the pending deletions again.
    /// </summary>
    private async Task<Pop3Client> ReconnectCoreAsync(MailboxNoticeKind kind, CancellationToken cancellationToken)
    {
        SetStatus(MailboxSessionStatus.Reconnecting);
        if (_client is { } old)
        {
            await ReleaseAsync(old, cancellationToken);
        }

        Pop3Client client;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                client = await ConnectAndAuthenticateAsync(_server!, _userName!, _password!, cancellationToken);
                break;
            }
            catch (Pop3AuthenticationException ex) when (ex.ResponseCode.Kind == Pop3ResponseCodeKind.InUse && attempt < InUseRetries.Length + 1)
            {
                // Our own previous connection may still hold the maildrop lock (RFC 1939 §8) until the server notices
                // it is gone. This is a real-world wait on the server, so it runs on the wall clock.
                await Task.Delay(InUseRetries[attempt - 1], cancellationToken);
            }
            catch (Exception ex) when (SignInErrors.IsConnectionFailure(ex))
            {
                SetStatus(MailboxSessionStatus.ConnectionLost);
                LogReconnectFailed(ex.GetType().Name);
                throw new MailboxConnectionLostException("The mail server could not be reached again.", ex);
            }
        }

        _client = client;
        try
        {
            var change = await ApplyListingAsync(client, cancellationToken);
            await SyncDeletionsAsync(client, _pending, cancellationToken);
            await LoadChunkCoreAsync(client, FirstPageSize, cancellationToken);
            _notice = new MailboxNotice(kind, change.Added, change.Removed, change.LostDeletions);
        }
        catch (Pop3ProtocolException ex)
        {
            SetStatus(MailboxSessionStatus.ConnectionLost);
            throw new MailboxConnectionLostException("The connection broke again while the mailbox was being listed.", ex);
        }

        PublishInbox();
        SetStatus(MailboxSessionStatus.Ready);
        EnsureLoader();
        return client;
    }

    /// <summary>LIST and UIDL; remaps every known message to its new number and reports what changed.</summary>
    private async Task<ListingChange> ApplyListingAsync(Pop3Client client, CancellationToken cancellationToken)
    {
        var sizes = await client.ListAsync(cancellationToken);
        Dictionary<int, string>? uids = null;
        if (client.Capabilities.Uidl || !client.Capabilities.IsSupported)
        {
            try
            {
                uids = [];
                foreach (var entry in await client.UidlAsync(cancellationToken))
                {
                    uids[entry.MessageNumber] = entry.Uid;
                }
            }
            catch (Pop3CommandException)
            {
                uids = null; // UIDL is optional (RFC 1939 §7)
            }
        }

        var listing = new List<ServerMessage>(sizes.Count);
        var numbers = new Dictionary<string, int>(sizes.Count, StringComparer.Ordinal);
        foreach (var entry in sizes.OrderByDescending(s => s.MessageNumber))
        {
            var key = MessageKeys.For(uids?.GetValueOrDefault(entry.MessageNumber), entry.MessageNumber);
            if (!numbers.TryAdd(key, entry.MessageNumber))
            {
                // A server that repeats a UIDL breaks the key; the number keeps the message reachable.
                key = MessageKeys.For(null, entry.MessageNumber);
                numbers[key] = entry.MessageNumber;
            }

            listing.Add(new ServerMessage(entry.MessageNumber, key, entry.Size));
        }

        var previous = _serverMessages;
        var added = previous.Length == 0 ? 0 : listing.Count(m => !_numbers.ContainsKey(m.Key));
        var removed = previous.Count(m => !numbers.ContainsKey(m.Key));
        var lostDeletions = 0;
        if (uids is null && previous.Length > 0 && (added > 0 || removed > 0))
        {
            // Without UIDL a message is known only by its number, and the numbers moved: nothing known can be trusted.
            lostDeletions = _pending.Count;
            ResetInbox();
        }
        else
        {
            foreach (var key in _summaries.Keys.Where(k => !numbers.ContainsKey(k)).ToArray())
            {
                _summaries.Remove(key);
            }

            _unavailable.RemoveWhere(k => !numbers.ContainsKey(k));
            Volatile.Write(ref _pending, _pending.Intersect(numbers.Keys));
            ImmutableInterlocked.Update(ref _read, set => set.Intersect(numbers.Keys));
            foreach (var (key, summary) in _summaries.ToArray())
            {
                var number = numbers[key];
                if (summary.MessageNumber != number)
                {
                    _summaries[key] = summary with { MessageNumber = number };
                }
            }

            if (_opened is { } opened && !numbers.ContainsKey(opened.Key))
            {
                CloseOpened();
            }
        }

        _serverMessages = [.. listing];
        _numbers = numbers;
        PublishInbox();
        return new ListingChange(added, removed, lostDeletions);
    }

    /// <summary>
    /// Sends DELE for <paramref name="keys"/>, pipelined. If the server refuses any, the state is rebuilt one
    /// message at a time (RSET, then DELE each pending key) so <see cref="PendingDeletions"/> matches the server.
    /// </summary>
    private async Task SyncDeletionsAsync(Pop3Client client, IReadOnlyCollection<string> keys, CancellationToken cancellationToken)
    {
        if (_options.ReadOnly || keys.Count == 0)
        {
            return;
        }

        var numbers = keys.Where(_numbers.ContainsKey).Select(k => _numbers[k]).ToArray();
        try
        {
            await client.DeleteAsync(numbers, cancellationToken);
        }
        catch (Pop3CommandException)
        {
            await client.ResetAsync(cancellationToken);
            var accepted = new List<string>();
            foreach (var key in _pending)
            {
                try
                {
                    await client.DeleteAsync(_numbers[key], cancellationToken);
                    accepted.Add(key);
                }
                catch (Pop3CommandException)
                {
                    // The server will not delete this one (already gone elsewhere); it is no longer pending.
                }
            }

            Volatile.Write(ref _pending, ImmutableHashSet.CreateRange(StringComparer.Ordinal, accepted));
        }
    }

    /// <summary>Lists the newest messages not yet summarised. False when everything is loaded.</summary>
    private async Task<bool> LoadChunkCoreAsync(Pop3Client client, int count, CancellationToken cancellationToken)
    {
        var wanted = _serverMessages
            .Where(m => !_summaries.ContainsKey(m.Key) && !_unavailable.Contains(m.Key) && !_pending.Contains(m.Key))
            .Take(count)
            .ToArray();
        if (wanted.Length == 0)
        {
            return false;
        }

        var summaries = await client.GetMessageSummariesAsync(wanted.Select(m => m.Number).ToArray(), progress: null, cancellationToken);
        var byNumber = summaries.ToDictionary(s => s.MessageNumber);
        foreach (var message in wanted)
        {
            if (byNumber.TryGetValue(message.Number, out var summary))
            {
                _summaries[message.Key] = summary;
            }
            else
            {
                _unavailable.Add(message.Key);
            }
        }

        PublishInbox();
        return wanted.Length == count;
    }

    private void EnsureLoader()
    {
        var cts = _sessionCts;
        if (cts is null || cts.IsCancellationRequested || !_loader.IsCompleted || _summaries.Count + _unavailable.Count >= _serverMessages.Length)
        {
            return;
        }

        _loader = Task.Run(() => LoadRemainingAsync(cts.Token), CancellationToken.None);
    }

    private async Task LoadRemainingAsync(CancellationToken sessionToken)
    {
        try
        {
            var more = true;
            while (more && !sessionToken.IsCancellationRequested)
            {
                await _wire.WaitAsync(sessionToken);
                try
                {
                    if (sessionToken.IsCancellationRequested || _client is null)
                    {
                        return;
                    }

                    // Not cancelled by the session token: stopping mid-pipeline would break the connection, and
                    // with it the QUIT that is about to follow. A round takes milliseconds.
                    more = await RunLockedAsync((client, ct) => LoadChunkCoreAsync(client, BackgroundChunkSize, ct), retryAfterReconnect: true, CancellationToken.None);
                }
                finally
                {
                    _wire.Release();
                }

                RaiseChanged();
            }
        }
        catch (OperationCanceledException) when (sessionToken.IsCancellationRequested)
        {
            // Signed out.
        }
        catch (Exception ex) when (ex is MailboxConnectionLostException or Pop3Exception or InvalidOperationException)
        {
            LogLoaderStopped(ex.GetType().Name);
            RaiseChanged();
        }
    }

    private async Task<OpenedMessage> OpenCoreAsync(Pop3Client client, string key, CancellationToken cancellationToken)
    {
        if (_opened is { } cached && cached.Key == key)
        {
            return cached;
        }

        if (!_numbers.TryGetValue(key, out var number) || _pending.Contains(key))
        {
            throw new MailboxMessageUnavailableException();
        }

        var summary = _summaries.GetValueOrDefault(key)
            ?? new Pop3MessageSummary { MessageNumber = number, Size = _serverMessages.First(m => m.Key == key).Size, Uid = key };
        Stream? spool = null;
        MimeMessage message;
        try
        {
            await using var body = await client.RetrieveAsync(number, cancellationToken);
            if (summary.Size > _options.LargeMessageThreshold)
            {
                // A large message is parsed from a temporary file that MimeKit reads parts from lazily; the file is
                // unlinked when closed (at the latest when the session ends).
                spool = MessageSpool.Create();
                await body.CopyToAsync(spool, cancellationToken);
                spool.Position = 0;
                message = await MimeMessage.LoadAsync(spool, persistent: true, cancellationToken);
            }
            else
            {
                message = await MimeMessage.LoadAsync(body, cancellationToken);
            }
        }
        catch (Pop3CommandException ex) when (ex.ResponseCode.Kind != Pop3ResponseCodeKind.SysTemp)
        {
            if (spool is not null)
            {
                await spool.DisposeAsync();
            }

            throw new MailboxMessageUnavailableException("The server no longer has this message.", ex);
        }
        catch
        {
            if (spool is not null)
            {
                await spool.DisposeAsync();
            }

            throw;
        }

        CloseOpened();
        _openedSpool = spool;
        _opened = new OpenedMessage(key, summary, message, spool is not null);
        return _opened;
    }

    private void CloseOpened()
    {
        _opened?.Message.Dispose();
        _opened = null;
        _openedSpool?.Dispose();
        _openedSpool = null;
    }

    private void OnKeepAliveDue()
    {
        var cts = _sessionCts;
        if (cts is null || cts.IsCancellationRequested)
        {
            return;
        }

        KeepAliveCompletion = KeepAliveAsync(cts.Token);
    }

    /// <summary>
    /// NOOP once the connection has been silent for the keep-alive interval, so the server's autologout timer
    /// (at least 10 minutes, RFC 1939 §3) never fires while the user reads. Runs only while the circuit lives.
    /// </summary>
    private async Task KeepAliveAsync(CancellationToken sessionToken)
    {
        var interval = _options.KeepAliveInterval;
        var next = interval;
        try
        {
            var silent = _time.GetElapsedTime(Interlocked.Read(ref _lastWireActivity));
            if (silent < interval)
            {
                next = interval - silent;
            }
            else if (_status == MailboxSessionStatus.Ready && await _wire.WaitAsync(0, sessionToken))
            {
                try
                {
                    if (_client is not null && !sessionToken.IsCancellationRequested)
                    {
                        await RunLockedAsync(async (client, ct) =>
                        {
                            await client.NoopAsync(ct);
                            return 0;
                        }, retryAfterReconnect: true, CancellationToken.None);
                        LogKeepAlive();
                    }
                }
                finally
                {
                    _wire.Release();
                }
            }
        }
        catch (OperationCanceledException) when (sessionToken.IsCancellationRequested)
        {
            return;
        }
        catch (Exception ex) when (ex is MailboxConnectionLostException or Pop3Exception or InvalidOperationException)
        {
            LogKeepAliveFailed(ex.GetType().Name);
        }

        RaiseChanged();
        if (!sessionToken.IsCancellationRequested)
        {
            try
            {
                _keepAlive?.Change(next, Timeout.InfiniteTimeSpan);
            }
            catch (ObjectDisposedException)
            {
                // Signed out meanwhile.
            }
        }
    }

    private void Touch() => Interlocked.Exchange(ref _lastWireActivity, _time.GetTimestamp());

    private void PublishInbox()
    {
        var messages = new List<Pop3MessageSummary>(_summaries.Count);
        long size = 0;
        var pending = _pending;
        var count = 0;
        foreach (var entry in _serverMessages)
        {
            if (_summaries.TryGetValue(entry.Key, out var summary))
            {
                messages.Add(summary);
            }

            if (!pending.Contains(entry.Key))
            {
                count++;
                size += entry.Size;
            }
        }

        _messages = [.. messages];
        _progress = new InboxProgress(_summaries.Count + _unavailable.Count, _serverMessages.Length);
        _statistics = new Pop3Statistics(count, size);
        RaiseChanged();
    }

    private void SetStatus(MailboxSessionStatus status, bool raise = true)
    {
        _status = status;
        if (raise)
        {
            RaiseChanged();
        }
    }

    private void RaiseChanged() => Changed?.Invoke(this, EventArgs.Empty);

    [LoggerMessage(EventId = 200, Level = LogLevel.Information, Message = "Signed in to {ServerId}: {Count} messages")]
    private partial void LogSignedIn(string serverId, int count);

    [LoggerMessage(EventId = 201, Level = LogLevel.Information, Message = "Sign-in to {ServerId} failed: {Error}")]
    private partial void LogSignInFailed(string serverId, SignInError error);

    [LoggerMessage(EventId = 202, Level = LogLevel.Warning, Message = "Sign-in to {ServerId} refused by the rate limit")]
    private partial void LogRateLimited(string serverId);

    [LoggerMessage(EventId = 203, Level = LogLevel.Information, Message = "Signed out ({Reason}); {Deleted} messages deleted")]
    private partial void LogSignedOut(SignOutReason reason, int deleted);

    [LoggerMessage(EventId = 204, Level = LogLevel.Warning, Message = "QUIT did not complete ({ErrorType})")]
    private partial void LogQuitFailed(string errorType);

    [LoggerMessage(EventId = 205, Level = LogLevel.Information, Message = "Connection lost; reconnecting")]
    private partial void LogConnectionLost(Exception exception);

    [LoggerMessage(EventId = 206, Level = LogLevel.Warning, Message = "Reconnect failed ({ErrorType})")]
    private partial void LogReconnectFailed(string errorType);

    [LoggerMessage(EventId = 207, Level = LogLevel.Warning, Message = "Background listing stopped ({ErrorType})")]
    private partial void LogLoaderStopped(string errorType);

    [LoggerMessage(EventId = 208, Level = LogLevel.Debug, Message = "Keep-alive NOOP sent")]
    private partial void LogKeepAlive();

    [LoggerMessage(EventId = 209, Level = LogLevel.Warning, Message = "Keep-alive failed ({ErrorType})")]
    private partial void LogKeepAliveFailed(string errorType);

    private readonly record struct ServerMessage(int Number, string Key, long Size);

    private readonly record struct ListingChange(int Added, int Removed, int LostDeletions);
}
