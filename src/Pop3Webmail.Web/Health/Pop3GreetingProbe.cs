using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using Pop3Webmail.Pop3;
using Pop3Webmail.Web.Session;

namespace Pop3Webmail.Web.Health;

/// <summary>What one probe found: reachable, or the reason it is not (for the log, never for the HTTP answer).</summary>
internal readonly record struct Pop3ProbeResult(bool Reachable, string? Problem)
{
    public static Pop3ProbeResult Success => new(true, null);

    public static Pop3ProbeResult Failure(string problem) => new(false, problem);
}

/// <summary>
/// Tells whether a POP3 server is there: TCP connect, for an implicit-TLS server the TLS handshake (validated as a
/// sign-in validates it: the pinned certificate, or the machine's trust), then the greeting (RFC 1939 §4) must be
/// "+OK". It never logs in and sends nothing but QUIT, so a probe cannot lock a mailbox (RFC 1939 §8), trip a
/// server's failed-login penalty or show up as a session in its logs. A STARTTLS server is only greeted, not
/// upgraded: nothing secret crosses the connection and its greeting is all readiness needs.
/// </summary>
internal sealed class Pop3GreetingProbe(TimeProvider timeProvider)
{
    /// <summary>RFC 2449 §4: a response line is at most 512 octets, CRLF included; a server sending more is broken.</summary>
    private const int MaxGreetingLength = 512;

    public async Task<Pop3ProbeResult> ProbeAsync(MailServer server, TimeSpan timeout, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(server);
        using var deadline = new CancellationTokenSource(timeout, timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
        using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(server.Host, server.Port, linked.Token);
            await using var stream = await OpenAsync(socket, server, linked.Token);
            if (!await ReadsOkGreetingAsync(stream, linked.Token))
            {
                return Pop3ProbeResult.Failure("the greeting was not +OK");
            }

            // RFC 1939 §6: QUIT in the AUTHORIZATION state ends the session cleanly, so the server logs a goodbye
            // instead of a dropped connection. Its reply is not waited for.
            await stream.WriteAsync("QUIT\r\n"u8.ToArray(), linked.Token);
            return Pop3ProbeResult.Success;
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            return Pop3ProbeResult.Failure($"no greeting within {timeout.TotalSeconds:0.#} s");
        }
        catch (Exception ex) when (ex is SocketException or IOException or AuthenticationException)
        {
            return Pop3ProbeResult.Failure(ex.GetType().Name + ": " + ex.Message);
        }
    }

    private static async Task<Stream> OpenAsync(Socket socket, MailServer server, CancellationToken cancellationToken)
    {
        var network = new NetworkStream(socket, ownsSocket: false);
        if (server.Security != Pop3Security.Tls)
        {
            return network;
        }

        var ssl = new SslStream(network, leaveInnerStreamOpen: false);
        try
        {
            await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
            {
                TargetHost = server.Host,
                // The sign-in's own rule (pin, else the machine's trust), so readiness and sign-in never disagree.
                RemoteCertificateValidationCallback = new Pop3ClientOptions { CertificateThumbprint = server.CertificateThumbprint }.ValidateServerCertificate,
            }, cancellationToken);
            return ssl;
        }
        catch
        {
            await ssl.DisposeAsync();
            throw;
        }
    }

    private static async Task<bool> ReadsOkGreetingAsync(Stream stream, CancellationToken cancellationToken)
    {
        var buffer = new byte[MaxGreetingLength];
        var length = 0;
        while (length < buffer.Length)
        {
            var read = await stream.ReadAsync(buffer.AsMemory(length), cancellationToken);
            if (read == 0)
            {
                return false;
            }

            length += read;
            if (buffer.AsSpan(0, length).Contains((byte)'\n'))
            {
                return buffer.AsSpan(0, length).StartsWith("+OK"u8);
            }
        }

        return false;
    }
}
