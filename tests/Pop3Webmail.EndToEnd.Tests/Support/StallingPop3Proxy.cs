using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Pop3Webmail.EndToEnd.Tests.Support;

/// <summary>
/// A plaintext TCP relay in front of a real POP3 server that plays a slow one: once the client sends its login (an
/// AUTH or PASS line), the server's answers are held back for <see cref="Stall"/>. Loopback only; ended by disposal.
/// </summary>
internal sealed class StallingPop3Proxy : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly IPEndPoint _target;
    private readonly CancellationTokenSource _stopping = new();
    private readonly TaskCompletionSource _loginSent = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _loginAbandoned = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly List<Task> _relays = [];
    private readonly Task _accepting;

    public StallingPop3Proxy(IPEndPoint target, TimeSpan stall)
    {
        _target = target;
        Stall = stall;
        _listener.Start();
        _accepting = AcceptAsync();
    }

    public TimeSpan Stall { get; }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>Completes when a client has sent its login through the proxy (the server's answer is now held).</summary>
    public Task LoginSent => _loginSent.Task;

    /// <summary>Completes when the client that sent its login has closed its connection (while the answer was held).</summary>
    public Task LoginAbandoned => _loginAbandoned.Task;

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        _listener.Stop();
        await _accepting;
        await Task.WhenAll(_relays);
        _stopping.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stopping.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await _listener.AcceptSocketAsync(_stopping.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException)
            {
                return;
            }

            lock (_relays)
            {
                _relays.Add(RelayAsync(client));
            }
        }
    }

    private async Task RelayAsync(Socket clientSocket)
    {
        using var client = new NetworkStream(clientSocket, ownsSocket: true);
        using var serverSocket = new Socket(SocketType.Stream, ProtocolType.Tcp);
        await serverSocket.ConnectAsync(_target, _stopping.Token);
        using var server = new NetworkStream(serverSocket, ownsSocket: false);
        var stalledUntil = new StrongBox<DateTime?>(null);
        using var done = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token);
        var up = PumpUpAsync(client, server, stalledUntil, done.Token);
        var down = PumpDownAsync(server, client, stalledUntil, done.Token);
        var first = await Task.WhenAny(up, down);
        if (first == up && stalledUntil.Value is { } until && until > DateTime.UtcNow)
        {
            _loginAbandoned.TrySetResult();
        }

        await done.CancelAsync();
        await Task.WhenAll(Quietly(up), Quietly(down));
    }

    private async Task PumpUpAsync(Stream from, Stream to, StrongBox<DateTime?> stalledUntil, CancellationToken cancellationToken)
    {
        var buffer = new byte[4096];
        var line = new StringBuilder();
        int read;
        while ((read = await from.ReadAsync(buffer, cancellationToken)) > 0)
        {
            foreach (var b in buffer.AsSpan(0, read))
            {
                if (b == '\n')
                {
                    var text = line.ToString().TrimEnd('\r');
                    if (stalledUntil.Value is null && (text.StartsWith("AUTH ", StringComparison.OrdinalIgnoreCase) || text.StartsWith("PASS ", StringComparison.OrdinalIgnoreCase)))
                    {
                        stalledUntil.Value = DateTime.UtcNow + Stall;
                        _loginSent.TrySetResult();
                    }

                    line.Clear();
                }
                else if (line.Length < 1024)
                {
                    line.Append((char)b);
                }
            }

            await to.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
        }
    }

    private static async Task PumpDownAsync(Stream from, Stream to, StrongBox<DateTime?> stalledUntil, CancellationToken cancellationToken)
    {
        var buffer = new byte[4096];
        int read;
        while ((read = await from.ReadAsync(buffer, cancellationToken)) > 0)
        {
            // The slow server: what it says after the login reaches the client only once the stall is over.
            if (stalledUntil.Value is { } until && until > DateTime.UtcNow)
            {
                await Task.Delay(until - DateTime.UtcNow, cancellationToken);
            }

            await to.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
        }
    }

    private static async Task Quietly(Task task)
    {
        try
        {
            await task;
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or SocketException)
        {
            // One side closed: the relay is over.
        }
    }

    private sealed class StrongBox<T>(T value)
    {
        public T Value { get; set; } = value;
    }
}
