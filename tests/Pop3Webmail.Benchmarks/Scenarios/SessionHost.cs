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
/// numbers are the session's own cost, not a console's. The mailbox state store (on by default) is SQLite in a folder
/// of the run's own: a temporary one the host deletes when disposed, or <c>stateDirectory</c>, which hosts of one
/// scenario share (the server keeps its id whatever port it is reached on, so they share each mailbox's memory).
/// </summary>
internal sealed class SessionHost : IDisposable
{
    public const string ServerId = "bench";

    private readonly IHost _host;
    private readonly string? _ownStateDirectory;

    /// <param name="environment">The run's Dovecot.</param>
    /// <param name="port">Where its TLS port is reached (a shaped link's proxy); null: directly.</param>
    /// <param name="stateDirectory">The store's folder, owned by the caller; null: a temporary one of this host's own.</param>
    /// <param name="settings">Settings on top of the server's (e.g. a shorter keep-alive interval), as an operator sets them.</param>
    public SessionHost(BenchEnvironment environment, int? port = null, string? stateDirectory = null, IEnumerable<KeyValuePair<string, string?>>? settings = null)
    {
        if (stateDirectory is null)
        {
            stateDirectory = _ownStateDirectory = NewStateDirectory();
        }

        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Mail:Servers:0:Name"] = ServerId,
            ["Mail:Servers:0:Host"] = environment.Server.Host,
            ["Mail:Servers:0:Port"] = (port ?? environment.Server.TlsPort).ToString(CultureInfo.InvariantCulture),
            ["Mail:Servers:0:Security"] = "Tls",
            ["Mail:Servers:0:CertificateThumbprint"] = environment.Server.CertificateThumbprint,
            ["Mail:State:DataDirectory"] = stateDirectory,
        });
        builder.Configuration.AddInMemoryCollection(settings ?? []);
        builder.Logging.ClearProviders();
        builder.Services.AddPop3Webmail(builder.Configuration);
        _host = builder.Build();
    }

    /// <summary>A path for a store folder that does not exist yet (the store creates it, owner-only, on first use).</summary>
    public static string NewStateDirectory() => Path.Combine(Path.GetTempPath(), "p3w-bench-state-" + Guid.NewGuid().ToString("N")[..12]);

    /// <summary>Deletes a store folder, if the store created it.</summary>
    public static void DeleteStateDirectory(string directory)
    {
        if (Directory.Exists(directory))
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    /// <summary>The app's services (its host lifetime, to stop it as SIGTERM does).</summary>
    public IServiceProvider Services => _host.Services;

    public Session OpenSession() => new(_host.Services.CreateAsyncScope());

    public void Dispose()
    {
        // The store (a singleton) closes its database with the host; then its folder can go.
        _host.Dispose();
        if (_ownStateDirectory is not null)
        {
            DeleteStateDirectory(_ownStateDirectory);
        }
    }

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
