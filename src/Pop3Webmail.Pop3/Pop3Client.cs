using System.Buffers;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Pop3Webmail.Pop3.Sasl;

namespace Pop3Webmail.Pop3;

/// <summary>
/// A POP3 client (RFC 1939 with the extensions of RFC 2449, 2595, 3206, 5034, 6856, 8314). This is the only public
/// surface of the library: it checks arguments and session state, then hands the work to the connection layer.
/// Not thread-safe: one operation at a time (a second concurrent call throws). Disposal closes the transport
/// without a word; <see cref="QuitAsync"/> is the explicit, polite end that commits deletions (RFC 1939 §6).
/// </summary>
public sealed partial class Pop3Client : IAsyncDisposable
{
    private static readonly Pop3AuthenticationMechanism[] AutomaticOrder =
    [
        Pop3AuthenticationMechanism.ScramSha256,
        Pop3AuthenticationMechanism.ScramSha1,
        Pop3AuthenticationMechanism.CramMd5,
        Pop3AuthenticationMechanism.Apop,
        Pop3AuthenticationMechanism.Plain,
        Pop3AuthenticationMechanism.Login,
        Pop3AuthenticationMechanism.User,
    ];

    private readonly Pop3ClientOptions _options;
    private readonly ILogger _logger;
    private Pop3Connection? _connection;
    private string? _apopTimestamp;
    private bool? _topSupported;
    private Dictionary<int, long>? _sizes;
    private Dictionary<int, string>? _uids;

    // Decoded From/To values, reused across this client's summaries (they repeat, see Pop3AddressCache).
    private readonly Pop3AddressCache _addressCache = new();

    public Pop3Client(Pop3ClientOptions? options = null, ILogger<Pop3Client>? logger = null)
    {
        _options = options ?? new Pop3ClientOptions();
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        ArgumentOutOfRangeException.ThrowIfLessThan(_options.MaxLineLength, 512, nameof(options));
        ArgumentOutOfRangeException.ThrowIfLessThan(_options.PipelineWindow, 1, nameof(options));
        ArgumentOutOfRangeException.ThrowIfLessThan(_options.PipelineMaxBytes, 512, nameof(options));
    }

    public Pop3ClientOptions Options => _options;

    public bool IsConnected => _connection is { IsClosed: false };

    public bool IsAuthenticated => _connection is { State: Pop3SessionState.Transaction };

    /// <summary>True when the transport is TLS (implicit or after STLS).</summary>
    public bool IsSecure { get; private set; }

    public Pop3SessionState State => _connection?.State ?? Pop3SessionState.Closed;

    /// <summary>The capabilities from the most recent CAPA; re-read after STLS and after login (RFC 2449 §5).</summary>
    public Pop3Capabilities Capabilities { get; private set; } = Pop3Capabilities.Empty;

    /// <summary>The greeting text, for diagnostics.</summary>
    public string? Greeting { get; private set; }

    /// <summary>Whether commands are pipelined: the post-login CAPA advertised PIPELINING (RFC 2449 §6.6).</summary>
    public bool IsPipelining => IsAuthenticated && Capabilities.Pipelining;

