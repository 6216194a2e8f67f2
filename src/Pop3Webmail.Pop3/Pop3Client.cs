using System.Net;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Pop3Webmail.Pop3;

/// <summary>
/// A POP3 client (RFC 1939 with the extensions of RFC 2449, 2595, 3206, 5034, 6856, 8314). This is the only public
/// surface of the library: it checks arguments and session state, then hands the work to the connection layer and
/// its helpers (<see cref="Pop3Transport"/>, <see cref="Pop3Authenticator"/>, <see cref="Pop3ListingFlight"/>,
/// <see cref="Pop3SummaryPipeline"/>). Not thread-safe: one operation at a time (a second concurrent call throws).
/// Disposal closes the transport without a word; <see cref="QuitAsync"/> is the explicit, polite end that commits
/// deletions (RFC 1939 §6).
/// </summary>
public sealed class Pop3Client : IAsyncDisposable
{
    private readonly Pop3ClientOptions _options;
    private readonly ILogger _logger;
    private readonly Pop3Transport _transport;
    private readonly Pop3MailboxState _state = new();

    // Decoded From/To values, reused across this client's summaries (they repeat, see Pop3AddressCache).
    private readonly Pop3AddressCache _addressCache = new();
    private Pop3Mailbox? _mailbox;

    public Pop3Client(Pop3ClientOptions? options = null, ILogger<Pop3Client>? logger = null)
    {
        _options = options ?? new Pop3ClientOptions();
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        ArgumentOutOfRangeException.ThrowIfLessThan(_options.MaxLineLength, 512, nameof(options));
        ArgumentOutOfRangeException.ThrowIfLessThan(_options.PipelineWindow, 1, nameof(options));
        ArgumentOutOfRangeException.ThrowIfLessThan(_options.PipelineMaxBytes, 512, nameof(options));
        ArgumentOutOfRangeException.ThrowIfLessThan(_options.MinimumTransferRate, 1, nameof(options));
        ArgumentOutOfRangeException.ThrowIfLessThan(_options.MaxMessageCount, 1, nameof(options));
        ArgumentOutOfRangeException.ThrowIfLessThan(_options.MaxHeaderBytes, 1024, nameof(options));
        ArgumentOutOfRangeException.ThrowIfLessThan(_options.MaxMessageSize, 1024, nameof(options));
        _transport = new Pop3Transport(_options, _logger);
    }

    public Pop3ClientOptions Options => _options;

    public bool IsConnected => _mailbox?.Connection is { IsClosed: false };

    public bool IsAuthenticated => _mailbox?.Connection is { State: Pop3SessionState.Transaction };

    /// <summary>True when the transport is TLS (implicit or after STLS).</summary>
    public bool IsSecure { get; private set; }

    public Pop3SessionState State => _mailbox?.Connection.State ?? Pop3SessionState.Closed;

    /// <summary>
    /// The capabilities from the most recent CAPA; re-read after STLS and after login (RFC 2449 §5). When the server
    /// announced PIPELINING before login, the re-read after login rides in the next listing flight (LIST, UIDL,
    /// summaries, <see cref="ListMailboxAsync"/>) or <see cref="CapaAsync"/>, so it costs no round trip of its own.
    /// </summary>
    public Pop3Capabilities Capabilities => _state.Capabilities;

    /// <summary>The greeting text, for diagnostics.</summary>
    public string? Greeting { get; private set; }

    /// <summary>Whether commands are pipelined: the server advertised PIPELINING (RFC 2449 §6.6) and we are logged in.</summary>
    public bool IsPipelining => _mailbox is { IsPipelining: true } && IsConnected;

    /// <summary>Connects over TCP and secures the connection as <see cref="Pop3ClientOptions.Security"/> demands.</summary>
    public Task ConnectAsync(string host, int port = 0, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(host);
        port = CheckPort(port);
        return ConnectToAsync(new DnsEndPoint(host, port), host, port, cancellationToken);
    }

    /// <summary>
    /// Connects to exactly <paramref name="address"/> (never resolving a name again, so a DNS answer that changes
    /// after a policy check cannot redirect the connection) and uses <paramref name="host"/> as the TLS name (SNI and
    /// certificate validation). Same connect deadline and security as <see cref="ConnectAsync(string, int, CancellationToken)"/>.
    /// </summary>
    public Task ConnectAsync(IPAddress address, int port, string host, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(address);
        ArgumentException.ThrowIfNullOrWhiteSpace(host);
        port = CheckPort(port);
        return ConnectToAsync(new IPEndPoint(address, port), host, port, cancellationToken);
    }

