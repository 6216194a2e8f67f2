using Microsoft.Playwright;

namespace Pop3Webmail.EndToEnd.Tests.Support;

/// <summary>
/// The machine's Debian Chromium, driven by Playwright. Playwright's own browser downloads are blocked here, so it
/// is pointed at /usr/bin/chromium with the flags that keep it quiet and off the network (no QUIC, no background
/// traffic, no component updates, no sync), which also means every request a test sees came from the page.
/// </summary>
internal static class Chromium
{
    public const string ExecutablePath = "/usr/bin/chromium";

    public static readonly IReadOnlyList<string> Arguments =
    [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
    ];

    /// <summary>Why Chromium cannot run here, or null.</summary>
    public static string? UnavailableReason =>
        File.Exists(ExecutablePath) ? null : $"Chromium is not installed ({ExecutablePath} is missing; apt-get install chromium).";

    public static BrowserTypeLaunchOptions LaunchOptions => new()
    {
        ExecutablePath = ExecutablePath,
        Args = Arguments,
        Headless = true,
        Timeout = 60_000,
    };
}
