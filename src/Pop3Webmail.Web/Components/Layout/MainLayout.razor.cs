using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.Localization;
using Microsoft.JSInterop;
using MudBlazor;
using Pop3Webmail.Web.Components.Common;
using Pop3Webmail.Web.Session;

namespace Pop3Webmail.Web.Components.Layout;

public sealed partial class MainLayout
{
    // Colours checked for WCAG 2.2 AA contrast (4.5:1 for text) against the backgrounds they are used on.
    private static readonly MudTheme Theme = new()
    {
        PaletteLight = new PaletteLight
        {
            Primary = "#1f5fa8",
            AppbarBackground = "#1f5fa8",
            TextSecondary = "rgba(0,0,0,0.66)",
        },
        PaletteDark = new PaletteDark
        {
            Primary = "#8ab4f8",
            PrimaryContrastText = "#0b1f3a",
            AppbarBackground = "#1b2838",
            AppbarText = "rgba(255,255,255,0.92)",
            Background = "#121212",
            Surface = "#1e1e1e",
            TextPrimary = "rgba(255,255,255,0.92)",
            TextSecondary = "rgba(255,255,255,0.74)",
            ActionDefault = "rgba(255,255,255,0.80)",
            LinesDefault = "rgba(255,255,255,0.16)",
        },
    };

    private DotNetObjectReference<MainLayout>? _callbacks;
    private bool _signingOut;

    /// <summary>The page; a layout needs nothing more than this parameter (the router fills it).</summary>
    [Parameter]
    public RenderFragment? Body { get; set; }

    [Inject]
    private IdleSignOutMonitor Idle { get; set; } = default!;

    [Inject]
    private DisplayPreferences Preferences { get; set; } = default!;

    [Inject]
    private TabHistory History { get; set; } = default!;

    [Inject]
    private PageScripts Scripts { get; set; } = default!;

    [Inject]
    private NavigationManager Navigation { get; set; } = default!;

    [Inject]
    private IStringLocalizer<MainLayout> L { get; set; } = default!;

    /// <summary>The current page's address with the main content's fragment: a same-page jump, not a navigation.</summary>
    private string SkipLink
    {
        get
        {
            var uri = Navigation.Uri;
            var hash = uri.IndexOf('#', StringComparison.Ordinal);
            return (hash < 0 ? uri : uri[..hash]) + "#main-content";
        }
    }

    /// <summary>The system switched between light and dark (app.js, <c>watchColorScheme</c>).</summary>
    [JSInvokable]
    public Task OnSystemDarkChanged(bool dark) => InvokeAsync(() => Preferences.SetSystemDark(dark));

    protected override void OnInitialized()
    {
        base.OnInitialized();
        Preferences.Changed += OnPreferencesChanged;
    }

    protected override async Task OnAfterRenderAsync(bool firstRender)
    {
        if (Session.Account is not null)
        {
            History.SignedInBefore = true;
        }

        if (firstRender && RendererInfo.IsInteractive)
        {
            _callbacks = DotNetObjectReference.Create(this);
            if (await Scripts.WatchColorSchemeAsync(_callbacks) is { } dark)
            {
                Preferences.SetSystemDark(dark);
            }
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            Preferences.Changed -= OnPreferencesChanged;
            _callbacks?.Dispose();
        }

        base.Dispose(disposing);
    }

    private void OnPreferencesChanged(object? sender, EventArgs e) => _ = InvokeAsync(StateHasChanged);

    private void RecordActivity() => Idle.RecordActivity();

    private async Task SignOutAsync()
    {
        if (_signingOut)
        {
            return;
        }

        _signingOut = true;
        try
        {
            await Session.SignOutAsync();
        }
        finally
        {
            _signingOut = false;
        }

        // The same clean address the router's redirect uses, so whichever comes last, the login page is "/login".
        Navigation.NavigateTo("login", replace: true);
    }
}
