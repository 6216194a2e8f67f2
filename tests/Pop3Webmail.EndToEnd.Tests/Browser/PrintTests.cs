using Microsoft.Playwright;
using Pop3Webmail.EndToEnd.Tests.Support;
using Pop3Webmail.Testing;

namespace Pop3Webmail.EndToEnd.Tests.Browser;

/// <summary>A printed message is its headers and its body: no app bar, no list, no buttons; an HTML body at full length.</summary>
[Collection(BrowserCollectionDefinition.Name)]
public sealed class PrintTests(WebmailFixture fixture)
{
    /// <summary>The print dialog would block a headless browser; the page's request for it is counted instead.</summary>
    private const string CountPrints = "window.__prints = 0; window.print = () => { window.__prints++; };";

    [Fact(Timeout = 60_000)]
    public async Task AnHtmlMessagePrintsWithItsHeadersAndItsWholeBodyAndNothingElse()
    {
        fixture.Require();
        var paragraphs = string.Concat(Enumerable.Range(1, 80).Select(i => $"<p>Paragraph {i} of a long newsletter.</p>"));
        var account = fixture.CreateAccount("print",
            MessageFactory.Html("Long newsletter", WebmailFixture.FirstDate, "<html><body><h1>Long newsletter</h1>" + paragraphs + "</body></html>"));
        await using var tab = await fixture.OpenTabAsync();
        var page = tab.Page;
        await page.AddInitScriptAsync(CountPrints);
        await tab.SignInAsync(account);
        await tab.OpenMessageAsync("Long newsletter");
        await page.Locator("iframe.mail-html-body").WaitForAsync();
        var onScreen = (await page.Locator("iframe.mail-html-body").BoundingBoxAsync())!.Height;

        await page.Locator(".toolbar-wide .message-print").ClickAsync();
        await page.WaitForFunctionAsync("() => window.__prints === 1");
        await page.EmulateMediaAsync(new PageEmulateMediaOptions { Media = Media.Print });

        var printFrame = page.Locator("iframe.mail-print-frame");
        var printed = (await printFrame.BoundingBoxAsync())!.Height;
        var contentHeight = await printFrame.EvaluateAsync<double>("f => f.contentDocument.documentElement.scrollHeight");
        var sandbox = await printFrame.GetAttributeAsync("sandbox");
        Assert.True(await page.Locator(".message-view .message-subject").IsVisibleAsync());
        Assert.True(await page.Locator(".message-from").IsVisibleAsync());
        Assert.False(await page.Locator(".mud-appbar").IsVisibleAsync());
        Assert.False(await page.Locator(".inbox-grid").IsVisibleAsync());
        Assert.False(await page.Locator(".message-toolbar").IsVisibleAsync());
        Assert.False(await page.Locator("iframe.mail-html-body").IsVisibleAsync());
        Assert.True(printed >= contentHeight, $"The printed body is {printed} px of {contentHeight} px.");
        Assert.True(printed > onScreen, $"The printed body ({printed} px) is no longer than the frame on screen ({onScreen} px).");
        Assert.Equal("allow-same-origin", sandbox); // no scripts run in it, ever
    }

    [Fact(Timeout = 60_000)]
    public async Task ATextMessagePrintsItsHeadersAndBodyOnWhitePaperEvenInTheDarkTheme()
    {
        fixture.Require();
        var account = fixture.CreateAccount("print-text", MessageFactory.Plain("Minutes", "Line one.\nLine two.", WebmailFixture.FirstDate));
        var context = await fixture.Browser.NewContextAsync(new BrowserNewContextOptions { ColorScheme = ColorScheme.Dark, ViewportSize = new ViewportSize { Width = 1280, Height = 860 } });
        await using var tab = await WebmailTab.OpenAsync(context, fixture.App.BaseAddress);
        var page = tab.Page;
        await page.AddInitScriptAsync(CountPrints);
        await tab.SignInAsync(account);
        await tab.OpenMessageAsync("Minutes");

        await page.Locator(".toolbar-wide .message-print").ClickAsync();
        await page.WaitForFunctionAsync("() => window.__prints === 1");
        await page.EmulateMediaAsync(new PageEmulateMediaOptions { Media = Media.Print });

        Assert.True(await page.Locator(".mail-text-body").IsVisibleAsync());
        Assert.False(await page.Locator(".mud-appbar").IsVisibleAsync());
        Assert.False(await page.Locator(".mailbox-head").IsVisibleAsync());
        Assert.Equal("rgb(0, 0, 0)", await page.Locator(".mail-text-body").EvaluateAsync<string>("e => getComputedStyle(e).color"));
        Assert.Equal("rgb(255, 255, 255)", await page.EvaluateAsync<string>("() => getComputedStyle(document.body).backgroundColor"));
    }
}
