using System.Net;
using Microsoft.AspNetCore.HttpOverrides;

namespace Pop3Webmail.Web.Hosting;

/// <summary>
/// Running behind a reverse proxy (nginx, IIS with ARR, an ingress). Two settings, both off by default:
/// <list type="bullet">
/// <item><c>ForwardedHeaders</c>: which proxies' X-Forwarded-* headers are believed (<c>KnownProxies</c>: addresses,
/// <c>KnownNetworks</c>: CIDR ranges; <c>Headers</c>: default <c>XForwardedFor, XForwardedProto, XForwardedHost</c>;
/// <c>ForwardLimit</c>: default 1). With no proxy listed no header is believed, not even from loopback: the client
/// address feeds the sign-in rate limits, and a believed X-Forwarded-For from anyone would let an attacker pick it.</item>
/// <item><c>PathBase</c> (also <c>--pathbase /mail</c> on the command line): the sub-path the app is served under.</item>
/// </list>
/// Both run from a startup filter, ahead of everything else: forwarded headers must be applied before anything reads
/// the scheme or address, and UsePathBase must precede routing, which WebApplication otherwise puts first.
/// </summary>
public static class ReverseProxySupport
{
    public const string ForwardedHeadersSectionName = "ForwardedHeaders";
    public const string PathBaseKey = "PathBase";

    public const ForwardedHeaders DefaultHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto | ForwardedHeaders.XForwardedHost;

    public static IServiceCollection AddReverseProxySupport(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var pathBase = ParsePathBase(configuration[PathBaseKey]);
        var forwarding = configuration.GetSection(ForwardedHeadersSectionName);
        var trusted = ReadTrustedProxies(forwarding);
        if (trusted is not null)
        {
            var headers = ParseHeaders(forwarding["Headers"]);
            var limit = forwarding.GetValue<int?>("ForwardLimit") ?? 1;
            if (limit < 1)
            {
                throw new InvalidOperationException("ForwardedHeaders:ForwardLimit must be at least 1.");
            }

            services.Configure<ForwardedHeadersOptions>(o =>
            {
                o.ForwardedHeaders = headers;
                o.ForwardLimit = limit;

                // The framework's defaults trust loopback; only what is configured is trusted here.
                o.KnownProxies.Clear();
                o.KnownIPNetworks.Clear();
                foreach (var proxy in trusted.Value.Proxies)
                {
                    o.KnownProxies.Add(proxy);
                }

                foreach (var network in trusted.Value.Networks)
                {
                    o.KnownIPNetworks.Add(network);
                }
            });
        }
        else if (forwarding.GetChildren().Any())
        {
            throw new InvalidOperationException(
                "The ForwardedHeaders section lists no KnownProxies or KnownNetworks, so no proxy would be trusted. List the proxies' addresses.");
        }

        if (trusted is not null || pathBase.HasValue)
        {
            services.AddSingleton<IStartupFilter>(new ReverseProxyStartupFilter(trusted is not null, pathBase));
        }

        return services;
    }

    /// <summary>"/mail", "/mail/" and "mail" all mean /mail; empty or "/" means none. Query, fragment and spaces are refused.</summary>
    internal static PathString ParsePathBase(string? value)
    {
        var trimmed = value?.Trim().Trim('/');
        if (string.IsNullOrEmpty(trimmed))
        {
            return PathString.Empty;
        }

        if (trimmed.AsSpan().IndexOfAny("?#\\ ") >= 0 || trimmed.Contains("//", StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"PathBase '{value}' is not a plain path such as /mail.");
        }

        return new PathString("/" + trimmed);
    }

    private static (List<IPAddress> Proxies, List<System.Net.IPNetwork> Networks)? ReadTrustedProxies(IConfigurationSection section)
    {
        var proxies = new List<IPAddress>();
        foreach (var entry in section.GetSection("KnownProxies").GetChildren())
        {
            proxies.Add(IPAddress.TryParse(entry.Value, out var address)
                ? address
                : throw new InvalidOperationException($"ForwardedHeaders:KnownProxies:{entry.Key} '{entry.Value}' is not an IP address."));
        }

        var networks = new List<System.Net.IPNetwork>();
        foreach (var entry in section.GetSection("KnownNetworks").GetChildren())
        {
            networks.Add(System.Net.IPNetwork.TryParse(entry.Value, out var network)
                ? network
                : throw new InvalidOperationException($"ForwardedHeaders:KnownNetworks:{entry.Key} '{entry.Value}' is not a network such as 10.0.0.0/8."));
        }

        return proxies.Count + networks.Count == 0 ? null : (proxies, networks);
    }

    private static ForwardedHeaders ParseHeaders(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return DefaultHeaders;
        }

        return Enum.TryParse<ForwardedHeaders>(value, ignoreCase: true, out var headers) && headers != ForwardedHeaders.None
            && (headers & ~ForwardedHeaders.All) == 0
            ? headers
            : throw new InvalidOperationException(
                $"ForwardedHeaders:Headers '{value}' is not a list of XForwardedFor, XForwardedProto, XForwardedHost, XForwardedPrefix.");
    }

    private sealed class ReverseProxyStartupFilter(bool forwardHeaders, PathString pathBase) : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            if (forwardHeaders)
            {
                app.UseForwardedHeaders();
            }

            if (pathBase.HasValue)
            {
                app.UsePathBase(pathBase);
            }

            next(app);
        };
    }
}
