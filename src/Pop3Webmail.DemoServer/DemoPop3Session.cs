using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Pop3Webmail.DemoServer;

/// <summary>
/// One POP3 conversation (RFC 1939 §3): AUTHORIZATION, then TRANSACTION, then UPDATE on QUIT. Commands are handled
/// strictly in arrival order and replies are flushed only when no further command is already buffered, so pipelined
/// commands (RFC 2449 §6.6) are answered in order and in as few writes as possible.
/// </summary>
internal sealed class DemoPop3Session : IDisposable
{
    /// <summary>
    /// RFC 2449 §4's 255 octets bound command lines; a SASL response line is not a command (RFC 5034 §4) and may be
    /// longer, but is bounded too.
    /// </summary>
    private const int MaxSaslLineLength = 4096;

    private const string Implementation = "Pop3Webmail-DemoServer";

    private readonly DemoPop3Server _server;
    private readonly DemoPop3ServerOptions _options;
    private readonly DemoPop3SessionInfo _info;
    private readonly DemoPop3LineReader _reader;
    private readonly DemoPop3ReplyWriter _writer;
    private readonly string _apopTimestamp;
    private readonly CancellationTokenSource _idle = new();
    private readonly ITimer _idleTimer;

    private string? _pendingUser;
    private DemoMaildrop? _maildrop;
    private DemoSessionMailbox _mailbox = new([]);

    public DemoPop3Session(DemoPop3Server server, DemoPop3ServerOptions options, DemoPop3SessionInfo info, Stream transport)
    {
        _server = server;
        _options = options;
        _info = info;
        _reader = new DemoPop3LineReader(transport, Math.Max(options.MaxCommandLineLength, MaxSaslLineLength));
        _writer = new DemoPop3ReplyWriter(transport, server.Faults.DropAfterBytesSent);
        _idleTimer = options.TimeProvider.CreateTimer(static state => CancelIdle((CancellationTokenSource)state!), _idle, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);

        // RFC 1939 §7: the APOP timestamp must differ for every greeting; random bits make it unguessable too.
        _apopTimestamp = string.Create(CultureInfo.InvariantCulture,
            $"<{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8))}.{info.Id}@pop3webmail.invalid>");
    }

    private bool IsAuthenticated => _maildrop is not null;

    public void Dispose()
    {
        _idleTimer.Dispose();
        _idle.Dispose();
    }

