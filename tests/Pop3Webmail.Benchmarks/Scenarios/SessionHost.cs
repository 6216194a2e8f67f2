using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Pop3Webmail.Web.Hosting;
using Pop3Webmail.Web.Session;

namespace Pop3Webmail.Benchmarks.Scenarios;

/// <summary>
/// The web app's services without a browser or HTTP: the real <c>AddPop3Webmail</c> wiring, configured with the
/// private Dovecot as the one server (implicit TLS, certificate pinned by thumbprint, as an operator would set it
/// up). Each <see cref="OpenSession"/> is a DI scope, i.e. what one Blazor circuit gets. Logging is off, so the
/// numbers are the session's own cost, not a console's.
/// </summary>
internal sealed class SessionHost : IDisposable
{
    public const string ServerId = "bench";

    private readonly IHost _host;

    /// <param name="environment">The run's Dovecot.</param>
    /// <param name="settings">Settings on top of the server's (e.g. a shorter keep-alive interval), as an operator sets them.</param>
    public SessionHost(BenchEnvironment environment, IEnumerable<KeyValuePair<string, string?>>? settings = null)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Mail:Servers:0:Name"] = ServerId,
            ["Mail:Servers:0:Host"] = environment.Server.Host,
            ["Mail:Servers:0:Port"] = environment.Server.TlsPort.ToString(CultureInfo.InvariantCulture),
            ["Mail:Servers:0:Security"] = "Tls",
            ["Mail:Servers:0:CertificateThumbprint"] = environment.Server.CertificateThumbprint,
        });
        builder.Configuration.AddInMemoryCollection(settings ?? []);
        builder.Logging.ClearProviders();
        builder.Services.AddPop3Webmail(builder.Configuration);
        _host = builder.Build();
    }

    /// <summary>The app's services (its host lifetime, to stop it as SIGTERM does).</summary>
    public IServiceProvider Services => _host.Services;

    public Session OpenSession() => new(_host.Services.CreateAsyncScope());

    public void Dispose() => _host.Dispose();

    /// <summary>One circuit's scope and its mailbox session.</summary>
    internal sealed class Session(AsyncServiceScope scope) : IAsyncDisposable
    {
        public MailboxSession Mailbox { get; } = scope.ServiceProvider.GetRequiredService<MailboxSession>();

        public async Task SignInAsync(string user)
        {
            var result = await Mailbox.SignInAsync(new SignInRequest(user, BenchEnvironment.Password, ServerId));
            if (!result.Succeeded)
            {
                throw new InvalidOperationException($"The session service could not sign {user} in: {result.Error}.");
            }
        }

        /// <summary>Waits until the background loader has summarised every message (bounded).</summary>
        public async Task WaitUntilFullyLoadedAsync(TimeSpan timeout)
        {
            var loaded = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            void OnChanged(object? sender, EventArgs e)
            {
                if (Mailbox.Progress is { IsComplete: true, Total: > 0 })
                {
                    loaded.TrySetResult();
                }
            }

            Mailbox.Changed += OnChanged;
            try
            {
                OnChanged(null, EventArgs.Empty);
                await loaded.Task.WaitAsync(timeout);
            }
            finally
            {
                Mailbox.Changed -= OnChanged;
            }
        }

        /// <summary>Signs out with QUIT, then ends the scope (as a closing circuit would).</summary>
        public async ValueTask DisposeAsync()
        {
            await Mailbox.SignOutAsync();
            await scope.DisposeAsync();
        }
    }
}
