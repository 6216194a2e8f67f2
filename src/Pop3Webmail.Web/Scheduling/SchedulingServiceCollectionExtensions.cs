namespace Pop3Webmail.Web.Scheduling;

public static class SchedulingServiceCollectionExtensions
{
    /// <summary>The process-wide <see cref="MailWorkScheduler"/>, configured by <c>Mail:Scheduler</c>.</summary>
    public static IServiceCollection AddMailWorkScheduler(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<MailSchedulerOptions>()
            .Bind(configuration.GetSection(MailSchedulerOptions.SectionName))
            .ValidateDataAnnotations()
            .Validate(o => o.AgingThreshold > TimeSpan.Zero, "Mail:Scheduler:AgingThreshold must be positive.")
            .ValidateOnStart();
        services.AddSingleton<MailWorkScheduler>();
        return services;
    }
}
