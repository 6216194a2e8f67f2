using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Pop3Webmail.Web.Mail;

public static class MailServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="MessageRenderer"/> as a singleton (it keeps no per-user state, only the options) and the
    /// <see cref="MailFrameStore"/> the mail frame endpoint (<c>MapMailFrames</c>) serves bodies from.
    /// Localization (<see cref="MailStrings"/>) expects <c>AddLocalization(o =&gt; o.ResourcesPath = "Resources")</c>.
    /// </summary>
    public static IServiceCollection AddMailRendering(this IServiceCollection services, Action<MailRenderingOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = services.AddOptions<MailRenderingOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<MessageRenderer>();
        services.AddSingleton<MailFrameStore>();
        return services;
    }
}