    /// <summary>
    /// Runs the POP3 session over a transport the caller has already connected (a proxy tunnel, a test stream).
    /// The client owns the stream from here on. <paramref name="host"/> is the TLS target name.
    /// </summary>
    public Task ConnectAsync(Stream stream, string host, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentException.ThrowIfNullOrWhiteSpace(host);
        ThrowIfConnected();
        return OpenAsync(stream, host, Pop3Deadline.Fixed(_options.TimeProvider, _options.ConnectTimeout), cancellationToken);
    }

    /// <summary>Asks the server for its capabilities again (RFC 2449 §5).</summary>
    public async Task<Pop3Capabilities> CapaAsync(CancellationToken cancellationToken = default)
    {
        _state.Capabilities = await RequireState(null).CapabilitiesAsync(cancellationToken).ConfigureAwait(false);
        _state.CapabilitiesStale = false;
        return _state.Capabilities;
    }

    /// <summary>
    /// Authenticates with the strongest mechanism the server offers and policy allows: SCRAM-SHA-256, SCRAM-SHA-1,
    /// CRAM-MD5, APOP (only over TLS), then PLAIN, LOGIN and USER/PASS (only over TLS unless allowed). The cascade stops
    /// at the first failure whose response code says more attempts are pointless (RFC 3206: AUTH, SYS/*; RFC 2449:
    /// IN-USE, LOGIN-DELAY), so a wrong password costs one attempt, not seven.
    /// </summary>
    public async Task AuthenticateAsync(string userName, string password, CancellationToken cancellationToken = default)
    {
        CheckCredentials(userName, password);
        var mailbox = RequireState(Pop3SessionState.Authorization);
        var authenticator = new Pop3Authenticator(mailbox.Connection, _options, _state, IsSecure, _logger);
        var candidates = authenticator.AutomaticCandidates();
        if (candidates.Count == 0)
        {
            throw new Pop3AuthenticationException("AUTH", Pop3ResponseCode.None,
                IsSecure
                    ? "The server offers no authentication mechanism this client is allowed to use."
                    : "The server offers no authentication mechanism that is safe without TLS.");
        }

        using var operation = await mailbox.BeginAsync(AuthenticationDeadline(), cancellationToken).ConfigureAwait(false);
        await authenticator.CascadeAsync(candidates, userName, password, operation).ConfigureAwait(false);
    }

    /// <summary>
    /// Authenticates with one chosen mechanism. For XOAUTH2 and OAUTHBEARER <paramref name="secret"/> is the access
    /// token. Mechanisms that send the password in the clear still require TLS unless
    /// <see cref="Pop3ClientOptions.AllowPlaintextAuthentication"/> is set.
    /// </summary>
    public async Task AuthenticateAsync(Pop3AuthenticationMechanism mechanism, string userName, string secret, CancellationToken cancellationToken = default)
    {
        CheckCredentials(userName, secret);
        var mailbox = RequireState(Pop3SessionState.Authorization);
        if (!IsSecure && !_options.AllowPlaintextAuthentication && Pop3Authenticator.SendsSecretInClear(mechanism))
        {
            throw new InvalidOperationException($"{mechanism} would send the password in the clear; use TLS or set AllowPlaintextAuthentication.");
        }

        if (mechanism == Pop3AuthenticationMechanism.Apop && _state.ApopTimestamp is null)
        {
            throw new InvalidOperationException("APOP needs a timestamp in the server greeting, and this server sent none.");
        }

        using var operation = await mailbox.BeginAsync(AuthenticationDeadline(), cancellationToken).ConfigureAwait(false);
        await new Pop3Authenticator(mailbox.Connection, _options, _state, IsSecure, _logger).AuthenticateAsync(mechanism, userName, secret, operation).ConfigureAwait(false);
    }

    /// <summary>
    /// Opens the mailbox after authentication in as few round trips as the server allows: CAPA (when its re-read
    /// after login is pending), STAT, LIST and UIDL (when CAPA lists it, or is unsupported; a refusal means "no
    /// UIDL"), and <c>TOP n 0</c> for the <paramref name="prefetchNewest"/> highest-numbered messages, written as soon
    /// as STAT has answered so they overlap the LIST/UIDL transfer. With PIPELINING (RFC 2449 §6.6) that is one
    /// flight; without it, one command per round trip, the least RFC 1939 allows. Summaries come newest first.
    /// </summary>
    public Task<Pop3MailboxListing> ListMailboxAsync(int prefetchNewest = 0, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(prefetchNewest);
        return RequireState(Pop3SessionState.Transaction).ListMailboxAsync(prefetchNewest, cancellationToken);
    }

