using Microsoft.AspNetCore.Diagnostics.HealthChecks;

namespace Pop3Webmail.Web.Health;

/// <summary>
/// <c>GET /healthz</c> (liveness: the process serves HTTP; checks nothing else, so a mail server outage never gets
/// the app restarted) and <c>GET /readyz</c> (readiness: every POP3 server on the login page greets, see
/// <see cref="Pop3ServersHealthCheck"/>). Both answer 200 or 503 with the bare status word; which server failed and
/// why goes to the log only, because these endpoints are anonymous.
/// </summary>
public static class HealthEndpoints
{
    public const string LivenessPath = "/healthz";
    public const string ReadinessPath = "/readyz";
    private const string ReadinessTag = "ready";

    public static IServiceCollection AddPop3WebmailHealth(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<HealthOptions>()
            .Bind(configuration.GetSection(HealthOptions.SectionName))
            .Validate(o => o.CacheDuration >= TimeSpan.Zero, "Health:CacheDuration must not be negative.")
            .Validate(o => o.ProbeTimeout > TimeSpan.Zero && o.ProbeTimeout <= TimeSpan.FromMinutes(1), "Health:ProbeTimeout must be between zero and one minute.")
            .ValidateOnStart();
        services.AddSingleton<Pop3GreetingProbe>();
        services.AddSingleton<Pop3ServersHealthCheck>();
        services.AddHealthChecks().AddCheck<Pop3ServersHealthCheck>("pop3-servers", tags: [ReadinessTag]);
        return services;
    }

    public static IEndpointRouteBuilder MapPop3WebmailHealth(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapHealthChecks(LivenessPath, new HealthCheckOptions { Predicate = _ => false });
        endpoints.MapHealthChecks(ReadinessPath, new HealthCheckOptions { Predicate = check => check.Tags.Contains(ReadinessTag) });
        return endpoints;
    }
}
