using System.Buffers;
using System.Diagnostics;
using System.Net.Sockets;
using System.Threading.Channels;

namespace Pop3Webmail.Benchmarks.Shaping;

/// <summary>
/// One direction of a shaped link. A reader takes bytes from the source as they come and stamps each chunk with the
/// time its last byte would arrive over the link: it leaves when the link is free and its bytes have been
/// serialised at the link's bandwidth, then travels the one-way delay. A single writer delivers the chunks in order at
/// those times, so byte order is kept and neither bandwidth nor delay accumulates timer error (the schedule comes
/// from the model, not from when a timer happened to fire). The queue is bounded (4 MiB), like a router's buffer:
/// beyond it the sender waits.
/// </summary>
internal sealed class ShapedPipe(LinkShape shape, Action<int> delivered)
{
    private const int ChunkSize = 16 * 1024;

    private readonly Channel<Chunk> _queue = Channel.CreateBounded<Chunk>(new BoundedChannelOptions(256)
    {
        SingleReader = true,
        SingleWriter = true,
        FullMode = BoundedChannelFullMode.Wait,
    });

    private readonly double _ticksPerByte = Stopwatch.Frequency / shape.BytesPerSecond;
    private readonly long _delayTicks = (long)(shape.OneWayDelay.TotalSeconds * Stopwatch.Frequency);
    private long _linkFreeAt;

    /// <summary>Carries bytes from <paramref name="from"/> to <paramref name="to"/> until the source ends; then half-closes the destination.</summary>
    public Task RunAsync(Socket from, Socket to, CancellationToken cancellationToken) =>
        Task.WhenAll(ReceiveAsync(from, cancellationToken), DeliverAsync(to, cancellationToken));

    private async Task ReceiveAsync(Socket from, CancellationToken cancellationToken)
    {
        try
        {
            while (true)
            {
                var buffer = ArrayPool<byte>.Shared.Rent(ChunkSize);
                int read;
                try
                {
                    read = await from.ReceiveAsync(buffer.AsMemory(0, ChunkSize), cancellationToken);
                }
                catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
                {
                    read = 0;
                }

                if (read == 0)
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                    return;
                }

                var now = Stopwatch.GetTimestamp();
                var leaves = Math.Max(now, _linkFreeAt);
                _linkFreeAt = leaves + (long)(read * _ticksPerByte);
                await _queue.Writer.WriteAsync(new Chunk(buffer, read, _linkFreeAt + _delayTicks), cancellationToken);
            }
        }
        finally
        {
            _queue.Writer.TryComplete();
        }
    }

    private async Task DeliverAsync(Socket to, CancellationToken cancellationToken)
    {
        await foreach (var chunk in _queue.Reader.ReadAllAsync(cancellationToken))
        {
            try
            {
                // Timers have millisecond resolution and Task.Delay truncates: round up, so no chunk arrives early.
                var wait = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), chunk.Due);
                if (wait > TimeSpan.Zero)
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(Math.Ceiling(wait.TotalMilliseconds)), cancellationToken);
                }

                await to.SendAsync(chunk.Buffer.AsMemory(0, chunk.Length), cancellationToken);
                delivered(chunk.Length);
            }
            catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
            {
                // The other side is gone: drain the queue, delivering nothing more.
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(chunk.Buffer);
            }
        }

        try
        {
            to.Shutdown(SocketShutdown.Send);
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            // Already closed.
        }
    }

    private readonly record struct Chunk(byte[] Buffer, int Length, long Due);
}