    /// <summary>Runs the conversation until it ends; the caller closes the connection.</summary>
    public async Task<DemoPop3SessionEnd> RunAsync(bool rejected, CancellationToken stopping)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(stopping, _idle.Token);
        var cancellationToken = linked.Token;
        try
        {
            try
            {
                if (rejected)
                {
                    await _writer.WriteLineAsync("-ERR [SYS/TEMP] Too many open sessions, try again later", cancellationToken).ConfigureAwait(false);
                    await _writer.FlushAsync(cancellationToken).ConfigureAwait(false);
                    return DemoPop3SessionEnd.Rejected;
                }

                if (_server.Faults.GreetingReply is { } greeting)
                {
                    await _writer.WriteAsync(Encoding.UTF8.GetBytes(greeting), cancellationToken).ConfigureAwait(false);
                }
                else
                {
                    await _writer.WriteLineAsync("+OK Pop3Webmail demo POP3 server ready " + _apopTimestamp, cancellationToken).ConfigureAwait(false);
                }

                while (true)
                {
                    var line = await ReadLineAsync(_options.MaxCommandLineLength, cancellationToken).ConfigureAwait(false);
                    if (line is null)
                    {
                        return DemoPop3SessionEnd.ClientDisconnected;
                    }

                    if (await HandleAsync(line, cancellationToken).ConfigureAwait(false) is { } end)
                    {
                        await _writer.FlushAsync(cancellationToken).ConfigureAwait(false);
                        return end;
                    }
                }
            }
            catch (DemoPop3LineTooLongException)
            {
                await _writer.WriteLineAsync("-ERR Line too long, closing the connection", cancellationToken).ConfigureAwait(false);
                await _writer.FlushAsync(cancellationToken).ConfigureAwait(false);
                return DemoPop3SessionEnd.LineTooLong;
            }
        }
        catch (DemoPop3InjectedDropException)
        {
            return DemoPop3SessionEnd.FaultInjected;
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            return DemoPop3SessionEnd.ServerStopped;
        }
        catch (OperationCanceledException) when (_idle.IsCancellationRequested)
        {
            // RFC 1939 §3: on autologout the session does not enter UPDATE and no response is sent.
            return DemoPop3SessionEnd.IdleTimeout;
        }
        catch (IOException)
        {
            return DemoPop3SessionEnd.ClientDisconnected;
        }
        finally
        {
            _maildrop?.Unlock(_info.Id);
        }
    }

    /// <summary>
    /// Runs when no complete command is buffered. RFC 1939 §3: the autologout timer runs while the server waits for
    /// the client; it is armed before the pending replies go out, so a client that has seen a reply knows it runs.
    /// </summary>
    private async ValueTask BeforeWaitingAsync(CancellationToken cancellationToken)
    {
        _idleTimer.Change(_options.IdleTimeout, Timeout.InfiniteTimeSpan);
        await _writer.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    private static void CancelIdle(CancellationTokenSource idle)
    {
        try
        {
            idle.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // The timer fired while the session was being torn down: nothing is left to cancel.
        }
    }

    private async ValueTask<string?> ReadLineAsync(int maxLength, CancellationToken cancellationToken)
    {
        var line = await _reader.ReadLineAsync(maxLength, BeforeWaitingAsync, cancellationToken).ConfigureAwait(false);
        _idleTimer.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        return line;
    }

    /// <summary>Handles one command line; returns how the session ends, or null to go on.</summary>
    private async Task<DemoPop3SessionEnd?> HandleAsync(string line, CancellationToken cancellationToken)
    {
        var space = line.IndexOf(' ', StringComparison.Ordinal);
        var verb = (space < 0 ? line : line[..space]).ToUpperInvariant();
        var argument = space < 0 ? string.Empty : line[(space + 1)..];
        var recorded = Describe(verb, argument);

        var faults = _server.Faults.ForCommand(verb);
        Task? delay = null;
        if (faults.Holds || faults.Disconnect)
        {
            // Replies to earlier pipelined commands go out first, as they would from a server that stalls here.
            await _writer.FlushAsync(cancellationToken).ConfigureAwait(false);
        }

        if (faults.Holds)
        {
            // Armed before the command is reported, so a test that sees it may advance a fake clock at once.
            delay = faults.Delay > TimeSpan.Zero ? Task.Delay(faults.Delay, _options.TimeProvider, cancellationToken) : Task.CompletedTask;
            _info.HeldCommand = recorded;
        }

        _server.OnCommandReceived(_info, recorded, verb == "QUIT");
        if (delay is not null)
        {
            await Task.WhenAll(delay, faults.Gate?.PassAsync(cancellationToken) ?? Task.CompletedTask).ConfigureAwait(false);
            _info.HeldCommand = null;
        }

        if (faults.Disconnect)
        {
            return DemoPop3SessionEnd.FaultInjected;
        }

        if (faults.Reply is { } reply)
        {
            await _writer.WriteAsync(Encoding.UTF8.GetBytes(reply), cancellationToken).ConfigureAwait(false);
            return null;
        }

        return IsAuthenticated
            ? await TransactionAsync(verb, argument, cancellationToken).ConfigureAwait(false)
            : await AuthorizationAsync(verb, argument, cancellationToken).ConfigureAwait(false);
    }

    private static string Describe(string verb, string argument)
    {
        if (verb == "PASS")
        {
            return "PASS ********";
        }

        if (verb is "APOP" or "AUTH")
        {
            // Keep the user name or mechanism; the digest or SASL initial response is secret.
            var parts = argument.Split(' ', 2);
            return parts.Length > 1 ? $"{verb} {parts[0]} ********" : $"{verb} {argument}".TrimEnd();
        }

        return argument.Length == 0 ? verb : verb + " " + argument;
    }

    private async Task<DemoPop3SessionEnd?> AuthorizationAsync(string verb, string argument, CancellationToken cancellationToken)
    {
        // RFC 1939 §7: PASS must directly follow a successful USER.
        var pendingUser = _pendingUser;
        _pendingUser = null;
        switch (verb)
        {
            case "CAPA":
                await WriteCapabilitiesAsync(cancellationToken).ConfigureAwait(false);
                return null;
            case "USER":
                if (argument.Length == 0 || argument.Contains(' ', StringComparison.Ordinal))
                {
                    await ReplyAsync("-ERR USER needs exactly one argument", cancellationToken).ConfigureAwait(false);
                    return null;
                }

                // Always +OK, so the reply does not tell which user names exist (RFC 1939 §7 allows either).
                _pendingUser = argument;
                await ReplyAsync("+OK Send your password", cancellationToken).ConfigureAwait(false);
                return null;
            case "PASS":
                if (pendingUser is null)
                {
                    await ReplyAsync("-ERR Send USER first", cancellationToken).ConfigureAwait(false);
                    return null;
                }

                // RFC 1939 §7: the argument of PASS is the rest of the line, spaces included.
                await LoginAsync(FindAccount(pendingUser, argument), cancellationToken).ConfigureAwait(false);
                return null;
            case "APOP":
                await ApopAsync(argument, cancellationToken).ConfigureAwait(false);
                return null;
            case "AUTH":
                await AuthenticateAsync(argument, cancellationToken).ConfigureAwait(false);
                return null;
            case "QUIT":
                // RFC 1939 §4: QUIT in the AUTHORIZATION state ends the session without UPDATE.
                await ReplyAsync("+OK Pop3Webmail demo POP3 server signing off", cancellationToken).ConfigureAwait(false);
                return DemoPop3SessionEnd.Quit;
            case "STAT" or "LIST" or "RETR" or "DELE" or "NOOP" or "RSET" or "TOP" or "UIDL":
                await ReplyAsync("-ERR Not logged in", cancellationToken).ConfigureAwait(false);
                return null;
            default:
                await ReplyAsync("-ERR Unknown command", cancellationToken).ConfigureAwait(false);
                return null;
        }
    }

    private async Task ApopAsync(string argument, CancellationToken cancellationToken)
    {
        var parts = argument.Split(' ');
        if (parts.Length != 2 || parts[0].Length == 0)
        {
            await ReplyAsync("-ERR APOP needs a user name and a digest", cancellationToken).ConfigureAwait(false);
            return;
        }

        var maildrop = _server.FindMaildrop(parts[0]);
        await LoginAsync(maildrop is not null && DemoCredentials.ApopMatches(_apopTimestamp, maildrop.Account.Password, parts[1]) ? maildrop : null, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>AUTH (RFC 5034) with the PLAIN mechanism (RFC 4616), initial response on the command or after "+ ".</summary>
    private async Task AuthenticateAsync(string argument, CancellationToken cancellationToken)
    {
        var parts = argument.Split(' ');
        if (parts.Length is < 1 or > 2 || !parts[0].Equals("PLAIN", StringComparison.OrdinalIgnoreCase))
        {
            await ReplyAsync("-ERR Unsupported authentication mechanism", cancellationToken).ConfigureAwait(false);
            return;
        }

        string response;
        if (parts.Length == 2)
        {
            response = parts[1];
        }
        else
        {
            // RFC 5034 §4: an empty challenge is "+" SP CRLF.
            await ReplyAsync("+ ", cancellationToken).ConfigureAwait(false);
            var line = await ReadLineAsync(MaxSaslLineLength, cancellationToken).ConfigureAwait(false);
            if (line is null)
            {
                throw new IOException("The client closed the connection during AUTH.");
            }

            response = line;
        }

        if (response == "*")
        {
            await ReplyAsync("-ERR Authentication canceled", cancellationToken).ConfigureAwait(false);
            return;
        }

        var valid = DemoCredentials.TryReadPlain(response, out var invalidBase64, out var userName, out var password);
        if (invalidBase64)
        {
            await ReplyAsync("-ERR Invalid base64 in the SASL response", cancellationToken).ConfigureAwait(false);
            return;
        }

        await LoginAsync(valid ? FindAccount(userName, password) : null, cancellationToken).ConfigureAwait(false);
    }

    private DemoMaildrop? FindAccount(string userName, string password)
    {
        var maildrop = _server.FindMaildrop(userName);
        return maildrop is not null
            && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(password), Encoding.UTF8.GetBytes(maildrop.Account.Password))
            ? maildrop
            : null;
    }

    /// <summary>Ends a login attempt: refuses it with the RFC 2449 / RFC 3206 code that fits, or enters TRANSACTION.</summary>
    private async Task LoginAsync(DemoMaildrop? maildrop, CancellationToken cancellationToken)
    {
        if (maildrop is null)
        {
            _server.OnLoginFailed();
            await ReplyAsync("-ERR [AUTH] Invalid user name or password", cancellationToken).ConfigureAwait(false);
            return;
        }

        var refusal = _server.Faults.LoginFailure switch
        {
            DemoPop3LoginFailure.InUse => "-ERR [IN-USE] The maildrop is in use by another session",
            DemoPop3LoginFailure.LoginDelay => "-ERR [LOGIN-DELAY] Logged in too recently, try again later",
            DemoPop3LoginFailure.SysTemp => "-ERR [SYS/TEMP] Temporary server failure, try again later",
            DemoPop3LoginFailure.SysPerm => "-ERR [SYS/PERM] The maildrop is unavailable, contact the administrator",
            _ => null,
        };
        if (refusal is not null)
        {
            await ReplyAsync(refusal, cancellationToken).ConfigureAwait(false);
            return;
        }

        if (_options.ExclusiveLock && !maildrop.TryLock(_info.Id))
        {
            // RFC 1939 §4 and §8: the maildrop is locked by a session in the TRANSACTION state.
            await ReplyAsync("-ERR [IN-USE] The maildrop is locked by another session", cancellationToken).ConfigureAwait(false);
            return;
        }

        _maildrop = maildrop;
        _mailbox = new DemoSessionMailbox(maildrop.Snapshot());
        _server.OnLoggedIn(_info, maildrop.Account.UserName);
        await ReplyAsync(Invariant($"+OK Logged in, {_mailbox.Count} messages ({_mailbox.LiveSize} octets)"), cancellationToken).ConfigureAwait(false);
    }

    private async Task<DemoPop3SessionEnd?> TransactionAsync(string verb, string argument, CancellationToken cancellationToken)
    {
        var arguments = argument.Length == 0 ? [] : argument.Split(' ');
        switch (verb)
        {
            case "STAT" when arguments.Length == 0:
                await ReplyAsync(Invariant($"+OK {_mailbox.LiveCount} {_mailbox.LiveSize}"), cancellationToken).ConfigureAwait(false);
                return null;
            case "LIST" when arguments.Length == 0:
                await ReplyAsync(Invariant($"+OK {_mailbox.LiveCount} messages ({_mailbox.LiveSize} octets)"), cancellationToken).ConfigureAwait(false);
                foreach (var (number, message) in _mailbox.Live())
                {
                    await ReplyAsync(Invariant($"{number} {message.Size}"), cancellationToken).ConfigureAwait(false);
                }

                await ReplyAsync(".", cancellationToken).ConfigureAwait(false);
                return null;
            case "LIST" when arguments.Length == 1:
                if (await FindMessageAsync(arguments[0], cancellationToken).ConfigureAwait(false) is (var listedNumber, var listed))
                {
                    await ReplyAsync(Invariant($"+OK {listedNumber} {listed.Size}"), cancellationToken).ConfigureAwait(false);
                }

                return null;
            case "UIDL" when _maildrop!.Account.Uidl == DemoUidlMode.None:
                await ReplyAsync("-ERR UIDL is not supported", cancellationToken).ConfigureAwait(false);
                return null;
            case "UIDL" when arguments.Length == 0:
                await ReplyAsync("+OK Unique-ID listing follows", cancellationToken).ConfigureAwait(false);
                foreach (var (number, message) in _mailbox.Live())
                {
                    await ReplyAsync(Invariant($"{number} {ReportedUid(message)}"), cancellationToken).ConfigureAwait(false);
                }

                await ReplyAsync(".", cancellationToken).ConfigureAwait(false);
                return null;
            case "UIDL" when arguments.Length == 1:
                if (await FindMessageAsync(arguments[0], cancellationToken).ConfigureAwait(false) is (var identifiedNumber, var identified))
                {
                    await ReplyAsync(Invariant($"+OK {identifiedNumber} {ReportedUid(identified)}"), cancellationToken).ConfigureAwait(false);
                }

                return null;
            case "RETR" when arguments.Length == 1:
                if (await FindMessageAsync(arguments[0], cancellationToken).ConfigureAwait(false) is (_, var retrieved))
                {
                    await ReplyAsync(Invariant($"+OK {retrieved.Size} octets"), cancellationToken).ConfigureAwait(false);
                    await WriteDataAsync(retrieved.WireContent, cancellationToken).ConfigureAwait(false);
                }

                return null;
            case "TOP" when arguments.Length == 2:
                if (!int.TryParse(arguments[1], NumberStyles.None, CultureInfo.InvariantCulture, out var lines))
                {
                    await ReplyAsync("-ERR The line count must be a non-negative number", cancellationToken).ConfigureAwait(false);
                }
                else if (await FindMessageAsync(arguments[0], cancellationToken).ConfigureAwait(false) is (_, var topped))
                {
                    // RFC 1939 §7: the header, the blank line, then at most that many body lines.
                    await ReplyAsync("+OK Top of message follows", cancellationToken).ConfigureAwait(false);
                    await WriteDataAsync(topped.WireContent[..topped.WireTopLength(lines)], cancellationToken).ConfigureAwait(false);
                }

                return null;
            case "DELE" when arguments.Length == 1:
                if (await FindMessageAsync(arguments[0], cancellationToken).ConfigureAwait(false) is (var deleted, _))
                {
                    _mailbox.MarkDeleted(deleted);
                    await ReplyAsync(Invariant($"+OK Message {deleted} deleted"), cancellationToken).ConfigureAwait(false);
                }

                return null;
            case "RSET" when arguments.Length == 0:
                _mailbox.Reset();
                await ReplyAsync(Invariant($"+OK {_mailbox.Count} messages ({_mailbox.LiveSize} octets)"), cancellationToken).ConfigureAwait(false);
                return null;
            case "NOOP" when arguments.Length == 0:
                await ReplyAsync("+OK", cancellationToken).ConfigureAwait(false);
                return null;
            case "CAPA" when arguments.Length == 0:
                await WriteCapabilitiesAsync(cancellationToken).ConfigureAwait(false);
                return null;
            case "QUIT" when arguments.Length == 0:
                // RFC 1939 §6: UPDATE removes the messages marked deleted, then the lock is released. Releasing it
                // before the reply is sent lets a client log in again as soon as it has read the +OK.
                var uids = _mailbox.MarkedUids();
                var removed = uids.Count == 0 ? 0 : _maildrop!.Remove(uids);
                _maildrop!.Unlock(_info.Id);
                await ReplyAsync(Invariant($"+OK Pop3Webmail demo POP3 server signing off ({removed} messages deleted)"), cancellationToken).ConfigureAwait(false);
                return DemoPop3SessionEnd.Quit;
            case "STAT" or "LIST" or "UIDL" or "RETR" or "TOP" or "DELE" or "RSET" or "NOOP" or "CAPA" or "QUIT":
                await ReplyAsync("-ERR Wrong number of arguments", cancellationToken).ConfigureAwait(false);
                return null;
            case "USER" or "PASS" or "APOP" or "AUTH":
                await ReplyAsync("-ERR Already logged in", cancellationToken).ConfigureAwait(false);
                return null;
            default:
                await ReplyAsync("-ERR Unknown command", cancellationToken).ConfigureAwait(false);
                return null;
        }
    }

    /// <summary>The live message an argument names, or null after replying -ERR (RFC 1939 §5: deleted messages may not be referenced).</summary>
    private async ValueTask<(int Number, DemoMessage Message)?> FindMessageAsync(string argument, CancellationToken cancellationToken)
    {
        switch (_mailbox.Find(argument, out var number, out var message))
        {
            case DemoMessageLookup.Found:
                return (number, message!);
            case DemoMessageLookup.Deleted:
                await ReplyAsync("-ERR Message is deleted", cancellationToken).ConfigureAwait(false);
                return null;
            default:
                await ReplyAsync("-ERR No such message", cancellationToken).ConfigureAwait(false);
                return null;
        }
    }

    /// <summary>The UIDL this account's server reports: the real one, or a colliding prefix for a broken server.</summary>
    private string ReportedUid(DemoMessage message) =>
        _maildrop!.Account.Uidl == DemoUidlMode.Colliding ? message.Uid[..1] : message.Uid;

    private async Task WriteCapabilitiesAsync(CancellationToken cancellationToken)
    {
        // RFC 2449 §5 and §6; USER and SASL matter only before login, as Dovecot shows them.
        await ReplyAsync("+OK Capability list follows", cancellationToken).ConfigureAwait(false);
        await ReplyAsync("TOP", cancellationToken).ConfigureAwait(false);
        if (_maildrop?.Account.Uidl != DemoUidlMode.None)
        {
            await ReplyAsync("UIDL", cancellationToken).ConfigureAwait(false);
        }
        if (!IsAuthenticated)
        {
            await ReplyAsync("USER", cancellationToken).ConfigureAwait(false);
            await ReplyAsync("SASL PLAIN", cancellationToken).ConfigureAwait(false);
        }

        await ReplyAsync("RESP-CODES", cancellationToken).ConfigureAwait(false);
        await ReplyAsync("PIPELINING", cancellationToken).ConfigureAwait(false);
        await ReplyAsync("AUTH-RESP-CODE", cancellationToken).ConfigureAwait(false);
        await ReplyAsync("IMPLEMENTATION " + Implementation, cancellationToken).ConfigureAwait(false);
        await ReplyAsync(".", cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Sends already dot-stuffed lines (RFC 1939 §3) and the terminating "." line.</summary>
    private async Task WriteDataAsync(ReadOnlyMemory<byte> wire, CancellationToken cancellationToken)
    {
        await _writer.WriteAsync(wire, cancellationToken).ConfigureAwait(false);
        await ReplyAsync(".", cancellationToken).ConfigureAwait(false);
    }

    private ValueTask ReplyAsync(string line, CancellationToken cancellationToken) => _writer.WriteLineAsync(line, cancellationToken);

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