    /// <summary>STAT (RFC 1939 §5).</summary>
    public Task<Pop3Statistics> StatAsync(CancellationToken cancellationToken = default) =>
        RequireState(Pop3SessionState.Transaction).StatAsync(cancellationToken);

    /// <summary>
    /// LIST (RFC 1939 §5): every message not marked deleted, with its size. Preceded by STAT (in the same flight with
    /// PIPELINING) unless this session knows the count: the listing may name no other numbers and no more lines.
    /// </summary>
    public async Task<IReadOnlyList<Pop3MessageSize>> ListAsync(CancellationToken cancellationToken = default)
    {
        var flight = await RequireState(Pop3SessionState.Transaction).ListingAsync(list: true, cancellationToken).ConfigureAwait(false);
        return flight.Sizes!;
    }

    /// <summary>LIST n (RFC 1939 §5).</summary>
    public Task<Pop3MessageSize> ListAsync(int messageNumber, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(messageNumber, 1);
        return RequireState(Pop3SessionState.Transaction).ListOneAsync(messageNumber, cancellationToken);
    }

    /// <summary>UIDL (RFC 1939 §7): unique ids of every message not marked deleted, bounded like <see cref="ListAsync(CancellationToken)"/>.</summary>
    public async Task<IReadOnlyList<Pop3MessageUid>> UidlAsync(CancellationToken cancellationToken = default)
    {
        var flight = await RequireState(Pop3SessionState.Transaction).ListingAsync(list: false, cancellationToken).ConfigureAwait(false);
        return flight.Uids ?? throw flight.UidlRefusal!;
    }

    /// <summary>UIDL n (RFC 1939 §7).</summary>
    public Task<Pop3MessageUid> UidlAsync(int messageNumber, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(messageNumber, 1);
        return RequireState(Pop3SessionState.Transaction).UidOneAsync(messageNumber, cancellationToken);
    }

    /// <summary>
    /// RETR (RFC 1939 §5): the message as a stream read straight from the connection. Read it, or dispose it; the
    /// next command on this client drains what is left. Bounded by <see cref="Pop3ClientOptions.MaxMessageSize"/>
    /// and, when LIST gave its size, by that size; its deadline spans every read of the stream.
    /// </summary>
    public Task<Pop3BodyStream> RetrieveAsync(int messageNumber, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(messageNumber, 1);
        return RequireState(Pop3SessionState.Transaction).OpenBodyAsync("RETR", messageNumber, Number(messageNumber), cancellationToken);
    }

