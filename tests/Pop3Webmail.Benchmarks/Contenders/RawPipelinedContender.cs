using System.Globalization;
using System.Net.Security;
using System.Net.Sockets;
using System.Text;

namespace Pop3Webmail.Benchmarks.Contenders;

/// <summary>
/// The server-bound limit: a bare socket that signs in with USER/PASS, then writes every command it needs in one go
/// (from a second task, so neither side's buffers can stall the other) and reads only to count the "\n.\r\n" data
/// terminators (RFC 1939 §3), parsing nothing. No client can do the same work faster against this server.
/// </summary>
internal static class RawPipelinedContender
{
    /// <summary>LIST, UIDL, TOP n 0 for every message, QUIT; returns the number of TOP replies counted.</summary>
    public static async Task<int> ListAllAsync(PopEndpoint endpoint, int messageCount)
    {
        await using var stream = await SignInAsync(endpoint);
        var commands = new StringBuilder("LIST\r\nUIDL\r\n");
        for (var n = 1; n <= messageCount; n++)
        {
            commands.Append(CultureInfo.InvariantCulture, $"TOP {n} 0\r\n");
        }

        var terminators = await SendAndCountAsync(stream, commands.Append("QUIT\r\n").ToString(), untilCount: null);
        return terminators - 2; // LIST and UIDL
    }

    /// <summary>
    /// What an inbox needs before it can show its first page: LIST, UIDL and TOP n 0 for the <paramref name="pageSize"/>
    /// newest messages. The connection is left open (an inbox holds its session), for the caller to dispose.
    /// </summary>
    public static async Task<Stream> FirstPageAsync(PopEndpoint endpoint, int messageCount, int pageSize)
    {
        var stream = await SignInAsync(endpoint);
        try
        {
            var commands = new StringBuilder("LIST\r\nUIDL\r\n");
            var newest = Math.Min(pageSize, messageCount);
            for (var n = messageCount; n > messageCount - newest; n--)
            {
                commands.Append(CultureInfo.InvariantCulture, $"TOP {n} 0\r\n");
            }

            if (await SendAndCountAsync(stream, commands.ToString(), untilCount: newest + 2) != newest + 2)
            {
                throw new IOException("The server closed the connection before the first page was listed.");
            }

            return stream;
        }
        catch
        {
            await stream.DisposeAsync();
            throw;
        }
    }

    private static async Task<Stream> SignInAsync(PopEndpoint endpoint)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(endpoint.Host, endpoint.Port);
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        Stream stream = new NetworkStream(socket, ownsSocket: true);
        try
        {
            if (endpoint.Tls)
            {
                var ssl = new SslStream(stream, leaveInnerStreamOpen: false, endpoint.IsPinnedCertificate);
                stream = ssl;
                await ssl.AuthenticateAsClientAsync(endpoint.Host);
            }

            var buffer = new byte[512];
            await ExpectOkAsync(stream, buffer);
            await stream.WriteAsync(Encoding.ASCII.GetBytes($"USER {endpoint.User}\r\n"));
            await ExpectOkAsync(stream, buffer);
            await stream.WriteAsync(Encoding.ASCII.GetBytes($"PASS {endpoint.Password}\r\n"));
            await ExpectOkAsync(stream, buffer);
            return stream;
        }
        catch
        {
            await stream.DisposeAsync();
            throw;
        }
    }

    /// <summary>Reads one status line; sign-in is strictly one command per reply, so nothing else is buffered.</summary>
    private static async Task ExpectOkAsync(Stream stream, byte[] buffer)
    {
        var filled = 0;
        while (Array.IndexOf(buffer, (byte)'\n', 0, filled) < 0)
        {
            var read = filled < buffer.Length ? await stream.ReadAsync(buffer.AsMemory(filled)) : 0;
            if (read == 0)
            {
                throw new IOException("The server closed the connection during sign-in.");
            }

            filled += read;
        }

        if (!buffer.AsSpan(0, filled).StartsWith("+OK"u8))
        {
            throw new IOException("The server refused: " + Encoding.ASCII.GetString(buffer, 0, filled).Trim());
        }
    }

    /// <summary>
    /// Writes <paramref name="commands"/> from another task while counting "\n.\r\n" with a vectorised search, until
    /// <paramref name="untilCount"/> are seen or the server hangs up. The last 3 bytes of each read are kept in
    /// front of the next one, so a terminator split across reads is still found (and none is counted twice).
    /// </summary>
    private static async Task<int> SendAndCountAsync(Stream stream, string commands, int? untilCount)
    {
        var writer = Task.Run(async () => await stream.WriteAsync(Encoding.ASCII.GetBytes(commands)));
        var buffer = new byte[64 * 1024];
        var terminators = 0;
        var kept = 0;
        while (terminators < (untilCount ?? int.MaxValue))
        {
            var read = await stream.ReadAsync(buffer.AsMemory(kept));
            if (read == 0)
            {
                break;
            }

            var data = buffer.AsSpan(0, kept + read);
            terminators += data.Count("\n.\r\n"u8);
            kept = Math.Min(3, data.Length);
            data[^kept..].CopyTo(buffer);
        }

        await writer;
        return terminators;
    }
}
