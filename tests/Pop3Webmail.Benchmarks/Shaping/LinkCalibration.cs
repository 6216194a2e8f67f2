using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Pop3Webmail.Benchmarks.Reporting;

namespace Pop3Webmail.Benchmarks.Shaping;

/// <summary>
/// Checks that the proxy gives the link it claims: a one-byte ping-pong through it to a local echo peer (round trip),
/// and a bulk transfer from a local peer through it (bandwidth, first byte to last, so the delay is not counted).
/// The measured values, not the configured ones, feed the computed minimum of the first-page row.
/// </summary>
internal static class LinkCalibration
{
    private const int Pings = 20;
    private const int BulkBytes = 8 * 1024 * 1024;

    public static async Task<Result> MeasureAsync(LinkShape shape, int transfers)
    {
        using var peer = new TcpListener(IPAddress.Loopback, 0);
        peer.Start();
        await using var proxy = new ShapedLinkProxy(peer.LocalEndpoint, shape);
        var roundTrip = await PingAsync(peer, proxy.Port);
        var bandwidth = new Samples();
        for (var i = 0; i < transfers; i++)
        {
            bandwidth.Add(await BulkAsync(peer, proxy.Port));
        }

        return new Result(roundTrip, bandwidth);
    }

    /// <summary>What the link measured: round trips in seconds, bandwidth in bytes per second.</summary>
    public sealed record Result(Samples RoundTrip, Samples BytesPerSecond);

    private static async Task<Samples> PingAsync(TcpListener peer, int port)
    {
        using var client = await ConnectAsync(port);
        using var echo = await peer.AcceptSocketAsync();
        echo.NoDelay = true;
        var echoing = Task.Run(async () =>
        {
            var one = new byte[1];
            while (await echo.ReceiveAsync(one) == 1)
            {
                await echo.SendAsync(one);
            }
        });

        var samples = new Samples();
        var buffer = new byte[1];
        for (var i = -2; i < Pings; i++)
        {
            var clock = Stopwatch.StartNew();
            await client.SendAsync(buffer);
            if (await client.ReceiveAsync(buffer) != 1)
            {
                throw new IOException("The echo peer hung up.");
            }

            if (i >= 0)
            {
                samples.Add(clock.Elapsed.TotalSeconds); // Two warm-up pings are not counted.
            }
        }

        client.Shutdown(SocketShutdown.Send);
        await echoing;
        return samples;
    }

    private static async Task<double> BulkAsync(TcpListener peer, int port)
    {
        using var client = await ConnectAsync(port);
        using var sender = await peer.AcceptSocketAsync();
        var payload = new byte[BulkBytes];
        var sending = Task.Run(async () =>
        {
            await sender.SendAsync(payload);
            sender.Shutdown(SocketShutdown.Send);
        });

        var buffer = new byte[64 * 1024];
        var first = await client.ReceiveAsync(buffer);
        var clock = Stopwatch.StartNew();
        long rest = 0;
        int read;
        while ((read = await client.ReceiveAsync(buffer)) > 0)
        {
            rest += read;
        }

        var seconds = clock.Elapsed.TotalSeconds;
        await sending;
        if (first + rest != BulkBytes)
        {
            throw new IOException($"The bulk transfer carried {first + rest} of {BulkBytes} bytes.");
        }

        return rest / seconds;
    }

    private static async Task<Socket> ConnectAsync(int port)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(IPAddress.Loopback, port);
        return socket;
    }
}
