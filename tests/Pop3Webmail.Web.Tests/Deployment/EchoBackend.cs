using System.Collections.Concurrent;
using System.Net.WebSockets;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Pop3Webmail.Web.Tests.Deployment;

/// <summary>
/// A stand-in app instance behind the proxy (Kestrel on a free loopback port): every HTTP request is answered with the
/// instance's name and the headers the proxy forwarded; a WebSocket on /_blazor echoes each message prefixed with the
/// name. It records the paths it was asked for.
/// </summary>
internal sealed class EchoBackend : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<string> _paths = new();

    private EchoBackend(string name, WebApplication app)
    {
        Name = name;
        _app = app;
    }

    public string Name { get; }

    /// <summary>127.0.0.1:PORT</summary>
    public string Endpoint => new Uri(_app.Urls.First()).Authority;

    public IReadOnlyList<string> RequestedPaths => [.. _paths];

    public static async Task<EchoBackend> StartAsync(string name)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var backend = new EchoBackend(name, app);
        app.UseWebSockets();
        app.Run(backend.HandleAsync);
        await app.StartAsync(TestContext.Current.CancellationToken);
        return backend;
    }

    public async Task StopAsync() => await _app.StopAsync(CancellationToken.None);

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();

    private async Task HandleAsync(HttpContext context)
    {
        _paths.Enqueue(context.Request.Path);
        if (context.WebSockets.IsWebSocketRequest && context.Request.Path == "/_blazor")
        {
            using var socket = await context.WebSockets.AcceptWebSocketAsync();
            var buffer = new byte[4096];
            while (true)
            {
                var received = await socket.ReceiveAsync(buffer, context.RequestAborted);
                if (received.MessageType == WebSocketMessageType.Close)
                {
                    await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, null, context.RequestAborted);
                    return;
                }

                var reply = Encoding.UTF8.GetBytes(Name + ":" + Encoding.UTF8.GetString(buffer, 0, received.Count));
                await socket.SendAsync(reply, WebSocketMessageType.Text, endOfMessage: true, context.RequestAborted);
            }
        }

        var request = context.Request;
        await context.Response.WriteAsync(
            $"{Name}\nhost={request.Host}\nfor={request.Headers["X-Forwarded-For"]}\nproto={request.Headers["X-Forwarded-Proto"]}\nforwarded-host={request.Headers["X-Forwarded-Host"]}\n",
            context.RequestAborted);
    }
}
