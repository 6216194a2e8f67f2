using System.Net;
using System.Net.Sockets;

namespace Pop3Webmail.Benchmarks.Shaping;

/// <summary>
/// An in-process TCP proxy on the loopback that puts a <see cref="LinkShape"/> between a client and an upstream
/// server: each accepted connection gets one <see cref="ShapedPipe"/> per direction. The TCP handshake with the proxy
/// itself is not delayed (the kernel completes it), so a connect costs no round trip here; everything after it does.
/// </summary>
internal sealed class ShapedLinkProxy : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly EndPoint _upstream;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accepting;
    private long _downstream;
    private long _upstreamBytes;

    public ShapedLinkProxy(EndPoint upstream, LinkShape shape)
    {
        _upstream = upstream;
        Shape = shape;
        _listener.Start();
        _accepting = AcceptAsync();
    }

    public LinkShape Shape { get; }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>Bytes delivered from the server to clients so far.</summary>
    public long BytesDownstream => Interlocked.Read(ref _downstream);

    public long BytesUpstream => Interlocked.Read(ref _upstreamBytes);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        try
        {
            await _accepting;
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // Stopped.
        }

        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        var connections = new List<Task>();
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                var client = await _listener.AcceptSocketAsync(_stop.Token);
                connections.Add(CarryAsync(client));
            }
        }
        finally
        {
            await Task.WhenAll(connections);
        }
    }

    private async Task CarryAsync(Socket client)
    {
        using (client)
        using (var server = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true })
        {
            client.NoDelay = true;
            try
            {
                await server.ConnectAsync(_upstream, _stop.Token);
                var down = new ShapedPipe(Shape, bytes => Interlocked.Add(ref _downstream, bytes));
                var up = new ShapedPipe(Shape, bytes => Interlocked.Add(ref _upstreamBytes, bytes));
                await Task.WhenAll(down.RunAsync(server, client, _stop.Token), up.RunAsync(client, server, _stop.Token));
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                // The run is over or a side went away mid-connection.
            }
        }
    }
}
