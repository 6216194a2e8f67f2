using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Text;
using Microsoft.Extensions.Logging;

namespace Pop3Webmail.Pop3;

/// <summary>
/// Opens a session: the TCP connection, implicit TLS (RFC 8314), the greeting (RFC 1939 §4) and CAPA (RFC 2449 §5),
/// and the STLS upgrade with its second CAPA (RFC 2595 §4). All of it runs under one connect deadline.
/// </summary>
internal sealed partial class Pop3Transport(Pop3ClientOptions options, ILogger logger)
{
    private readonly ILogger _logger = logger;

    /// <summary>Connects a TCP socket to <paramref name="endpoint"/> (a name or one exact address) within the deadline.</summary>
    public async Task<Stream> ConnectSocketAsync(EndPoint endpoint, string host, int port, Pop3Deadline deadline, CancellationToken cancellationToken)
    {
        var socket = endpoint is IPEndPoint ip
            ? new Socket(ip.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true }
            : new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            using var timer = new CancellationTokenSource(Pop3Deadline.TimerDue(deadline.Remaining(0)), options.TimeProvider);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(timer.Token, cancellationToken);
            try
            {
                await socket.ConnectAsync(endpoint, linked.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
            {
                throw new Pop3TimeoutException($"Connecting to {host}:{port} timed out.", ex);
            }
            catch (SocketException ex)
            {
                throw new Pop3ProtocolException($"Could not connect to {host}:{port}: {ex.Message}", ex);
            }

            if (options.IoTimeout != Timeout.InfiniteTimeSpan)
            {
                socket.ReceiveTimeout = socket.SendTimeout = (int)options.IoTimeout.TotalMilliseconds;
            }
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        LogConnected(host, port);
        return new NetworkStream(socket, ownsSocket: true);
    }

    /// <summary>
    /// TLS (when <see cref="Pop3ClientOptions.Security"/> asks for it), greeting, CAPA and, for STLS, the upgrade. The
    /// connection is returned in the AUTHORIZATION state; <paramref name="state"/> holds what the server said.
    /// </summary>
    public async Task<(Pop3Connection Connection, string Greeting, bool IsSecure)> OpenAsync(
        Stream stream, string host, Pop3MailboxState state, Pop3Deadline deadline, CancellationToken cancellationToken)
    {
        var secure = false;
        if (options.Security == Pop3Security.Tls)
        {
            stream = await HandshakeAsync(stream, host, deadline, cancellationToken).ConfigureAwait(false);
            secure = true;
        }

        var connection = new Pop3Connection(stream, options, _logger);
        try
        {
            using var operation = connection.Begin(deadline, cancellationToken);
            var greeting = await connection.ReadGreetingAsync(operation).ConfigureAwait(false);
            state.ApopTimestamp = FindApopTimestamp(greeting.Text);
            state.Capabilities = await ReadCapabilitiesAsync(connection, options, operation).ConfigureAwait(false);

            if (options.Security == Pop3Security.StartTls)
            {
                if (!state.Capabilities.StartTls)
                {
                    throw new Pop3SecurityException("The server does not offer STLS, and this connection requires TLS.");
                }

                await connection.ExecuteOkAsync(new Pop3Command("STLS"), operation).ConfigureAwait(false);
                var secured = await HandshakeAsync(connection.Transport, host, deadline, cancellationToken, connection).ConfigureAwait(false);
                connection.ReplaceTransport(secured);
                secure = true;

                // RFC 2595 §4: everything learned before TLS is discarded and asked for again.
                state.ApopTimestamp = null;
                state.Capabilities = await ReadCapabilitiesAsync(connection, options, operation).ConfigureAwait(false);
            }

            return (connection, greeting.Text, secure);
        }
        catch
        {
            connection.Close();
            throw;
        }
    }

    /// <summary>CAPA (RFC 2449 §5); a pre-CAPA server answers -ERR, which means "no capabilities known".</summary>
    public static async Task<Pop3Capabilities> ReadCapabilitiesAsync(Pop3Connection connection, Pop3ClientOptions options, Pop3Operation operation)
    {
        var command = new Pop3Command("CAPA", null, Pop3Listings.TextReplyLimit(options));
        var response = await connection.ExecuteAsync(command, operation).ConfigureAwait(false);
        if (response.Kind != Pop3ResponseKind.Ok)
        {
            return Pop3Capabilities.Empty;
        }

        connection.BeginData(command.DataLimit);
        return Pop3Capabilities.Parse(await Pop3Listings.ReadTextLinesAsync(connection, operation).ConfigureAwait(false));
    }

    private async Task<Stream> HandshakeAsync(Stream stream, string host, Pop3Deadline deadline, CancellationToken cancellationToken, Pop3Connection? connection = null)
    {
        var ssl = new SslStream(stream, leaveInnerStreamOpen: false);
        try
        {
            // The handshake is one exchange: the I/O timeout applies to it whole, within the connect deadline.
            using var timer = new CancellationTokenSource(Pop3Deadline.TimerDue(Pop3Deadline.Earliest(deadline.Remaining(0), options.IoTimeout)), options.TimeProvider);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(timer.Token, cancellationToken);
            await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
            {
                TargetHost = host,
                RemoteCertificateValidationCallback = options.ValidateServerCertificate,
            }, linked.Token).ConfigureAwait(false);
            LogTls(ssl.SslProtocol);
            return ssl;
        }
        catch (Exception ex) when (Pop3Connection.IsTransportFailure(ex) || ex is AuthenticationException)
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

    [LoggerMessage(EventId = 10, Level = LogLevel.Debug, Message = "Connected to {Host}:{Port}")]
    private partial void LogConnected(string host, int port);

    [LoggerMessage(EventId = 11, Level = LogLevel.Debug, Message = "TLS established ({Protocol})")]
    private partial void LogTls(SslProtocols protocol);
}
