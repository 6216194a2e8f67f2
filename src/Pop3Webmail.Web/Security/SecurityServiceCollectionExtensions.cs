using Pop3Webmail.Web.Configuration;

namespace Pop3Webmail.Web.Security;

public static class SecurityServiceCollectionExtensions
{
    /// <summary>The sign-in throttle, the dialer for user-typed servers and the HSTS policy.</summary>
    public static IServiceCollection AddWebmailSecurity(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddSingleton<SignInThrottle>();
        services.AddSingleton<CustomServerDialer>();
        services.AddOptions<HstsPolicyOptions>()
            .Bind(configuration.GetSection(HstsPolicyOptions.SectionName))
            .Validate(o => o.MaxAge >= TimeSpan.Zero, "Hsts:MaxAge must not be negative (00:00:00 turns HSTS off).")
            .ValidateOnStart();
        return services;
    }
}
