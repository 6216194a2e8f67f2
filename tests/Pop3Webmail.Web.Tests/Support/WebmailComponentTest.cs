using Bunit;
using Bunit.TestDoubles;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using MudBlazor.Services;
using Pop3Webmail.Web.Components.Common;
using Pop3Webmail.Web.Configuration;
using Pop3Webmail.Web.Mail;
using Pop3Webmail.Web.Session;

namespace Pop3Webmail.Web.Tests.Support;

/// <summary>bUnit context with the app's component services and a <see cref="FakeMailboxSession"/>.</summary>
public abstract class WebmailComponentTest : BunitContext
{
    private MailOptions _options = new();

    protected WebmailComponentTest()
    {
        JSInterop.Mode = JSRuntimeMode.Loose;

        // Messages render off the renderer's thread; on a busy CI machine that takes longer than bUnit's one second.
        DefaultWaitTimeout = TimeSpan.FromSeconds(10);
        Services.AddMudServices();
        Services.AddLocalization(o => o.ResourcesPath = "Resources");
        Services.AddMailRendering();
        Services.AddSingleton<TimeProvider>(Time);
        Services.AddSingleton<IOptions<MailOptions>>(_ => Microsoft.Extensions.Options.Options.Create(_options));
        Services.AddSingleton<MailServerCatalog>();
        Services.AddSingleton<IMailboxSession>(Session);
        Services.AddScoped<InboxViewState>();
        Services.AddScoped<BrowserTimeZone>();
        Services.AddScoped<PageScripts>();
        Services.AddScoped<DisplayPreferences>();
        Services.AddScoped<TabHistory>();
        Services.AddScoped<IdleSignOutMonitor>();
        Services.AddScoped<BrowserContext>();
        Authorization = AddAuthorization();

        // Components are interactive in this app (the prerender is checked over HTTP in WebAppTests).
        SetRendererInfo(new Microsoft.AspNetCore.Components.RendererInfo("Server", isInteractive: true));
    }

    internal FakeMailboxSession Session { get; } = new();

    internal FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 2, 3, 12, 0, 0, TimeSpan.Zero));

    internal BunitAuthorizationContext Authorization { get; }

    /// <summary>Replaces the Mail options; call before the first render (they are read once, like configuration).</summary>
    internal void Configure(MailOptions options) => _options = options;

    internal void SignIn(bool readOnly = false, params InboxItem[] newestFirst)
    {
        Session.SignedIn(readOnly, newestFirst);
        Authorization.SetAuthorized(Session.Account!.UserName);
    }
}
