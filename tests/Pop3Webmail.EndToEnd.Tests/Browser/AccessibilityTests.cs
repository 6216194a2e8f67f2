using Microsoft.Playwright;
using Pop3Webmail.EndToEnd.Tests.Support;

namespace Pop3Webmail.EndToEnd.Tests.Browser;

/// <summary>
/// Every page state the issue names, audited with axe-core in English and Russian, light and dark, at desktop and
/// phone width; the English walks also take the screenshots of each state at 360, 768 and 1280 px
/// (artifacts/screenshots/states, copied to docs/screenshots). One browser, one context per language and theme.
/// </summary>
[Collection(BrowserCollectionDefinition.Name)]
public sealed class AccessibilityTests(WebmailFixture fixture)
{
    private static readonly int[] AuditWidths = [1280, 360];
    private static readonly int[] ScreenshotWidths = [1280, 768, 360];

    [Fact(Timeout = 400_000)]
    public async Task EveryPageStateHasNoSeriousOrCriticalViolationInEitherLanguageThemeOrWidth()
    {
        fixture.Require();
        await using var demo = DemoWebmail.Start();
        var audit = new AccessibilityAudit();

        foreach (var (language, dark) in new[] { ("en", false), ("en", true), ("ru", false), ("ru", true) })
        {
            await WalkAsync(demo, audit, language, dark);
        }

        await audit.WriteReportAsync(TestContext.Current.CancellationToken);
        Assert.True(audit.Runs >= 4 * 12 * AuditWidths.Length, $"Only {audit.Runs} audits ran.");
        Assert.Empty(audit.Blocking);
    }

    private async Task WalkAsync(DemoWebmail demo, AccessibilityAudit audit, string language, bool dark)
    {
        var context = await fixture.Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BypassCSP = true, // axe is injected as script, which the app's policy rightly forbids
            Locale = language == "ru" ? "ru-RU" : "en-US", // the login page follows the browser's language
            ColorScheme = dark ? ColorScheme.Dark : ColorScheme.Light,
            TimezoneId = "UTC",
            ViewportSize = new ViewportSize { Width = 1280, Height = 860 },
        });
        await using var tab = await WebmailTab.OpenAsync(context, demo.App.BaseAddress);
        var page = tab.Page;
        async Task CaptureAsync(string state)
        {
            await CaptureStateAsync(page, audit, state, language, dark);
        }

        await tab.GotoAsync("login");
        await CaptureAsync("login");

        await tab.SubmitSignInAsync(DemoWebmail.SampleUser, "wrong password");
        await page.Locator(".login-error").WaitForAsync();
        await CaptureAsync("login-error");

        await tab.SubmitSignInAsync(DemoWebmail.SampleUser, DemoWebmail.SamplePassword);
        await tab.InboxRows.First.WaitForAsync();
        await CaptureAsync("inbox");

        await tab.Row("Meeting notes").Locator(".inbox-delete").ClickAsync();
        await page.Locator(".inbox-pending").WaitForAsync();
        await CaptureAsync("inbox-pending-deletion");
        await page.Locator(".inbox-undo-all").ClickAsync();
        await page.Locator(".inbox-pending").WaitForAsync(new LocatorWaitForOptions { State = WaitForSelectorState.Detached });

        demo.HoldLogins();
        await page.Locator(".inbox-check").ClickAsync();
        await page.Locator(".inbox-reconnecting").WaitForAsync();
        await CaptureAsync("inbox-loading");
        demo.Server.Faults.Clear();
        await page.Locator(".inbox-reconnecting").WaitForAsync(new LocatorWaitForOptions { State = WaitForSelectorState.Detached });
        await DismissNoticeAsync(page);

        demo.Server.Faults.DropAfterBytesSent = 0;
        await page.Locator(".inbox-check").ClickAsync();
        await page.Locator(".inbox-connection-lost").WaitForAsync();
        await CaptureAsync("inbox-connection-lost");
        demo.Server.Faults.Clear();
        await page.Locator(".inbox-retry").ClickAsync();
        await page.Locator(".inbox-connection-lost").WaitForAsync(new LocatorWaitForOptions { State = WaitForSelectorState.Detached });
        await DismissNoticeAsync(page);

        await OpenAsync(tab, "Meeting notes", ".mail-text-body");
        await CaptureAsync("message-text");
        await OpenAsync(tab, "Weekly: November", "iframe.mail-html-body");
        await CaptureAsync("message-html");
        await OpenAsync(tab, "Invoice 2026-117", ".mail-attachment");
        await CaptureAsync("message-attachments");
        await page.Locator(".toolbar-wide .message-source-toggle").ClickAsync();
        await page.Locator("pre.message-source").WaitForAsync();
        await CaptureAsync("message-source");

        await tab.SignOutAsync();
        await CaptureAsync("signed-out");

        await tab.SubmitSignInAsync(DemoWebmail.EmptyUser, DemoWebmail.EmptyPassword);
        await page.Locator(".inbox-empty").WaitForAsync();
        await CaptureAsync("inbox-empty");
        await tab.SignOutAsync();
    }

    private static async Task DismissNoticeAsync(IPage page)
    {
        await page.Locator(".inbox-notice-dismiss").ClickAsync();
        await page.Locator(".inbox-notice").WaitForAsync(new LocatorWaitForOptions { State = WaitForSelectorState.Detached });
    }

    private static async Task OpenAsync(WebmailTab tab, string subject, string content)
    {
        await tab.Row(subject).Locator(".col-subject").ClickAsync();
        await tab.Page.Locator(".message-view " + content).First.WaitForAsync();
    }

    /// <summary>The state at each width: audited at desktop and phone width, photographed (English) at all three.</summary>
    private static async Task CaptureStateAsync(IPage page, AccessibilityAudit audit, string state, string language, bool dark)
    {
        var theme = dark ? "dark" : "light";
        foreach (var width in ScreenshotWidths.Union(AuditWidths))
        {
            var audited = AuditWidths.Contains(width);
            var photographed = language == "en";
            if (!audited && !photographed)
            {
                continue;
            }

            await page.SetViewportSizeAsync(width, width == 360 ? 740 : width == 768 ? 1024 : 860);
            await WaitForLayoutAsync(page);
            if (audited)
            {
                await audit.CheckAsync(page, $"{state} ({language}, {theme}, {width} px)");
            }
            if (photographed)
            {
                var path = Path.Combine(Artifacts.ScreenshotDirectory, "states", $"{state}-{width}-{theme}.png");
                await page.ScreenshotAsync(new PageScreenshotOptions { Path = path, Animations = ScreenshotAnimations.Disabled });
            }
        }

        await page.SetViewportSizeAsync(1280, 860);
        await WaitForLayoutAsync(page);
    }

    /// <summary>Two animation frames: the resize has been laid out and the circuit has heard of it.</summary>
    private static async Task WaitForLayoutAsync(IPage page)
    {
        await page.EvaluateAsync("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))");
        await page.Locator("[data-interactive]").WaitForAsync(new LocatorWaitForOptions { State = WaitForSelectorState.Attached });
    }
}
