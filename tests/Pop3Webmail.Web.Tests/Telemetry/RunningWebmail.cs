using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Pop3Webmail.Web.Hosting;
using Pop3Webmail.Web.Telemetry;

namespace Pop3Webmail.Web.Tests.Telemetry;

/// <summary>
/// The real app on real loopback sockets (Kestrel, not the in-memory test server), since the management port is
/// decided by the port a connection arrives on. Settings are given as on the command line.
/// </summary>
internal sealed class RunningWebmail : IAsyncDisposable
{
    private readonly WebApplication _app;

    private RunningWebmail(WebApplication app, Uri address)
    {
        _app = app;
        Address = address;
    }

    /// <summary>The app's own (public) address.</summary>
    public Uri Address { get; }

    public IServiceProvider Services => _app.Services;

    public MailboxTelemetry Telemetry => _app.Services.GetRequiredService<MailboxTelemetry>();

    public static async Task<RunningWebmail> StartOnAsync(string urls, params string[] settings)
    {
        // The application name is the web project's, whose static-assets manifest MapStaticAssets loads (not the test assembly's).
        var builder = WebmailHost.CreateBuilder(["--applicationName", "Pop3Webmail.Web", "--urls", urls, .. settings.Select(s => "--" + s)]);
        builder.Logging.ClearProviders();
        var app = builder.Build();
        app.MapPop3Webmail();
        try
        {
            await app.StartAsync(TestContext.Current.CancellationToken);
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }

        return new RunningWebmail(app, new Uri(app.Urls.First()));
    }

    public static Task<RunningWebmail> StartAsync(params string[] settings) => StartOnAsync("http://127.0.0.1:0", settings);

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync(CancellationToken.None);
        await _app.DisposeAsync();
    }
}
