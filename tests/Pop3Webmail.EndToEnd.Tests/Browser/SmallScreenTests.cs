using Microsoft.Playwright;
using Pop3Webmail.EndToEnd.Tests.Support;
using Pop3Webmail.Testing;

namespace Pop3Webmail.EndToEnd.Tests.Browser;

/// <summary>Phones (360 px) and tablets (768 px), with touch: nothing wider than the screen, every target big enough.</summary>
[Collection(BrowserCollectionDefinition.Name)]
public sealed class SmallScreenTests(WebmailFixture fixture)
{
    private static readonly string LongSubject = new('W', 5000);

    /// <summary>
    /// Interactive elements outside the mail itself (a mail's own links are the sender's), visible in the viewport,
    /// with a box under 44 × 44 CSS px. A checkbox counts by its label, which is what a finger hits.
    /// </summary>
    private const string SmallTargets = """
        () => Array.from(document.querySelectorAll('button, a[href], [role=button], input:not([type=checkbox]):not([type=hidden]), label.check-target, select'))
          .filter(e => !e.closest('.mail-text-body, .mail-attachments, .skip-link, .mud-input-adornment, .mud-popover') && e.getClientRects().length > 0)
          .map(e => ({ e, r: e.closest('.mud-input-control') ? e.closest('.mud-input-control').querySelector('.mud-input').getBoundingClientRect() : e.getBoundingClientRect() }))
          .filter(x => x.r.bottom > 0 && x.r.top < innerHeight && x.r.width > 0)
          .filter(x => x.r.width < 44 || x.r.height < 44)
          .map(x => (x.e.className || x.e.tagName) + ' ' + Math.round(x.r.width) + 'x' + Math.round(x.r.height))
        """;

    [Theory(Timeout = 90_000)]
    [InlineData(360)]
    [InlineData(768)]
    public async Task NothingScrollsSidewaysAndEveryTargetIsBigEnoughForAFinger(int width)
    {
        fixture.Require();
        var date = WebmailFixture.FirstDate;
        var account = fixture.CreateAccount("small-" + width,
            MessageFactory.WithAttachments("Report with attachments", date),
            MessageFactory.Html("Newsletter in HTML", date.AddHours(1)),
            MessageFactory.Plain(LongSubject, "A subject of 5,000 letters and no space.", date.AddHours(2)));
        var context = await fixture.Browser.NewContextAsync(new BrowserNewContextOptions
        {
            ViewportSize = new ViewportSize { Width = width, Height = 800 },
            HasTouch = true,
            IsMobile = width < 600,
            Locale = "en-US",
            TimezoneId = "UTC",
        });
        await using var tab = await WebmailTab.OpenAsync(context, fixture.App.BaseAddress);
        var page = tab.Page;
        var overflow = new Dictionary<string, int>();
        var small = new Dictionary<string, string[]>();
        async Task CheckAsync(string state)
        {
            overflow[state] = await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth - document.documentElement.clientWidth");
            small[state] = await page.EvaluateAsync<string[]>(SmallTargets);
        }

        await tab.GotoAsync("login");
        await CheckAsync("login");
        await tab.SignInAsync(account);
        await CheckAsync("inbox");
        var row = tab.InboxRows.First;
        var rowHeight = (await row.BoundingBoxAsync())!.Height;
        var from = (await row.Locator(".col-from").BoundingBoxAsync())!;
        var subject = (await row.Locator(".col-subject").BoundingBoxAsync())!;

        await tab.OpenMessageAsync(LongSubject);
        await CheckAsync("long subject");
        var menuShown = await page.Locator(".toolbar-narrow .message-more").IsVisibleAsync();
        var inlineShown = await page.Locator(".toolbar-wide .message-print").IsVisibleAsync();
        await page.Locator(".message-back").ClickAsync();

        await tab.OpenMessageAsync("Newsletter in HTML");
        await page.Locator("iframe.mail-html-body").WaitForAsync();
        await CheckAsync("html");
        var frame = (await page.Locator("iframe.mail-html-body").BoundingBoxAsync())!;
        await page.Locator(".message-back").ClickAsync();

        await tab.OpenMessageAsync("Report with attachments");
        await page.Locator(".mail-attachment").First.WaitForAsync();
        await CheckAsync("attachments");

        Assert.All(overflow, o => Assert.True(o.Value <= 0, $"{o.Key}: the page scrolls sideways by {o.Value} px."));
        Assert.All(small, s => Assert.True(s.Value.Length == 0, $"{s.Key}: targets under 44 px: {string.Join(", ", s.Value)}"));
        Assert.True(frame.X >= 0 && frame.X + frame.Width <= width, $"The mail frame ({frame.X} + {frame.Width}) is wider than the screen.");
        if (width < 600)
        {
            // Two lines: the sender (with the date), then the subject below it.
            Assert.True(subject.Y >= from.Y + from.Height - 1, "The subject is not below the sender.");
            Assert.True(rowHeight >= 60, $"A two-line row is {rowHeight} px tall.");
            Assert.True(menuShown && !inlineShown, "The message toolbar should fold into its menu on a phone.");
        }
    }

    [Fact(Timeout = 60_000)]
    public async Task OnAPhoneTheFoldedToolbarStillPrintsDownloadsAndShowsTheSource()
    {
        fixture.Require();
        var account = fixture.CreateAccount("menu", MessageFactory.Plain("Menu", "Actions in a menu.", WebmailFixture.FirstDate));
        var context = await fixture.Browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 360, Height = 740 }, HasTouch = true, IsMobile = true });
        await using var tab = await WebmailTab.OpenAsync(context, fixture.App.BaseAddress);
        var page = tab.Page;
        await tab.SignInAsync(account);
        await tab.OpenMessageAsync("Menu");

        await page.Locator(".message-more button").ClickAsync();
        await page.Locator(".message-more-source").ClickAsync();

        await Assertions.Expect(page.Locator("pre.message-source")).ToContainTextAsync("Subject: Menu");
        await page.Locator(".message-more button").ClickAsync();
        await Assertions.Expect(page.Locator(".message-more-source")).ToContainTextAsync(UiText.Message("HideSource"));
        var download = await page.RunAndWaitForDownloadAsync(() => page.Locator(".message-more-download").ClickAsync());
        Assert.EndsWith(".eml", download.SuggestedFilename, StringComparison.Ordinal);
    }
}
