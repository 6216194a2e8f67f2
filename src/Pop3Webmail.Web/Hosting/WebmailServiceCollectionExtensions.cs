using System.Globalization;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server;
using Microsoft.AspNetCore.Components.Server.Circuits;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using MudBlazor.Services;
using Pop3Webmail.Web.Components.Common;
using Pop3Webmail.Web.Configuration;
using Pop3Webmail.Web.Demo;
using Pop3Webmail.Web.Health;
using Pop3Webmail.Web.Mail;
using Pop3Webmail.Web.MailboxState;
using Pop3Webmail.Web.Scheduling;
using Pop3Webmail.Web.Security;
using Pop3Webmail.Web.Session;
using Pop3Webmail.Web.Telemetry;

namespace Pop3Webmail.Web.Hosting;

public static class WebmailServiceCollectionExtensions
{
    /// <summary>The cultures the UI is translated into; the first is the fallback.</summary>
    public static readonly IReadOnlyList<CultureInfo> SupportedCultures = [new("en"), new("ru")];

    /// <summary>Everything the webmail needs: options, the per-circuit mailbox session, Blazor, MudBlazor, localization.</summary>
    public static IServiceCollection AddPop3Webmail(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var section = configuration.GetSection(MailOptions.SectionName);
        services.AddOptions<MailOptions>().Bind(section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<IValidateOptions<MailOptions>, MailOptionsValidator>();
        var kiosk = section.GetValue<bool>(nameof(MailOptions.Kiosk));

        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<MailServerCatalog>();
        services.AddWebmailSecurity(configuration);
        services.AddMailboxSessions();

        // One of each per circuit: nothing user-specific is a singleton.
        services.AddScoped<BrowserContext>();
        services.AddScoped<IdleSignOutMonitor>();
        services.AddScoped<InboxViewState>();
        services.AddScoped<BrowserTimeZone>();
        services.AddScoped<PageScripts>();
        services.AddScoped<DisplayPreferences>();
        services.AddScoped<TabHistory>();
        services.AddScoped<AuthenticationStateProvider, MailboxAuthenticationStateProvider>();
        services.TryAddEnumerable(ServiceDescriptor.Scoped<CircuitHandler, MailboxCircuitHandler>());

        services.AddAuthentication(o =>
        {
            o.AddScheme<CircuitOnlyAuthenticationHandler>(CircuitOnlyAuthenticationHandler.SchemeName, displayName: null);
            o.DefaultScheme = CircuitOnlyAuthenticationHandler.SchemeName;
        });
        services.AddAuthorization();

        services.AddRazorComponents().AddInteractiveServerComponents();

        // SecurityHeadersMiddleware sends X-Frame-Options DENY; antiforgery's SAMEORIGIN would weaken it.
        services.AddAntiforgery(o => o.SuppressXFrameOptionsHeader = true);
        services.Configure<CircuitOptions>(o =>
        {
            o.DetailedErrors = false;
            if (kiosk)
            {
                // A closed kiosk tab must not leave a mailbox open for minutes; the circuit (and QUIT) goes quickly.
                o.DisconnectedCircuitRetentionPeriod = TimeSpan.FromSeconds(20);
                o.DisconnectedCircuitMaxRetained = 20;
            }
        });
        services.AddMudServices();
        services.AddPop3WebmailHealth(configuration);
        services.AddReverseProxySupport(configuration);
        services.AddMailRendering();
        services.AddPop3WebmailTelemetry(configuration);
        services.AddMailWorkScheduler(configuration);
        services.AddMailboxState();
        services.AddLocalization(o => o.ResourcesPath = "Resources");
        services.Configure<RequestLocalizationOptions>(o =>
        {
            o.DefaultRequestCulture = new Microsoft.AspNetCore.Localization.RequestCulture(SupportedCultures[0]);
            o.SupportedCultures = [.. SupportedCultures];
            o.SupportedUICultures = [.. SupportedCultures];
        });

        if (!section.GetSection(nameof(MailOptions.Servers)).GetChildren().Any())
        {
            services.AddHostedService<DemoMailboxHost>();
        }

        return services;
    }
}
