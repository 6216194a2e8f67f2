using Pop3Webmail.Pop3;
using Pop3Webmail.Testing;
using Pop3Webmail.Web.Session;

namespace Pop3Webmail.Web.Tests.Session.Hostile;

/// <summary>
/// The app's connector for the hostile suite: a server a user typed (custom servers allowed) is the hostile server on
/// the loopback, the configured server is the well-behaved demo server. Hostile connections are plaintext (the attacks
/// come after TLS would have been set up), counted, and run on a clock the test drives; the client options are
/// otherwise the library's defaults, the bounds and deadlines under test included.
/// </summary>
internal sealed class HostileConnector(int hostilePort, TimeProvider hostileTime) : IPop3Connector
{
    private readonly Lock _lock = new();
    private readonly List<CountingStream> _streams = [];
    private TaskCompletionSource _connected = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Bytes the app has read from the hostile server, over every connection.</summary>
    public long BytesRead
    {
        get
        {
            lock (_lock)
            {
                return _streams.Sum(static s => s.BytesRead);
            }
        }
    }

    /// <summary>Connections the app has made to the hostile server.</summary>
    public int Connections
    {
        get
        {
            lock (_lock)
            {
                return _streams.Count;
            }
        }
    }

    /// <summary>The <paramref name="number"/>-th connection to the hostile server (from 1), once the app has made it.</summary>
    public async Task<CountingStream> HostileConnectionAsync(int number, CancellationToken cancellationToken)
    {
        while (true)
        {
            Task connected;
            lock (_lock)
            {
                if (_streams.Count >= number)
                {
                    return _streams[number - 1];
                }

                connected = _connected.Task;
            }

            await connected.WaitAsync(cancellationToken);
        }
    }

    public async Task<Pop3Client> ConnectAsync(MailServer server, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(server);
        var hostile = server.IsCustom;
        var client = new Pop3Client(new Pop3ClientOptions
        {
            Security = Pop3Security.None,
            AllowPlaintextAuthentication = true,
            TimeProvider = hostile ? hostileTime : TimeProvider.System,
        });
        try
        {
            if (hostile)
            {
                var stream = await CountingStream.ConnectAsync(hostilePort, cancellationToken);
                lock (_lock)
                {
                    _streams.Add(stream);
                    _connected.TrySetResult();
                    _connected = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                }

                await client.ConnectAsync(stream, server.Host, cancellationToken);
            }
            else
            {
                await client.ConnectAsync(server.Host, server.Port, cancellationToken);
            }

            return client;
        }
        catch
        {
            await client.DisposeAsync();
            throw;
        }
    }
}
