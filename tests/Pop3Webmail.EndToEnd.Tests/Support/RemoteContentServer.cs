using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Pop3Webmail.Testing;

namespace Pop3Webmail.EndToEnd.Tests.Support;

/// <summary>
/// "The internet" for a mail's remote content: a second HTTP listener on 127.0.0.1 (another port, so another origin
/// than the webmail) that serves a PNG for every /img/ path and a short text for anything else, and records every
/// request it receives. What it records is what a sender's tracker would have learned.
/// </summary>
internal sealed class RemoteContentServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<string> _requests;

    private RemoteContentServer(WebApplication app, ConcurrentQueue<string> requests, Uri baseAddress)
    {
        _app = app;
        _requests = requests;
        BaseAddress = baseAddress;
    }

    public Uri BaseAddress { get; }

    /// <summary>Path and query of every request received, in arrival order.</summary>
    public IReadOnlyList<string> Requests => [.. _requests];

    public static async Task<RemoteContentServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var requests = new ConcurrentQueue<string>();
        app.Use(next => context =>
        {
            requests.Enqueue(context.Request.Path + context.Request.QueryString);
            return next(context);
        });
        app.MapGet("/img/{name}", () => Results.Bytes(SampleFiles.Png, "image/png"));
        app.MapFallback(() => Results.Text("remote content", "text/plain"));
        await app.StartAsync();
        return new RemoteContentServer(app, requests, new Uri(app.Urls.Single().TrimEnd('/') + "/"));
    }

    public Uri Url(string relative) => new(BaseAddress, relative);

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