    /// <summary>TOP n lines (RFC 1939 §7): the header block and the first <paramref name="lines"/> body lines.</summary>
    public Task<Pop3BodyStream> TopAsync(int messageNumber, int lines, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(messageNumber, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(lines);
        return RequireState(Pop3SessionState.Transaction).OpenBodyAsync("TOP", messageNumber, Number(messageNumber) + " " + Number(lines), cancellationToken);
    }

    /// <summary>
    /// RETR for many messages, pipelined when the server allows. <paramref name="handler"/> gets each message as a
    /// stream in order; messages the server refuses (e.g. already deleted) are skipped and reported afterwards.
    /// </summary>
    public Task RetrieveAsync(IReadOnlyList<int> messageNumbers, Func<Pop3BodyStream, CancellationToken, ValueTask> handler, CancellationToken cancellationToken = default)
    {
        CheckMessageNumbers(messageNumbers);
        ArgumentNullException.ThrowIfNull(handler);
        return RequireState(Pop3SessionState.Transaction).BulkBodiesAsync("RETR", messageNumbers, -1, handler, cancellationToken);
    }

    /// <summary>TOP n lines for many messages, pipelined when the server allows.</summary>
    public Task TopAsync(IReadOnlyList<int> messageNumbers, int lines, Func<Pop3BodyStream, CancellationToken, ValueTask> handler, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(lines);
        CheckMessageNumbers(messageNumbers);
        ArgumentNullException.ThrowIfNull(handler);
        return RequireState(Pop3SessionState.Transaction).BulkBodiesAsync("TOP", messageNumbers, lines, handler, cancellationToken);
    }

    /// <summary>DELE n (RFC 1939 §5): marks a message deleted; it is removed only by QUIT.</summary>
    public Task DeleteAsync(int messageNumber, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(messageNumber, 1);
        return RequireState(Pop3SessionState.Transaction).DeleteAsync([messageNumber], cancellationToken);
    }

    /// <summary>
    /// DELE for many messages, pipelined. Every reply is read even after a -ERR, so the connection stays in step;
    /// the first refusal is then thrown as a <see cref="Pop3CommandException"/>.
    /// </summary>
    public Task DeleteAsync(IReadOnlyCollection<int> messageNumbers, CancellationToken cancellationToken = default)
    {
        CheckMessageNumbers(messageNumbers);
        return RequireState(Pop3SessionState.Transaction).DeleteAsync(messageNumbers, cancellationToken);
    }

    /// <summary>RSET (RFC 1939 §5): unmarks every message marked deleted in this session.</summary>
    public Task ResetAsync(CancellationToken cancellationToken = default) =>
        RequireState(Pop3SessionState.Transaction).ResetAsync(cancellationToken);

    /// <summary>NOOP (RFC 1939 §5): keeps the session alive inside the server's autologout timer.</summary>
    public Task NoopAsync(CancellationToken cancellationToken = default) =>
        ExecuteAsync(new Pop3Command("NOOP"), Pop3SessionState.Transaction, cancellationToken);

    /// <summary>
    /// UTF8 (RFC 6856 §2): switches the session to UTF-8. Allowed before login, or after it when the server
    /// advertised "UTF8 USER".
    /// </summary>
    public Task EnableUtf8Async(CancellationToken cancellationToken = default) =>
        ExecuteAsync(new Pop3Command("UTF8"), state: null, cancellationToken);

    /// <summary>LANG (RFC 6856 §3) without an argument: the languages the server can reply in.</summary>
    public async Task<IReadOnlyList<string>> LangAsync(CancellationToken cancellationToken = default)
    {
        var lines = await RequireState(null).TextListAsync("LANG", cancellationToken).ConfigureAwait(false);
        return lines.Select(static l => l.Trim()).ToList();
    }

    /// <summary>LANG tag (RFC 6856 §3): asks the server to reply in that language ("*" for its default).</summary>
    public Task LangAsync(string language, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(language);
        if (language.Contains(' ', StringComparison.Ordinal))
        {
            throw new ArgumentException("A language tag has no spaces.", nameof(language));
        }

        return ExecuteAsync(new Pop3Command("LANG", language), state: null, cancellationToken);
    }

    /// <summary>
    /// QUIT (RFC 1939 §6): in the TRANSACTION state this commits deletions. The connection is closed afterwards
    /// whatever the reply; a -ERR (deletions could not all be committed) is thrown after closing. Does nothing
    /// when not connected, so it is safe to call on every way out.
    /// </summary>
    public async Task QuitAsync(CancellationToken cancellationToken = default)
    {
        if (_mailbox is not { Connection.IsClosed: false } mailbox)
        {
            return;
        }

        Pop3Response response;
        using (var operation = await mailbox.BeginAsync(cancellationToken).ConfigureAwait(false))
        {
            response = await mailbox.Connection.ExecuteAsync(new Pop3Command("QUIT"), operation).ConfigureAwait(false);
            mailbox.Connection.Close();
        }

        if (!response.IsOk)
        {
            throw new Pop3CommandException("QUIT", response.Code, response.Text);
        }
    }

    /// <summary>
    /// Summaries (number, size, UID, From, To, Subject, Date, Message-ID, attachment hint, importance) of the
    /// given messages, from pipelined TOP n 0. Messages that are deleted or no longer exist are left out.
    /// LIST and UIDL are read once per session (with <see cref="ListMailboxAsync"/> or here) and reused.
    /// </summary>
    public Task<IReadOnlyList<Pop3MessageSummary>> GetMessageSummariesAsync(
        IReadOnlyList<int> messageNumbers,
        IProgress<Pop3Progress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        CheckMessageNumbers(messageNumbers);
        return RequireState(Pop3SessionState.Transaction).SummariesAsync(messageNumbers, progress, cancellationToken);
    }

    /// <summary>Summaries of the messages <paramref name="first"/> to <paramref name="last"/> (inclusive).</summary>
    public Task<IReadOnlyList<Pop3MessageSummary>> GetMessageSummariesAsync(
        int first,
        int last,
        IProgress<Pop3Progress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(first, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(last, first);
        return GetMessageSummariesAsync(Enumerable.Range(first, last - first + 1).ToArray(), progress, cancellationToken);
    }

    /// <summary>Closes the transport without sending anything. Use <see cref="QuitAsync"/> to end the session.</summary>
    public ValueTask DisposeAsync()
    {
        _mailbox?.Connection.Close();
        return ValueTask.CompletedTask;
    }

    /// <summary>The one TCP connect path: the socket to <paramref name="endpoint"/>, then the session, under one connect deadline.</summary>
    private async Task ConnectToAsync(EndPoint endpoint, string host, int port, CancellationToken cancellationToken)
    {
        ThrowIfConnected();
        var deadline = Pop3Deadline.Fixed(_options.TimeProvider, _options.ConnectTimeout);
        var stream = await _transport.ConnectSocketAsync(endpoint, host, port, deadline, cancellationToken).ConfigureAwait(false);
        await OpenAsync(stream, host, deadline, cancellationToken).ConfigureAwait(false);
    }

    private async Task OpenAsync(Stream stream, string host, Pop3Deadline deadline, CancellationToken cancellationToken)
    {
        _state.Reset();
        IsSecure = false;
        Greeting = null;
        var (connection, greeting, secure) = await _transport.OpenAsync(stream, host, _state, deadline, cancellationToken).ConfigureAwait(false);
        _mailbox = new Pop3Mailbox(connection, _options, _state, _addressCache);
        Greeting = greeting;
        IsSecure = secure;
    }

    /// <summary>One single-line command in <paramref name="state"/> (any connected state when null).</summary>
    private Task<string> ExecuteAsync(Pop3Command command, Pop3SessionState? state, CancellationToken cancellationToken) =>
        RequireState(state).ExecuteAsync(command, cancellationToken);

    private Pop3Deadline AuthenticationDeadline() => Pop3Deadline.Fixed(_options.TimeProvider, _options.AuthenticationTimeout);

    private int CheckPort(int port)
    {
        if (port == 0)
        {
            port = _options.Security == Pop3Security.Tls ? Pop3ClientOptions.DefaultTlsPort : Pop3ClientOptions.DefaultPort;
        }

        ArgumentOutOfRangeException.ThrowIfNegative(port);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(port, 65535);
        return port;
    }

    private static void CheckMessageNumbers(IEnumerable<int> messageNumbers)
    {
        ArgumentNullException.ThrowIfNull(messageNumbers);
        foreach (var number in messageNumbers)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(number, 1, nameof(messageNumbers));
        }
    }

    private static void CheckCredentials(string userName, string secret)
    {
        ArgumentException.ThrowIfNullOrEmpty(userName);
        ArgumentException.ThrowIfNullOrEmpty(secret);
        if (userName.AsSpan().IndexOfAny('\r', '\n', '\0') >= 0 || userName.Contains(' ', StringComparison.Ordinal))
        {
            throw new ArgumentException("A POP3 user name must not contain spaces, CR, LF or NUL.", nameof(userName));
        }

        // Checked here, before anything is sent: PASS would otherwise fail only after USER went out, and NUL is the
        // PLAIN field separator (RFC 4616 §2).
        if (secret.AsSpan().IndexOfAny('\r', '\n', '\0') >= 0)
        {
            throw new ArgumentException("A POP3 password or token must not contain CR, LF or NUL.", nameof(secret));
        }
    }

    /// <summary>The open mailbox, in <paramref name="state"/> (any connected state when null), or a BCL misuse exception.</summary>
    private Pop3Mailbox RequireState(Pop3SessionState? state)
    {
        if (_mailbox is not { Connection.IsClosed: false } mailbox)
        {
            throw new InvalidOperationException("The POP3 client is not connected.");
        }

        if (state is { } required && mailbox.Connection.State != required)
        {
            throw new InvalidOperationException(required == Pop3SessionState.Transaction
                ? "The POP3 client is not authenticated."
                : "The POP3 client is already authenticated.");
        }

        return mailbox;
    }

    private void ThrowIfConnected()
    {
        if (IsConnected)
        {
            throw new InvalidOperationException("The POP3 client is already connected.");
        }
    }

    private static string Number(int value) => Pop3Mailbox.Number(value);
}
