using System.Globalization;

namespace Pop3Webmail.Web.Health;

/// <summary>
/// <c>dotnet Pop3Webmail.Web.dll --healthcheck [url]</c>: GETs the liveness endpoint of the app running on this
/// machine and exits 0 when it answers 200, 1 otherwise. It is the container's HEALTHCHECK: the ASP.NET runtime image
/// has no curl or wget, and the app's own runtime is already there. Without a URL the address comes from the same
/// settings Kestrel listens on: the first http:// entry of ASPNETCORE_URLS, else the first of ASPNETCORE_HTTP_PORTS,
/// else 8080 (the container default); wildcard hosts become 127.0.0.1. <c>/healthz</c> answers at the root whatever
/// the path base (UsePathBase passes other paths through), so the path base is not needed.
/// </summary>
public static class HealthCheckCommand
{
    public const string Switch = "--healthcheck";
    public const int DefaultPort = 8080;
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);
    private static readonly string[] HostsMeaningThisMachine = ["*", "+", "0.0.0.0", "[::]", "localhost"];

    public static bool IsRequested(IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(args);
        return args.Contains(Switch, StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>
    /// When <paramref name="args"/> ask for the probe, runs it and ends the process with its exit code; otherwise returns
    /// at once. The web host is never built for a probe: no port is bound, no demo server starts, it takes a moment.
    /// </summary>
    public static void ExitIfRequested(string[] args)
    {
        if (!IsRequested(args))
        {
            return;
        }

        // The process entry point, before any host exists: there is no caller to return a task to.
        var exitCode = RunAsync(args, Environment.GetEnvironmentVariable, Console.Out, CancellationToken.None).GetAwaiter().GetResult();
        Environment.Exit(exitCode);
    }

    /// <summary>Probes the target and returns the exit code (0 healthy, 1 not), writing one line about it to <paramref name="output"/>.</summary>
    public static async Task<int> RunAsync(IReadOnlyList<string> args, Func<string, string?> environment, TextWriter output, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(output);
        var target = ResolveTarget(args, environment);
        if (target is null)
        {
            await output.WriteLineAsync("unhealthy: ASPNETCORE_URLS names no http:// address to probe; pass one after " + Switch);
            return 1;
        }

        // No proxy: an HTTP_PROXY meant for outgoing traffic must not carry a probe of this very machine.
        using var handler = new SocketsHttpHandler { UseProxy = false, AllowAutoRedirect = false, ConnectTimeout = Timeout };
        using var client = new HttpClient(handler) { Timeout = Timeout };
        try
        {
            using var response = await client.GetAsync(target, cancellationToken);
            var healthy = response.StatusCode == System.Net.HttpStatusCode.OK;
            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"{(healthy ? "healthy" : "unhealthy")}: {target} answered {(int)response.StatusCode}"));
            return healthy ? 0 : 1;
        }
        catch (HttpRequestException ex)
        {
            await output.WriteLineAsync($"unhealthy: {target}: {ex.Message}");
            return 1;
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            await output.WriteLineAsync($"unhealthy: {target} did not answer within {Timeout.TotalSeconds:0} s");
            return 1;
        }
    }

    /// <summary>The URL to probe (see the class summary), or null when ASPNETCORE_URLS lists only https addresses.</summary>
    public static Uri? ResolveTarget(IReadOnlyList<string> args, Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(environment);
        var index = args.ToList().FindIndex(a => string.Equals(a, Switch, StringComparison.OrdinalIgnoreCase));
        if (index >= 0 && index + 1 < args.Count
            && Uri.TryCreate(args[index + 1], UriKind.Absolute, out var explicitTarget)
            && (explicitTarget.Scheme == Uri.UriSchemeHttp || explicitTarget.Scheme == Uri.UriSchemeHttps))
        {
            return explicitTarget;
        }

        if (environment("ASPNETCORE_URLS") is { Length: > 0 } urls)
        {
            const string http = "http://";
            var first = urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .FirstOrDefault(u => u.StartsWith(http, StringComparison.OrdinalIgnoreCase));
            if (first is null)
            {
                return null;
            }

            var authority = first[http.Length..].Split('/')[0];
            var colon = authority.LastIndexOf(':');
            var hasPort = colon > authority.LastIndexOf(']');
            var host = hasPort ? authority[..colon] : authority;
            var port = hasPort ? authority[(colon + 1)..] : "80";
            if (HostsMeaningThisMachine.Contains(host, StringComparer.OrdinalIgnoreCase))
            {
                host = "127.0.0.1";
            }

            return new Uri($"http://{host}:{port}{HealthEndpoints.LivenessPath}");
        }

        var ports = environment("ASPNETCORE_HTTP_PORTS")?.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var chosen = ports is { Length: > 0 } && int.TryParse(ports[0], NumberStyles.None, CultureInfo.InvariantCulture, out var configured)
            ? configured
            : DefaultPort;
        return new Uri(string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{chosen}{HealthEndpoints.LivenessPath}"));
    }
}
