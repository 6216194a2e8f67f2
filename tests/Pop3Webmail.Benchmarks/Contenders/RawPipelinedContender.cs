using System.Globalization;
using System.Net.Security;
using System.Net.Sockets;
using System.Text;

namespace Pop3Webmail.Benchmarks.Contenders;

/// <summary>
/// The server-bound limit: a bare socket that, once signed in, writes LIST, UIDL, every TOP n 0 and QUIT in one go
/// (from a second task, so neither side's buffers can stall the other) and reads until the server hangs up, counting
/// "\n.\r\n" data terminators (RFC 1939 §3) and parsing nothing. No client can list faster than this.
/// </summary>
internal static class RawPipelinedContender
{
    public static async Task<int> ListAllAsync(PopEndpoint endpoint, int messageCount)
    {
        using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(endpoint.Host, endpoint.Port);
        Stream stream = new NetworkStream(socket, ownsSocket: false);
        if (endpoint.Tls)
        {
            var ssl = new SslStream(stream, leaveInnerStreamOpen: false, endpoint.IsPinnedCertificate);
            await ssl.AuthenticateAsClientAsync(endpoint.Host);
            stream = ssl;
        }

        await using (stream)
        {
            var buffer = new byte[64 * 1024];
            var filled = 0;
            async Task ExpectOkAsync()
            {
                while (Array.IndexOf(buffer, (byte)'\n', 0, filled) is var lf && lf < 0)
                {
                    var read = await stream.ReadAsync(buffer.AsMemory(filled));
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

                filled = 0; // sign-in is strictly one command per reply, so nothing else is buffered
            }

            await ExpectOkAsync();
            await stream.WriteAsync(Encoding.ASCII.GetBytes($"USER {endpoint.User}\r\n"));
            await ExpectOkAsync();
            await stream.WriteAsync(Encoding.ASCII.GetBytes($"PASS {endpoint.Password}\r\n"));
            await ExpectOkAsync();

            var commands = new StringBuilder("LIST\r\nUIDL\r\n");
            for (var n = 1; n <= messageCount; n++)
            {
                commands.Append(CultureInfo.InvariantCulture, $"TOP {n} 0\r\n");
            }

            commands.Append("QUIT\r\n");
            var writer = Task.Run(async () => await stream.WriteAsync(Encoding.ASCII.GetBytes(commands.ToString())));

            // Count "\n.\r\n" with a vectorised search; the last 3 bytes of each read are kept in front of the next
            // one so a terminator split across reads is still found (and none can be counted twice: it is 4 bytes).
            var terminators = 0;
            var kept = 0;
            while (true)
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
            return terminators - 2; // LIST and UIDL
        }
    }
}
