using System.Diagnostics;
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
    /// <summary>
    /// LIST, UIDL and TOP n 0 for every message, all written at once; <paramref name="listed"/> is stopped at the last
    /// terminator. Returns the number of TOP replies counted; the connection is closed without QUIT.
    /// </summary>
    public static async Task<int> ListAllAsync(PopEndpoint endpoint, int messageCount, Stopwatch? listed = null)
    {
        await using var stream = await SignInAsync(endpoint);
        var commands = new StringBuilder("LIST\r\nUIDL\r\n");
        for (var n = 1; n <= messageCount; n++)
        {
            commands.Append(CultureInfo.InvariantCulture, $"TOP {n} 0\r\n");
        }

        var terminators = await SendAndCountAsync(stream, commands.ToString(), untilCount: messageCount + 2);
        listed?.Stop();
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

    /// <summary>
    /// The least a client that knows nothing of the server must do before the inbox's first page (RFC 1939, 2449,
    /// 4616): greeting, CAPA, AUTH PLAIN with its initial response (one round trip), then STAT, LIST and UIDL in one
    /// write, and TOP n 0 for the <paramref name="pageSize"/> newest messages as soon as STAT's reply is in, counting
    /// terminators only. The connection is left open, for the caller to dispose.
    /// </summary>
    public static async Task<Stream> MinimalFirstPageAsync(PopEndpoint endpoint, int pageSize)
    {
        var stream = await ConnectAsync(endpoint);
        try
        {
            var buffer = new byte[64 * 1024];
            await stream.WriteAsync("CAPA\r\n"u8.ToArray());
            await ReadUntilAsync(stream, buffer, static data => data.EndsWith("\r\n.\r\n"u8));
            var plain = Convert.ToBase64String(Encoding.UTF8.GetBytes($"\0{endpoint.User}\0{endpoint.Password}"));
            await stream.WriteAsync(Encoding.ASCII.GetBytes($"AUTH PLAIN {plain}\r\n"));
            await ExpectOkAsync(stream, buffer);
            await stream.WriteAsync("STAT\r\nLIST\r\nUIDL\r\n"u8.ToArray());
            var filled = await ReadUntilAsync(stream, buffer, static data => data.IndexOf("\r\n"u8) >= 0);
            var statEnd = buffer.AsSpan(0, filled).IndexOf("\r\n"u8);
            var count = int.Parse(Encoding.ASCII.GetString(buffer, 4, statEnd - 4).Split(' ')[0], CultureInfo.InvariantCulture);
            var newest = Math.Min(pageSize, count);
            var tops = new StringBuilder();
            for (var n = count; n > count - newest; n--)
            {
                tops.Append(CultureInfo.InvariantCulture, $"TOP {n} 0\r\n");
            }

            await stream.WriteAsync(Encoding.ASCII.GetBytes(tops.ToString()));
            var rest = buffer.AsSpan(statEnd, filled - statEnd);
            var terminators = rest.Count("\n.\r\n"u8);
            var kept = Math.Min(3, rest.Length);
            rest[^kept..].CopyTo(buffer);
            if (terminators + await CountAsync(stream, buffer, newest + 2 - terminators, kept) < newest + 2)
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
        var stream = await ConnectAsync(endpoint);
        try
        {
            var buffer = new byte[512];
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

    /// <summary>TCP (and implicit TLS with the pinned certificate), then the greeting.</summary>
    private static async Task<Stream> ConnectAsync(PopEndpoint endpoint)
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

            await ExpectOkAsync(stream, new byte[512]);
            return stream;
        }
        catch
        {
            await stream.DisposeAsync();
            throw;
        }
    }

    /// <summary>Reads into <paramref name="buffer"/> until what was read satisfies <paramref name="done"/>; returns the bytes read.</summary>
    private static async Task<int> ReadUntilAsync(Stream stream, byte[] buffer, SpanPredicate done)
    {
        var filled = 0;
        while (!done(buffer.AsSpan(0, filled)))
        {
            var read = filled < buffer.Length ? await stream.ReadAsync(buffer.AsMemory(filled)) : 0;
            if (read == 0)
            {
                throw new IOException("The server closed the connection in the middle of a reply.");
            }

            filled += read;
        }

        return filled;
    }

    private delegate bool SpanPredicate(ReadOnlySpan<byte> data);

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
    /// Writes <paramref name="commands"/> from another task while counting "\n.\r\n" data terminators, until
    /// <paramref name="untilCount"/> are seen or the server hangs up.
    /// </summary>
    private static async Task<int> SendAndCountAsync(Stream stream, string commands, int untilCount)
    {
        var writer = Task.Run(async () => await stream.WriteAsync(Encoding.ASCII.GetBytes(commands)));
        var terminators = await CountAsync(stream, new byte[64 * 1024], untilCount, kept: 0);
        await writer;
        return terminators;
    }

    /// <summary>
    /// Counts "\n.\r\n" (RFC 1939 §3) with a vectorised search until <paramref name="untilCount"/> are seen or the
    /// server hangs up. The last 3 bytes of each read are kept in front of the next one, so a terminator split across
    /// reads is still found (and none is counted twice); <paramref name="kept"/> such bytes may already be there.
    /// </summary>
    private static async Task<int> CountAsync(Stream stream, byte[] buffer, int untilCount, int kept)
    {
        var terminators = 0;
        while (terminators < untilCount)
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

        return terminators;
    }
}