    /// <summary>Connects over TCP and secures the connection as <see cref="Pop3ClientOptions.Security"/> demands.</summary>
    public async Task ConnectAsync(string host, int port = 0, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(host);
        if (port == 0)
        {
            port = _options.Security == Pop3Security.Tls ? Pop3ClientOptions.DefaultTlsPort : Pop3ClientOptions.DefaultPort;
        }

        ArgumentOutOfRangeException.ThrowIfNegative(port);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(port, 65535);
        ThrowIfConnected();

        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            using var timeout = new CancellationTokenSource(_options.ConnectTimeout, _options.TimeProvider);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, cancellationToken);
            try
            {
                await socket.ConnectAsync(host, port, linked.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
            {
                throw new Pop3TimeoutException($"Connecting to {host}:{port} timed out.", ex);
            }
            catch (SocketException ex)
            {
                throw new Pop3ProtocolException($"Could not connect to {host}:{port}: {ex.Message}", ex);
            }

            if (_options.IoTimeout != Timeout.InfiniteTimeSpan)
            {
                socket.ReceiveTimeout = socket.SendTimeout = (int)_options.IoTimeout.TotalMilliseconds;
            }
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        LogConnected(host, port);
        await ConnectAsync(new NetworkStream(socket, ownsSocket: true), host, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Runs the POP3 session over a transport the caller has already connected (a proxy tunnel, a test stream).
    /// The client owns the stream from here on. <paramref name="host"/> is the TLS target name.
    /// </summary>
    public async Task ConnectAsync(Stream stream, string host, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentException.ThrowIfNullOrWhiteSpace(host);
        ThrowIfConnected();
        _apopTimestamp = null;
        _topSupported = null;
        _sizes = null;
        _uids = null;
        Capabilities = Pop3Capabilities.Empty;
        IsSecure = false;

        if (_options.Security == Pop3Security.Tls)
        {
            stream = await HandshakeAsync(stream, host, cancellationToken).ConfigureAwait(false);
            IsSecure = true;
        }

        var connection = new Pop3Connection(stream, _options, _logger);
        _connection = connection;
        using (var operation = connection.Begin(cancellationToken))
        {
            var greeting = await connection.ReadGreetingAsync(operation).ConfigureAwait(false);
            Greeting = greeting.Text;
            _apopTimestamp = FindApopTimestamp(greeting.Text);
            Capabilities = await ReadCapabilitiesAsync(connection, operation).ConfigureAwait(false);

            if (_options.Security == Pop3Security.StartTls)
            {
                if (!Capabilities.StartTls)
                {
                    connection.Close();
                    throw new Pop3SecurityException("The server does not offer STLS, and this connection requires TLS.");
                }

                await connection.ExecuteOkAsync(new Pop3Command("STLS"), operation).ConfigureAwait(false);
                var secured = await HandshakeAsync(connection.Transport, host, cancellationToken, connection).ConfigureAwait(false);
                connection.ReplaceTransport(secured);
                IsSecure = true;

                // RFC 2595 §4: everything learned before TLS is discarded and asked for again.
                _apopTimestamp = null;
                Capabilities = await ReadCapabilitiesAsync(connection, operation).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Asks the server for its capabilities again (RFC 2449 §5).</summary>
    public async Task<Pop3Capabilities> CapaAsync(CancellationToken cancellationToken = default)
    {
        var connection = RequireConnection();
        using var operation = await BeginAsync(connection, cancellationToken).ConfigureAwait(false);
        Capabilities = await ReadCapabilitiesAsync(connection, operation).ConfigureAwait(false);
        return Capabilities;
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
        var connection = RequireState(Pop3SessionState.Authorization);
        var candidates = AutomaticOrder.Where(IsAutomaticCandidate).ToList();
        if (candidates.Count == 0)
        {
            throw new Pop3AuthenticationException("AUTH", Pop3ResponseCode.None,
                IsSecure
                    ? "The server offers no authentication mechanism this client is allowed to use."
                    : "The server offers no authentication mechanism that is safe without TLS.");
        }

        Pop3AuthenticationException? last = null;
        foreach (var mechanism in candidates)
        {
            try
            {
                await AuthenticateCoreAsync(connection, mechanism, userName, password, cancellationToken).ConfigureAwait(false);
                return;
            }
            catch (Pop3AuthenticationException ex) when (!ex.ResponseCode.StopsAuthentication)
            {
                last = ex;
            }
        }

        throw last!;
    }

    /// <summary>
    /// Authenticates with one chosen mechanism. For XOAUTH2 and OAUTHBEARER <paramref name="secret"/> is the access
    /// token. Mechanisms that send the password in the clear still require TLS unless
    /// <see cref="Pop3ClientOptions.AllowPlaintextAuthentication"/> is set.
    /// </summary>
    public async Task AuthenticateAsync(Pop3AuthenticationMechanism mechanism, string userName, string secret, CancellationToken cancellationToken = default)
    {
        CheckCredentials(userName, secret);
        var connection = RequireState(Pop3SessionState.Authorization);
        if (!IsSecure && !_options.AllowPlaintextAuthentication && SendsSecretInClear(mechanism))
        {
            throw new InvalidOperationException($"{mechanism} would send the password in the clear; use TLS or set AllowPlaintextAuthentication.");
        }

        if (mechanism == Pop3AuthenticationMechanism.Apop && _apopTimestamp is null)
        {
            throw new InvalidOperationException("APOP needs a timestamp in the server greeting, and this server sent none.");
        }

        await AuthenticateCoreAsync(connection, mechanism, userName, secret, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>STAT (RFC 1939 §5).</summary>
    public async Task<Pop3Statistics> StatAsync(CancellationToken cancellationToken = default)
    {
        var connection = RequireState(Pop3SessionState.Transaction);
        using var operation = await BeginAsync(connection, cancellationToken).ConfigureAwait(false);
        var command = new Pop3Command("STAT");
        var response = await connection.ExecuteOkAsync(command, operation).ConfigureAwait(false);
        var parts = response.Text.Split(' ', 3, StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length < 2 || !Pop3Numbers.TryParseInt32(parts[0], out var count)
            || !Pop3Numbers.TryParseInt64(parts[1], allowNegative: true, out var size))
        {
            throw connection.Fail(new Pop3ProtocolException("The server sent a malformed STAT reply."), operation);
        }

        return new Pop3Statistics(count, Math.Max(0, size));
    }

    /// <summary>LIST (RFC 1939 §5): every message not marked deleted, with its size.</summary>
    public async Task<IReadOnlyList<Pop3MessageSize>> ListAsync(CancellationToken cancellationToken = default)
    {
        var connection = RequireState(Pop3SessionState.Transaction);
        using var operation = await BeginAsync(connection, cancellationToken).ConfigureAwait(false);
        var result = await ListCoreAsync(connection, operation).ConfigureAwait(false);
        return result;
    }

    /// <summary>LIST n (RFC 1939 §5).</summary>
    public async Task<Pop3MessageSize> ListAsync(int messageNumber, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(messageNumber, 1);
        var connection = RequireState(Pop3SessionState.Transaction);
        using var operation = await BeginAsync(connection, cancellationToken).ConfigureAwait(false);
        var response = await connection.ExecuteOkAsync(new Pop3Command("LIST", Number(messageNumber)), operation).ConfigureAwait(false);
        if (!TryParseScanListing(response.Text, out var number, out var size) || number != messageNumber)
        {
            throw connection.Fail(new Pop3ProtocolException("The server sent a malformed LIST reply."), operation);
        }

        return new Pop3MessageSize(number, size);
    }

    /// <summary>UIDL (RFC 1939 §7): unique ids of every message not marked deleted.</summary>
    public async Task<IReadOnlyList<Pop3MessageUid>> UidlAsync(CancellationToken cancellationToken = default)
    {
        var connection = RequireState(Pop3SessionState.Transaction);
        using var operation = await BeginAsync(connection, cancellationToken).ConfigureAwait(false);
        return await UidlCoreAsync(connection, operation).ConfigureAwait(false);
    }

    /// <summary>UIDL n (RFC 1939 §7).</summary>
    public async Task<Pop3MessageUid> UidlAsync(int messageNumber, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(messageNumber, 1);
        var connection = RequireState(Pop3SessionState.Transaction);
        using var operation = await BeginAsync(connection, cancellationToken).ConfigureAwait(false);
        var response = await connection.ExecuteOkAsync(new Pop3Command("UIDL", Number(messageNumber)), operation).ConfigureAwait(false);
        if (!TryParseUidListing(response.Text, out var number, out var uid) || number != messageNumber)
        {
            throw connection.Fail(new Pop3ProtocolException("The server sent a malformed UIDL reply."), operation);
        }

        return new Pop3MessageUid(number, uid);
    }

    /// <summary>
    /// RETR (RFC 1939 §5): the message as a stream read straight from the connection. Read it, or dispose it;
    /// the next command on this client drains what is left.
    /// </summary>
    public async Task<Pop3BodyStream> RetrieveAsync(int messageNumber, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(messageNumber, 1);
        return await OpenBodyAsync(new Pop3Command("RETR", Number(messageNumber), multiLine: true), messageNumber, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>TOP n lines (RFC 1939 §7): the header block and the first <paramref name="lines"/> body lines.</summary>
    public async Task<Pop3BodyStream> TopAsync(int messageNumber, int lines, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(messageNumber, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(lines);
        return await OpenBodyAsync(new Pop3Command("TOP", Number(messageNumber) + " " + Number(lines), multiLine: true), messageNumber, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// RETR for many messages, pipelined when the server allows. <paramref name="handler"/> gets each message as a
    /// stream in order; messages the server refuses (e.g. already deleted) are skipped and reported afterwards.
    /// </summary>
    public Task RetrieveAsync(IReadOnlyList<int> messageNumbers, Func<Pop3BodyStream, CancellationToken, ValueTask> handler, CancellationToken cancellationToken = default) =>
        BulkBodiesAsync("RETR", messageNumbers, -1, handler, cancellationToken);

    /// <summary>TOP n lines for many messages, pipelined when the server allows.</summary>
    public Task TopAsync(IReadOnlyList<int> messageNumbers, int lines, Func<Pop3BodyStream, CancellationToken, ValueTask> handler, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(lines);
        return BulkBodiesAsync("TOP", messageNumbers, lines, handler, cancellationToken);
    }

    /// <summary>DELE n (RFC 1939 §5): marks a message deleted; it is removed only by QUIT.</summary>
    public async Task DeleteAsync(int messageNumber, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(messageNumber, 1);
        var connection = RequireState(Pop3SessionState.Transaction);
        using var operation = await BeginAsync(connection, cancellationToken).ConfigureAwait(false);
        await connection.ExecuteOkAsync(new Pop3Command("DELE", Number(messageNumber)), operation).ConfigureAwait(false);
    }

    /// <summary>
    /// DELE for many messages, pipelined. Every reply is read even after a -ERR, so the connection stays in step;
    /// the first refusal is then thrown as a <see cref="Pop3CommandException"/>.
    /// </summary>
    public async Task DeleteAsync(IReadOnlyCollection<int> messageNumbers, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messageNumbers);
        foreach (var number in messageNumbers)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(number, 1, nameof(messageNumbers));
        }

        var connection = RequireState(Pop3SessionState.Transaction);
        using var operation = await BeginAsync(connection, cancellationToken).ConfigureAwait(false);
        var commands = messageNumbers.Select(static n => new Pop3Command("DELE", Number(n))).ToArray();
        Pop3CommandException? first = null;
        await connection.PipelineAsync(commands, IsPipelining, (index, response) =>
        {
            if (!response.IsOk)
            {
                first ??= new Pop3CommandException("DELE", response.Code, response.Text);
            }

            return ValueTask.CompletedTask;
        }, operation).ConfigureAwait(false);
        if (first is not null)
        {
            throw first;
        }
    }

    /// <summary>RSET (RFC 1939 §5): unmarks every message marked deleted in this session.</summary>
    public async Task ResetAsync(CancellationToken cancellationToken = default)
    {
        var connection = RequireState(Pop3SessionState.Transaction);
        using var operation = await BeginAsync(connection, cancellationToken).ConfigureAwait(false);
        await connection.ExecuteOkAsync(new Pop3Command("RSET"), operation).ConfigureAwait(false);
    }

    /// <summary>NOOP (RFC 1939 §5): keeps the session alive inside the server's autologout timer.</summary>
    public async Task NoopAsync(CancellationToken cancellationToken = default)
    {
        var connection = RequireState(Pop3SessionState.Transaction);
        using var operation = await BeginAsync(connection, cancellationToken).ConfigureAwait(false);
        await connection.ExecuteOkAsync(new Pop3Command("NOOP"), operation).ConfigureAwait(false);
    }

    /// <summary>
    /// UTF8 (RFC 6856 §2): switches the session to UTF-8. Allowed before login, or after it when the server
    /// advertised "UTF8 USER".
    /// </summary>
    public async Task EnableUtf8Async(CancellationToken cancellationToken = default)
    {
        var connection = RequireConnection();
        using var operation = await BeginAsync(connection, cancellationToken).ConfigureAwait(false);
        await connection.ExecuteOkAsync(new Pop3Command("UTF8"), operation).ConfigureAwait(false);
    }

    /// <summary>LANG (RFC 6856 §3) without an argument: the languages the server can reply in.</summary>
    public async Task<IReadOnlyList<string>> LangAsync(CancellationToken cancellationToken = default)
    {
        var connection = RequireConnection();
        using var operation = await BeginAsync(connection, cancellationToken).ConfigureAwait(false);
        var command = new Pop3Command("LANG", multiLine: true);
        await connection.ExecuteOkAsync(command, operation).ConfigureAwait(false);
        var languages = new List<string>();
        while (await connection.ReadDataLineAsync(operation).ConfigureAwait(false) is { } line)
        {
            languages.Add(Pop3Response.Decode(line.Span).Trim());
        }

        return languages;
    }

    /// <summary>LANG tag (RFC 6856 §3): asks the server to reply in that language ("*" for its default).</summary>
    public async Task LangAsync(string language, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(language);
        if (language.Contains(' ', StringComparison.Ordinal))
        {
            throw new ArgumentException("A language tag has no spaces.", nameof(language));
        }

        var connection = RequireConnection();
        using var operation = await BeginAsync(connection, cancellationToken).ConfigureAwait(false);
        await connection.ExecuteOkAsync(new Pop3Command("LANG", language), operation).ConfigureAwait(false);
    }

    /// <summary>
    /// QUIT (RFC 1939 §6): in the TRANSACTION state this commits deletions. The connection is closed afterwards
    /// whatever the reply; a -ERR (deletions could not all be committed) is thrown after closing. Does nothing
    /// when not connected, so it is safe to call on every way out.
    /// </summary>
    public async Task QuitAsync(CancellationToken cancellationToken = default)
    {
        if (_connection is not { IsClosed: false } connection)
        {
            return;
        }

        Pop3Response response;
        using (var operation = await BeginAsync(connection, cancellationToken).ConfigureAwait(false))
        {
            response = await connection.ExecuteAsync(new Pop3Command("QUIT"), operation).ConfigureAwait(false);
            connection.Close();
        }

        if (!response.IsOk)
        {
            throw new Pop3CommandException("QUIT", response.Code, response.Text);
        }
    }

    /// <summary>
    /// Summaries (number, size, UID, From, To, Subject, Date, Message-ID, attachment hint, importance) of the
    /// given messages, from pipelined TOP n 0. Messages that are deleted or no longer exist are left out.
    /// LIST and UIDL are read once per session and reused.
    /// </summary>
    public async Task<IReadOnlyList<Pop3MessageSummary>> GetMessageSummariesAsync(
        IReadOnlyList<int> messageNumbers,
        IProgress<Pop3Progress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messageNumbers);
        foreach (var number in messageNumbers)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(number, 1, nameof(messageNumbers));
        }

        var connection = RequireState(Pop3SessionState.Transaction);
        using var operation = await BeginAsync(connection, cancellationToken).ConfigureAwait(false);
        var sizes = _sizes ?? await LoadSizesAsync(connection, operation).ConfigureAwait(false);
        var uids = _uids;
        if (uids is null && Capabilities.Uidl | !Capabilities.IsSupported)
        {
            uids = await LoadUidsAsync(connection, operation).ConfigureAwait(false);
        }

        var wanted = messageNumbers.Where(sizes.ContainsKey).ToArray();
        var summaries = new List<Pop3MessageSummary>(wanted.Length);
        if (wanted.Length == 0)
        {
            progress?.Report(new Pop3Progress(0, 0));
            return summaries;
        }

        var useTop = await ProbeTopAsync(connection, wanted[0], operation).ConfigureAwait(false);
        var commands = wanted.Select(n => useTop
            ? new Pop3Command("TOP", Number(n) + " 0", multiLine: true)
            : new Pop3Command("RETR", Number(n), multiLine: true)).ToArray();
        var buffer = new ArrayBufferWriter<byte>(4096);
        var reportEvery = Math.Max(1, Math.Min(50, wanted.Length / 20));
        await connection.PipelineAsync(commands, IsPipelining, async (index, response) =>
        {
            if (response.IsOk)
            {
                var number = wanted[index];
                buffer.ResetWrittenCount();
                await ReadHeaderBlockAsync(connection, buffer, operation).ConfigureAwait(false);
                summaries.Add(Pop3SummaryParser.Parse(buffer.WrittenSpan, number, sizes[number], uids?.GetValueOrDefault(number), _addressCache));
            }

            var done = index + 1;
            if (progress is not null && (done % reportEvery == 0 || done == wanted.Length))
            {
                progress.Report(new Pop3Progress(done, wanted.Length));
            }
        }, operation).ConfigureAwait(false);
        return summaries;
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
        _connection?.Close();
        return ValueTask.CompletedTask;
    }

    private async Task AuthenticateCoreAsync(Pop3Connection connection, Pop3AuthenticationMechanism mechanism, string userName, string secret, CancellationToken cancellationToken)
    {
        using (var operation = await BeginAsync(connection, cancellationToken).ConfigureAwait(false))
        {
            operation.Secret = secret;
            try
            {
                switch (mechanism)
                {
                    case Pop3AuthenticationMechanism.User:
                        await UserPassAsync(connection, userName, secret, operation).ConfigureAwait(false);
                        break;
                    case Pop3AuthenticationMechanism.Apop:
                        await ApopAsync(connection, userName, secret, operation).ConfigureAwait(false);
                        break;
                    default:
                        await SaslAsync(connection, Pop3SaslMechanism.Create(mechanism, userName, secret, _options.MaxScramIterations), operation).ConfigureAwait(false);
                        break;
                }
            }
            catch (Pop3AuthenticationException ex) when (ex.ServerText is { } text && text.Contains(secret, StringComparison.Ordinal))
            {
                // A server that echoes the secret back must not make us show it.
                throw new Pop3AuthenticationException(ex.Command, ex.ResponseCode, text.Replace(secret, "********", StringComparison.Ordinal));
            }

            connection.State = Pop3SessionState.Transaction;
            LogAuthenticated(mechanism);

            // RFC 2449 §5: capabilities may differ after login (PIPELINING, UTF8 USER, EXPIRE USER).
            Capabilities = await ReadCapabilitiesAsync(connection, operation).ConfigureAwait(false);
        }
    }

    private static async Task UserPassAsync(Pop3Connection connection, string userName, string password, Pop3Connection.Operation operation)
    {
        var user = await connection.ExecuteAsync(new Pop3Command("USER", userName), operation).ConfigureAwait(false);
        ThrowIfAuthFailed("USER", user);
        var pass = await connection.ExecuteAsync(new Pop3Command("PASS", password, sensitive: true), operation).ConfigureAwait(false);
        ThrowIfAuthFailed("PASS", pass);
    }

    private async Task ApopAsync(Pop3Connection connection, string userName, string password, Pop3Connection.Operation operation)
    {
        // RFC 1939 §7: digest = MD5(timestamp + secret), as lowercase hex.
#pragma warning disable CA5351 // APOP is defined with MD5; it is used only when the server asks for it.
        var digest = Convert.ToHexStringLower(MD5.HashData(Encoding.UTF8.GetBytes(_apopTimestamp + password)));
#pragma warning restore CA5351
        var response = await connection.ExecuteAsync(new Pop3Command("APOP", userName + " " + digest, sensitive: true), operation).ConfigureAwait(false);
        ThrowIfAuthFailed("APOP", response);
    }

    /// <summary>The AUTH exchange of RFC 5034, tolerant of servers that answer "+OK" where "+" belongs.</summary>
    private static async Task SaslAsync(Pop3Connection connection, Pop3SaslMechanism mechanism, Pop3Connection.Operation operation)
    {
        var verb = "AUTH " + mechanism.Name;
        Pop3Response response;
        if (mechanism.ClientFirst)
        {
            var initial = mechanism.Respond([])!;
            var encoded = initial.Length == 0 ? "=" : Convert.ToBase64String(initial);
            // RFC 5034 §4: the initial response may ride on the command only if the line fits in 255 octets.
            if (verb.Length + 1 + encoded.Length + 2 <= 255)
            {
                response = await connection.ExecuteAsync(new Pop3Command(verb, encoded, sensitive: true), operation).ConfigureAwait(false);
            }
            else
            {
                response = await connection.ExecuteAsync(new Pop3Command(verb), operation).ConfigureAwait(false);
                if (response.Kind == Pop3ResponseKind.Err)
                {
                    ThrowIfAuthFailed(verb, response);
                }

                response = await SendSaslLineAsync(connection, Convert.ToBase64String(initial), operation).ConfigureAwait(false);
            }
        }
        else
        {
            response = await connection.ExecuteAsync(new Pop3Command(verb), operation).ConfigureAwait(false);
        }

        while (true)
        {
            byte[]? challenge;
            switch (response.Kind)
            {
                case Pop3ResponseKind.Err:
                    ThrowIfAuthFailed(verb, response);
                    return;
                case Pop3ResponseKind.Ok:
                    var data = TryBase64(response.Text);
                    if (mechanism.CanSucceed || (data is not null && mechanism.AcceptSuccessData(data) && mechanism.CanSucceed))
                    {
                        return;
                    }

                    if (!mechanism.IsComplete && data is not null)
                    {
                        challenge = data; // "+OK" used as a continuation by a sloppy server.
                        break;
                    }

                    if (mechanism.RequiresServerProof)
                    {
                        throw connection.Fail(new Pop3SecurityException($"The server accepted {mechanism.Name} without proving it knows the password; the connection was closed."), operation);
                    }

                    return;
                default:
                    challenge = TryBase64(response.Text);
                    break;
            }

            var answer = challenge is null ? null : mechanism.Respond(challenge);
            response = answer is null
                ? await SendSaslLineAsync(connection, "*", operation).ConfigureAwait(false)
                : await SendSaslLineAsync(connection, Convert.ToBase64String(answer), operation).ConfigureAwait(false);
            if (answer is null && response.Kind != Pop3ResponseKind.Err)
            {
                // RFC 5034 §4: after "*" the server must reply -ERR; anything else means we are out of step.
                throw connection.Fail(new Pop3ProtocolException("The server did not end a canceled authentication with -ERR."), operation);
            }

            if (answer is null && mechanism.RequiresServerProof && mechanism.IsComplete)
            {
                // The server failed to prove it knows the password (RFC 5802 §3): it may be an impostor, so no
                // weaker mechanism may follow and hand it the password.
                throw connection.Fail(new Pop3SecurityException($"The server could not prove it knows the password ({mechanism.Name}); the connection was closed."), operation);
            }
        }
    }

    private static async Task<Pop3Response> SendSaslLineAsync(Pop3Connection connection, string line, Pop3Connection.Operation operation)
    {
        // A SASL response is a line of its own (RFC 5034 §4); marked sensitive, it is logged as asterisks.
        return await connection.ExecuteAsync(new Pop3Command(line, sensitive: true), operation).ConfigureAwait(false);
    }

    private static byte[]? TryBase64(string text)
    {
        var trimmed = text.Trim();
        var buffer = new byte[(trimmed.Length * 3 / 4) + 3];
        return Convert.TryFromBase64String(trimmed, buffer, out var length) ? buffer[..length] : null;
    }

    private static void ThrowIfAuthFailed(string verb, Pop3Response response)
    {
        if (response.Kind == Pop3ResponseKind.Err)
        {
            throw new Pop3AuthenticationException(verb, response.Code, response.Text);
        }
    }

    private bool IsAutomaticCandidate(Pop3AuthenticationMechanism mechanism)
    {
        if (_options.AllowedMechanisms is { } allowed && !allowed.Contains(mechanism))
        {
            return false;
        }

        if (!IsSecure && SendsSecretInClear(mechanism) && !_options.AllowPlaintextAuthentication)
        {
            return false;
        }

        return mechanism switch
        {
            Pop3AuthenticationMechanism.Apop => _apopTimestamp is not null && IsSecure,
            Pop3AuthenticationMechanism.User => Capabilities.User || !Capabilities.IsSupported,
            _ => Capabilities.SaslMechanisms.Contains(Pop3SaslMechanism.SaslName(mechanism)),
        };
    }

    private static bool SendsSecretInClear(Pop3AuthenticationMechanism mechanism) =>
        mechanism is Pop3AuthenticationMechanism.Plain or Pop3AuthenticationMechanism.Login or Pop3AuthenticationMechanism.User
            or Pop3AuthenticationMechanism.XOAuth2 or Pop3AuthenticationMechanism.OAuthBearer;

    private async Task<Pop3BodyStream> OpenBodyAsync(Pop3Command command, int messageNumber, CancellationToken cancellationToken)
    {
        var connection = RequireState(Pop3SessionState.Transaction);
        using var operation = await BeginAsync(connection, cancellationToken).ConfigureAwait(false);
        await connection.ExecuteOkAsync(command, operation).ConfigureAwait(false);
        connection.BeginData();
        var body = new Pop3BodyStream(connection, messageNumber, operation: null);
        connection.SetOpenBody(body);
        return body;
    }

    private async Task BulkBodiesAsync(string verb, IReadOnlyList<int> messageNumbers, int lines, Func<Pop3BodyStream, CancellationToken, ValueTask> handler, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(messageNumbers);
        ArgumentNullException.ThrowIfNull(handler);
        foreach (var number in messageNumbers)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(number, 1, nameof(messageNumbers));
        }

        var connection = RequireState(Pop3SessionState.Transaction);
        using var operation = await BeginAsync(connection, cancellationToken).ConfigureAwait(false);
        var commands = messageNumbers.Select(n => new Pop3Command(verb, lines < 0 ? Number(n) : Number(n) + " " + Number(lines), multiLine: true)).ToArray();
        Pop3CommandException? first = null;
        await connection.PipelineAsync(commands, IsPipelining, async (index, response) =>
        {
            if (!response.IsOk)
            {
                first ??= new Pop3CommandException(verb, response.Code, response.Text);
                return;
            }

            var body = new Pop3BodyStream(connection, messageNumbers[index], operation);
            try
            {
                await handler(body, operation.Token).ConfigureAwait(false);
            }
            finally
            {
                body.Detach();
            }
        }, operation).ConfigureAwait(false);
        if (first is not null)
        {
            throw first;
        }
    }

    private async Task<bool> ProbeTopAsync(Pop3Connection connection, int messageNumber, Pop3Connection.Operation operation)
    {
        if (Capabilities.Top)
        {
            return true;
        }

        if (_topSupported is { } known)
        {
            return known;
        }

        // RFC 1939 §7: TOP is optional; without CAPA the only way to know is to try it once.
        var response = await connection.ExecuteAsync(new Pop3Command("TOP", Number(messageNumber) + " 0", multiLine: true), operation).ConfigureAwait(false);
        _topSupported = response.IsOk;
        if (response.IsOk)
        {
            connection.BeginData();
            await connection.DrainAsync(operation).ConfigureAwait(false);
        }

        return response.IsOk;
    }

    /// <summary>Copies the header section of the current data block into <paramref name="buffer"/>, up to the limit.</summary>
    private async ValueTask ReadHeaderBlockAsync(Pop3Connection connection, ArrayBufferWriter<byte> buffer, Pop3Connection.Operation operation)
    {
        while (buffer.WrittenCount < _options.MaxHeaderBytes)
        {
            var memory = buffer.GetMemory(4096);
            var read = await connection.ReadDataAsync(memory[..Math.Min(memory.Length, _options.MaxHeaderBytes - buffer.WrittenCount)], operation).ConfigureAwait(false);
            if (read == 0)
            {
                return;
            }

            // Only the new bytes, and the three before them for a blank line split across reads, can end the
            // section: rescanning everything would be quadratic when a hostile server trickles its bytes.
            var scanFrom = Math.Max(0, buffer.WrittenCount - 3);
            buffer.Advance(read);
            if (EndsHeaderSection(buffer.WrittenSpan[scanFrom..]))
            {
                return; // With the RETR fallback the body follows; the pipeline drains it.
            }
        }
    }

    private static bool EndsHeaderSection(ReadOnlySpan<byte> data) =>
        data.IndexOf("\r\n\r\n"u8) >= 0 || data.IndexOf("\n\n"u8) >= 0;

    private async Task<Dictionary<int, long>> LoadSizesAsync(Pop3Connection connection, Pop3Connection.Operation operation)
    {
        await ListCoreAsync(connection, operation).ConfigureAwait(false);
        return _sizes!;
    }

    private async Task<Dictionary<int, string>?> LoadUidsAsync(Pop3Connection connection, Pop3Connection.Operation operation)
    {
        try
        {
            await UidlCoreAsync(connection, operation).ConfigureAwait(false);
        }
        catch (Pop3CommandException)
        {
            return null; // UIDL is optional (RFC 1939 §7): summaries simply have no UID.
        }

        return _uids;
    }

    private async Task<IReadOnlyList<Pop3MessageSize>> ListCoreAsync(Pop3Connection connection, Pop3Connection.Operation operation)
    {
        await connection.ExecuteOkAsync(new Pop3Command("LIST", multiLine: true), operation).ConfigureAwait(false);
        connection.BeginData();
        var result = new List<Pop3MessageSize>();
        var sizes = new Dictionary<int, long>();
        while (await connection.ReadDataLineAsync(operation).ConfigureAwait(false) is { } line)
        {
            if (!TryParseScanListing(Encoding.ASCII.GetString(line.Span), out var number, out var size))
            {
                throw connection.Fail(new Pop3ProtocolException("The server sent a malformed LIST line."), operation);
            }

            result.Add(new Pop3MessageSize(number, size));
            sizes[number] = size;
        }

        EndDataBlock(connection);
        _sizes = sizes;
        return result;
    }

    private async Task<IReadOnlyList<Pop3MessageUid>> UidlCoreAsync(Pop3Connection connection, Pop3Connection.Operation operation)
    {
        await connection.ExecuteOkAsync(new Pop3Command("UIDL", multiLine: true), operation).ConfigureAwait(false);
        connection.BeginData();
        var result = new List<Pop3MessageUid>();
        var uids = new Dictionary<int, string>();
        while (await connection.ReadDataLineAsync(operation).ConfigureAwait(false) is { } line)
        {
            if (!TryParseUidListing(Encoding.Latin1.GetString(line.Span), out var number, out var uid))
            {
                throw connection.Fail(new Pop3ProtocolException("The server sent a malformed UIDL line."), operation);
            }

            result.Add(new Pop3MessageUid(number, uid));
            uids[number] = uid;
        }

        EndDataBlock(connection);
        _uids = uids;
        return result;
    }

    private static async Task<Pop3Capabilities> ReadCapabilitiesAsync(Pop3Connection connection, Pop3Connection.Operation operation)
    {
        var response = await connection.ExecuteAsync(new Pop3Command("CAPA", multiLine: true), operation).ConfigureAwait(false);
        if (response.Kind != Pop3ResponseKind.Ok)
        {
            return Pop3Capabilities.Empty; // RFC 2449 §5: a pre-CAPA server answers -ERR.
        }

        connection.BeginData();
        var lines = new List<string>();
        while (await connection.ReadDataLineAsync(operation).ConfigureAwait(false) is { } line)
        {
            lines.Add(Pop3Response.Decode(line.Span));
        }

        EndDataBlock(connection);
        return Pop3Capabilities.Parse(lines);
    }

    /// <summary>Text replies are read line by line; the "." line ended them, so the data state is closed here.</summary>
    private static void EndDataBlock(Pop3Connection connection) => connection.EndData();

    /// <summary>RFC 1939 §5 scan listing: "n size" (more text after the size is allowed and ignored).</summary>
    private static bool TryParseScanListing(string text, out int number, out long size)
    {
        number = 0;
        size = 0;
        var parts = text.Split(' ', 3, StringSplitOptions.RemoveEmptyEntries);
        return parts.Length >= 2 && Pop3Numbers.TryParseInt32(parts[0], out number) && number > 0
            && Pop3Numbers.TryParseInt64(parts[1], allowNegative: false, out size);
    }

    /// <summary>
    /// RFC 1939 §7 unique-id listing: "n uid", the uid 1–70 characters 0x21–0x7E. Sloppy servers are tolerated:
    /// a longer uid or one with other characters is kept as sent (it is still just an opaque key for us).
    /// </summary>
    private static bool TryParseUidListing(string text, out int number, out string uid)
    {
        number = 0;
        uid = string.Empty;
        var parts = text.Split(' ', 2, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (parts.Length < 2 || !Pop3Numbers.TryParseInt32(parts[0], out number) || number <= 0)
        {
            return false;
        }

        uid = parts[1];
        return uid.Length > 0;
    }

    private static string? FindApopTimestamp(string greeting)
    {
        // RFC 1939 §7: the timestamp is a msg-id, "<" ... "@" ... ">", at the end of the greeting.
        var close = greeting.LastIndexOf('>');
        var open = close < 0 ? -1 : greeting.LastIndexOf('<', close);
        if (open < 0)
        {
            return null;
        }

        var candidate = greeting[open..(close + 1)];
        return candidate.Contains('@', StringComparison.Ordinal) && !candidate.Contains(' ', StringComparison.Ordinal) && Ascii.IsValid(candidate)
            ? candidate
            : null;
    }

    private async Task<Stream> HandshakeAsync(Stream stream, string host, CancellationToken cancellationToken, Pop3Connection? connection = null)
    {
        var ssl = new SslStream(stream, leaveInnerStreamOpen: false);
        try
        {
            using var timeout = new CancellationTokenSource(_options.IoTimeout, _options.TimeProvider);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, cancellationToken);
            await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
            {
                TargetHost = host,
                RemoteCertificateValidationCallback = _options.ValidateServerCertificate,
            }, linked.Token).ConfigureAwait(false);
            LogTls(ssl.SslProtocol);
            return ssl;
        }
        catch (Exception ex) when (Pop3Connection.IsTransportFailure(ex) || ex is System.Security.Authentication.AuthenticationException)
        {
            await ssl.DisposeAsync().ConfigureAwait(false);
            connection?.Close();
            if (ex is OperationCanceledException && cancellationToken.IsCancellationRequested)
            {
                throw;
            }

            throw ex is OperationCanceledException
                ? new Pop3TimeoutException("The TLS handshake with the POP3 server timed out.", ex)
                : new Pop3SecurityException("The TLS handshake with the POP3 server failed: " + ex.Message, ex);
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

    private static async ValueTask<Pop3Connection.Operation> BeginAsync(Pop3Connection connection, CancellationToken cancellationToken)
    {
        var operation = connection.Begin(cancellationToken);
        try
        {
            await connection.SettleOpenBodyAsync(operation).ConfigureAwait(false);
            return operation;
        }
        catch
        {
            operation.Dispose();
            throw;
        }
    }

    private Pop3Connection RequireConnection() =>
        _connection is { IsClosed: false } connection
            ? connection
            : throw new InvalidOperationException("The POP3 client is not connected.");

    private Pop3Connection RequireState(Pop3SessionState state)
    {
        var connection = RequireConnection();
        if (connection.State != state)
        {
            throw new InvalidOperationException(state == Pop3SessionState.Transaction
                ? "The POP3 client is not authenticated."
                : "The POP3 client is already authenticated.");
        }

        return connection;
    }

    private void ThrowIfConnected()
    {
        if (IsConnected)
        {
            throw new InvalidOperationException("The POP3 client is already connected.");
        }
    }

    private static string Number(int value) => value.ToString(System.Globalization.CultureInfo.InvariantCulture);

    [LoggerMessage(EventId = 10, Level = LogLevel.Debug, Message = "Connected to {Host}:{Port}")]
    private partial void LogConnected(string host, int port);

    [LoggerMessage(EventId = 11, Level = LogLevel.Debug, Message = "TLS established ({Protocol})")]
    private partial void LogTls(System.Security.Authentication.SslProtocols protocol);

    [LoggerMessage(EventId = 12, Level = LogLevel.Debug, Message = "Authenticated with {Mechanism}")]
    private partial void LogAuthenticated(Pop3AuthenticationMechanism mechanism);
}
