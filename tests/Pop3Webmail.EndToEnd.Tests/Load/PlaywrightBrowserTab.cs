using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Pop3Webmail.Testing.Circuits;

namespace Pop3Webmail.EndToEnd.Tests.Load;

/// <summary>A real Chromium page as an <see cref="IBrowserTab"/>, so the webmail scenario runs on it unchanged.</summary>
internal sealed class PlaywrightBrowserTab(IPage page) : IBrowserTab
{
    private static readonly float Timeout = 30_000;

    public Uri Location => new(page.Url);

    public async Task GotoAsync(Uri address, CancellationToken cancellationToken = default) => await page.GotoAsync(address.ToString());

    public Task FillAsync(string selector, string text, CancellationToken cancellationToken = default) => page.Locator(selector).First.FillAsync(text);

    public Task ClickAsync(string selector, CancellationToken cancellationToken = default) => page.Locator(selector).First.ClickAsync();

    public Task ScrollToAsync(string selector, double top, CancellationToken cancellationToken = default) =>
        page.Locator(selector).First.EvaluateAsync("(element, top) => { element.scrollTop = top; }", top);

    public Task WaitForAsync(string selector, CancellationToken cancellationToken = default) =>
        page.Locator(selector).First.WaitForAsync(new LocatorWaitForOptions { State = WaitForSelectorState.Attached, Timeout = Timeout });

    public Task WaitForAbsentAsync(string selector, CancellationToken cancellationToken = default) =>
        Assertions.Expect(page.Locator(selector)).ToHaveCountAsync(0, new LocatorAssertionsToHaveCountOptions { Timeout = Timeout });

    public async Task<string> WaitForTextAsync(string selector, Regex pattern, CancellationToken cancellationToken = default)
    {
        var element = page.Locator(selector).First;
        await Assertions.Expect(element).ToHaveTextAsync(pattern, new LocatorAssertionsToHaveTextOptions { Timeout = Timeout });
        return VisibleText.Of(await element.TextContentAsync());
    }

    /// <summary>Two animation frames: layout observers (a virtualized list's) have reported, and what they caused has rendered.</summary>
    public Task WaitForSettledAsync(CancellationToken cancellationToken = default) =>
        page.EvaluateAsync("() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(() => done())))");

    public async Task<IReadOnlyList<string>> TextsAsync(string selector, CancellationToken cancellationToken = default) =>
        [.. (await page.Locator(selector).AllTextContentsAsync()).Select(VisibleText.Of)];

    public async Task<IReadOnlyList<string?>> AttributesAsync(string selector, string name, CancellationToken cancellationToken = default)
    {
        var values = new List<string?>();
        foreach (var element in await page.Locator(selector).AllAsync())
        {
            values.Add(await element.GetAttributeAsync(name));
        }

        return values;
    }
}
