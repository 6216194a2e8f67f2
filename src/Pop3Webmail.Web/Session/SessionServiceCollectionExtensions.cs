using Microsoft.Extensions.Options;
using Pop3Webmail.Web.Configuration;
using Pop3Webmail.Web.Downloads;
using Pop3Webmail.Web.Session.SignIn;
using Pop3Webmail.Web.Session.TabResume;
using Pop3Webmail.Web.Session.Visit;
using Pop3Webmail.Web.Telemetry;

namespace Pop3Webmail.Web.Session;

internal static class SessionServiceCollectionExtensions
{
    /// <summary>
    /// The mailbox session: app-wide parts (connector, registry of visits, sign-in, download and resume tickets) and
    /// the per-circuit session views talk to.
    /// </summary>
    public static IServiceCollection AddMailboxSessions(this IServiceCollection services)
    {
        services.AddSingleton<IPop3Connector, Pop3Connector>();
        services.AddSingleton<MailboxSessionRegistry>();
        services.AddSingleton<DownloadTokenStore>();
        services.AddSingleton<ResumeTickets>();
        services.AddSingleton<VisitServices>();
        services.AddSingleton<SignInFlow>();
        services.AddScoped(sp => new MailboxSession(
            sp.GetRequiredService<SignInFlow>(),
            sp.GetRequiredService<MailboxSessionRegistry>(),
            sp.GetRequiredService<ResumeTickets>(),
            sp.GetRequiredService<BrowserContext>(),
            sp.GetRequiredService<SessionCorrelation>(),
            sp.GetRequiredService<IOptions<MailOptions>>(),
            sp.GetRequiredService<ILogger<MailboxSession>>()));
        services.AddScoped<IMailboxSession>(sp => sp.GetRequiredService<MailboxSession>());
        return services;
    }
}
