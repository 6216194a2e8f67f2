using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Pop3Webmail.Web.Configuration;

namespace Pop3Webmail.Web.MailboxState;

public static class MailboxStateServiceCollectionExtensions
{
    /// <summary>
    /// The mailbox state store (<see cref="IMailboxStateStore"/>, a singleton), its option checks and the retention purge.
    /// Expects the <c>Mail</c> options to be bound (see AddPop3Webmail).
    /// </summary>
    public static IServiceCollection AddMailboxState(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<IValidateOptions<MailOptions>, MailboxStateOptionsValidator>();
        services.AddSingleton<MailboxStateStore>();
        services.AddSingleton<IMailboxStateStore>(sp => sp.GetRequiredService<MailboxStateStore>());
        services.AddHostedService<MailboxStatePurgeService>();
        return services;
    }
}
