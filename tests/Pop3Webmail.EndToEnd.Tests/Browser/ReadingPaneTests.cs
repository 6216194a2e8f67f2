using Microsoft.Playwright;
using Pop3Webmail.EndToEnd.Tests.Support;
using Pop3Webmail.Testing;

namespace Pop3Webmail.EndToEnd.Tests.Browser;

/// <summary>
/// Wide screens: the message beside the list, the list keeping the focus. Narrow screens and the list-only switch:
/// the message instead of the list, and Back returns to the list where it was.
/// </summary>
[Collection(BrowserCollectionDefinition.Name)]
public sealed class ReadingPaneTests(WebmailFixture fixture)
{
    [Fact(Timeout = 60_000)]
    public async Task OnAWideScreenTheMessageShowsBesideTheListAndTheKeysStayInTheList()
    {
        fixture.Require();
        var account = fixture.CreateAccount("pane", FiveMessages());
        await using var tab = await fixture.OpenTabAsync();
        var page = tab.Page;
        await tab.SignInAsync(account);

        await tab.OpenMessageAsync("Third");
        var highlighted = await page.Locator(".inbox-row.highlighted .col-subject").InnerTextAsync();
        var selected = await tab.Row("Third").GetAttributeAsync("aria-selected");
        var listVisible = await page.Locator(".inbox-grid").IsVisibleAsync();
        await page.Keyboard.PressAsync("ArrowDown");
        await Assertions.Expect(page.Locator(".message-view .mail-text-body")).ToHaveTextAsync("Body of Second.");
        var focusAfterMove = await tab.FocusedElementAsync();

        await page.Keyboard.PressAsync("Delete");
        await Assertions.Expect(page.Locator(".message-view .mail-text-body")).ToHaveTextAsync("Body of First.");
        var focusAfterDelete = await tab.FocusedElementAsync();
        await page.GoBackAsync();
        await Assertions.Expect(page.Locator(".message-view")).ToHaveCountAsync(0);

        Assert.Equal("Third", highlighted.Trim());
        Assert.Equal("true", selected);
        Assert.True(listVisible);
        Assert.Contains("inbox-grid", focusAfterMove, StringComparison.Ordinal);
        Assert.Contains("inbox-grid", focusAfterDelete, StringComparison.Ordinal);
        Assert.Equal(tab.Url("inbox").ToString(), page.Url); // one Back closes the message, however many were shown
        Assert.Contains("pending", await tab.Row("Second").GetAttributeAsync("class") ?? string.Empty, StringComparison.Ordinal);
    }

    [Fact(Timeout = 60_000)]
    public async Task ALinkToAMessageOpensItBesideTheListAfterSignIn()
    {
        fixture.Require();
        var account = fixture.CreateAccount("deep-link", FiveMessages());
        await using var tab = await fixture.OpenTabAsync();
        var page = tab.Page;

        await tab.GotoAsync("message?id=" + Uri.EscapeDataString(account.Key("Fourth")));
        await tab.SubmitSignInAsync(account.Name, account.Password);

        await Assertions.Expect(page.Locator(".reading-pane .message-subject")).ToHaveTextAsync("Fourth");
        await Assertions.Expect(page.Locator(".inbox-row.highlighted .col-subject")).ToHaveTextAsync("Fourth");
        await Assertions.Expect(page.Locator(".inbox-grid")).ToBeVisibleAsync();
        await page.Locator(".message-back").ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(tab.Url("inbox").ToString());
        await Assertions.Expect(page.Locator(".message-view")).ToHaveCountAsync(0);
    }

    [Theory(Timeout = 90_000)]
    [InlineData(768, false)]
    [InlineData(1280, true)]
    public async Task ListThenMessageThenBackKeepsTheListWhereItWas(int width, bool switchPaneOff)
    {
        fixture.Require();
        var account = fixture.CreateAccount("scroll", [.. new MailboxBuilder().AddMany(300, WebmailFixture.FirstDate, TimeSpan.FromHours(1)).Messages]);
        await using var tab = await fixture.OpenTabAsync();
        var page = tab.Page;
        await page.SetViewportSizeAsync(width, 900);
        await tab.SignInAsync(account);
        if (switchPaneOff)
        {
            await page.Locator(".inbox-pane-toggle").ClickAsync();
            await Assertions.Expect(page.Locator(".mailbox.pane-off")).ToHaveCountAsync(1);
        }

        var grid = page.Locator(".inbox-grid");
        await grid.EvaluateAsync("g => g.scrollTop = 120 * 44");
        var subject = MessageFactory.NumberedSubject(300 - 125);
        await Assertions.Expect(tab.Row(subject)).ToBeInViewportAsync();
        var scrolledTo = await grid.EvaluateAsync<double>("g => g.scrollTop");
        await tab.Row(subject).Locator(".col-subject").ClickAsync();
        await Assertions.Expect(page.Locator(".message-view .message-subject")).ToHaveTextAsync(subject);
        var listHidden = !await grid.IsVisibleAsync();

        await page.GoBackAsync();
        await Assertions.Expect(page.Locator(".message-view")).ToHaveCountAsync(0);
        await Assertions.Expect(tab.Row(subject)).ToBeInViewportAsync();
        var scrolledBack = await grid.EvaluateAsync<double>("g => g.scrollTop");
        var focus = await tab.FocusedElementAsync();

        Assert.True(listHidden, "The message should show instead of the list.");
        Assert.Equal(scrolledTo, scrolledBack);
        Assert.Contains("inbox-grid", focus, StringComparison.Ordinal);
        Assert.Contains("highlighted", await tab.Row(subject).GetAttributeAsync("class") ?? string.Empty, StringComparison.Ordinal);
    }

    private static TestMessage[] FiveMessages()
    {
        var date = WebmailFixture.FirstDate;
        return [.. new[] { "First", "Second", "Third", "Fourth", "Fifth" }.Select((s, i) => MessageFactory.Plain(s, "Body of " + s + ".", date.AddHours(i)))];
    }
}
