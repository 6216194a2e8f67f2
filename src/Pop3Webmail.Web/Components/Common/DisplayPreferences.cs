using Microsoft.Extensions.Options;
using Pop3Webmail.Web.Configuration;

namespace Pop3Webmail.Web.Components.Common;

public enum ThemeChoice
{
    /// <summary>Follow the system's light or dark setting.</summary>
    System,
    Light,
    Dark,
}

/// <summary>
/// How this tab shows the app: light or dark, and on wide screens the message beside the list (reading pane) or
/// instead of it. A choice is remembered in a cookie, so the server paints the very first frame right; on a kiosk
/// nothing is remembered (the next person at the shared PC gets the defaults), and a choice lasts as long as the tab.
/// </summary>
public sealed class DisplayPreferences(IOptions<MailOptions> options, PageScripts scripts)
{
    public const string ThemeCookie = "p3w-theme";
    public const string ReadingPaneCookie = "p3w-pane";

    /// <summary>The client hint that tells the server the system's colour scheme (Chromium browsers send it when asked).</summary>
    public const string ColorSchemeHint = "Sec-CH-Prefers-Color-Scheme";

    private const string ReadingPaneOff = "off";

    public event EventHandler? Changed;

    public ThemeChoice Theme { get; private set; }

    public bool SystemDark { get; private set; }

    public bool IsDark => Theme == ThemeChoice.Dark || (Theme == ThemeChoice.System && SystemDark);

    /// <summary>On wide screens, show the opened message beside the list (true) or instead of it.</summary>
    public bool ReadingPane { get; private set; } = true;

    /// <summary>False on a kiosk: choices are not kept beyond the tab.</summary>
    public bool Remembered => !options.Value.Kiosk;

    /// <summary>What the page request said: its preference cookies (ignored on a kiosk) and the colour scheme hint.</summary>
    public static DisplaySettings Read(HttpContext context, bool kiosk)
    {
        ArgumentNullException.ThrowIfNull(context);
        var cookies = context.Request.Cookies;
        var theme = kiosk ? null : cookies[ThemeCookie];
        var pane = kiosk ? null : cookies[ReadingPaneCookie];
        var systemDark = string.Equals(context.Request.Headers[ColorSchemeHint], "dark", StringComparison.OrdinalIgnoreCase);
        return new DisplaySettings(theme, systemDark, pane != ReadingPaneOff);
    }

    /// <summary>Takes over what the page request said (see <see cref="Read"/>).</summary>
    public void Initialize(DisplaySettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        Theme = settings.Theme switch
        {
            "dark" => ThemeChoice.Dark,
            "light" => ThemeChoice.Light,
            _ => ThemeChoice.System,
        };
        SystemDark = settings.SystemDark;
        ReadingPane = settings.ReadingPane;
    }

    public void SetSystemDark(bool dark)
    {
        if (SystemDark != dark)
        {
            SystemDark = dark;
            Changed?.Invoke(this, EventArgs.Empty);
        }
    }

    /// <summary>
    /// Switches between light and dark. Landing on what the system shows anyway means following the system again, so
    /// a user who toggles back and forth is never stuck with a choice the system would have made.
    /// </summary>
    public Task ToggleDarkAsync()
    {
        var dark = !IsDark;
        Theme = dark == SystemDark ? ThemeChoice.System : dark ? ThemeChoice.Dark : ThemeChoice.Light;
        Changed?.Invoke(this, EventArgs.Empty);
        return RememberAsync(ThemeCookie, Theme == ThemeChoice.System ? null : Theme.ToString().ToLowerInvariant());
    }

    public Task SetReadingPaneAsync(bool on)
    {
        ReadingPane = on;
        Changed?.Invoke(this, EventArgs.Empty);
        return RememberAsync(ReadingPaneCookie, on ? null : ReadingPaneOff);
    }

    private Task RememberAsync(string cookie, string? value) =>
        Remembered ? scripts.SetPreferenceAsync(cookie, value) : Task.CompletedTask;
}

/// <summary>Display settings as the page request carried them (see <see cref="DisplayPreferences.Read"/>).</summary>
public sealed record DisplaySettings(string? Theme, bool SystemDark, bool ReadingPane);
