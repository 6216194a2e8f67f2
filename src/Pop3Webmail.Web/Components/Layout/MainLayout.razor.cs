using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.Localization;
using MudBlazor;
using Pop3Webmail.Web.Session;

namespace Pop3Webmail.Web.Components.Layout;

public sealed partial class MainLayout
{
    private static readonly MudTheme Theme = new()
    {
        PaletteLight = new PaletteLight
        {
            Primary = "#1f5fa8",
            AppbarBackground = "#1f5fa8",
        },
    };

    private bool _signingOut;

    /// <summary>The page; a layout needs nothing more than this parameter (the router fills it).</summary>
    [Parameter]
    public RenderFragment? Body { get; set; }

    [Inject]
    private IdleSignOutMonitor Idle { get; set; } = default!;

    [Inject]
    private NavigationManager Navigation { get; set; } = default!;

    [Inject]
    private IStringLocalizer<MainLayout> L { get; set; } = default!;

    private void RecordActivity() => Idle.RecordActivity();

    private async Task SignOutAsync()
    {
        _signingOut = true;
        try
        {
            await Session.SignOutAsync();
        }
        finally
        {
            _signingOut = false;
        }

        Navigation.NavigateTo("login");
    }
}
