using Microsoft.Playwright;
using Pop3Webmail.EndToEnd.Tests.Support;
using Pop3Webmail.Testing;

namespace Pop3Webmail.EndToEnd.Tests.Browser;

/// <summary>Everything a mouse user does, done with the keyboard alone, the focus always visible.</summary>
[Collection(BrowserCollectionDefinition.Name)]
public sealed class KeyboardTests(WebmailFixture fixture)
{
    [Fact(Timeout = 60_000)]
    public async Task SignInOpenDeleteUndoAndSignOutWithoutAMouse()
    {
        fixture.Require();
        var date = WebmailFixture.FirstDate;
        var account = fixture.CreateAccount("keyboard",
            MessageFactory.Plain("Oldest", "One.", date),
            MessageFactory.Plain("Middle", "Two.", date.AddHours(1)),
            MessageFactory.Plain("Newest", "Three.", date.AddHours(2)));
        await using var tab = await fixture.OpenTabAsync();
        var page = tab.Page;
        var keyboard = page.Keyboard;
        await tab.GotoAsync("login");

        await TabUntilAsync(tab, ".login-user input");
        await keyboard.TypeAsync(account.Name);
        await keyboard.PressAsync("Tab");
        await keyboard.TypeAsync(account.Password);
        await keyboard.PressAsync("Enter");
        await tab.InboxRows.First.WaitForAsync();

        await TabUntilAsync(tab, ".inbox-grid");
        var gridFocusVisible = await FocusIsVisibleAsync(page);
        await keyboard.PressAsync("ArrowDown");
        await keyboard.PressAsync("ArrowDown");
        await keyboard.PressAsync("Enter");
        await Assertions.Expect(page.Locator(".message-view .mail-text-body")).ToHaveTextAsync("Two.");

        await keyboard.PressAsync("Delete"); // the focus is still in the list: the message beside it is deleted
        await Assertions.Expect(page.Locator(".inbox-pending")).ToContainTextAsync(UiText.Inbox("PendingDeletions", 1));
        await Assertions.Expect(page.Locator(".inbox-announcement")).ToHaveTextAsync(UiText.Inbox("AnnounceDeleted", 1));
        await Assertions.Expect(page.Locator(".message-view .mail-text-body")).ToHaveTextAsync("One.");
        var focusAfterDelete = await tab.FocusedElementAsync();

        await keyboard.PressAsync("u");
        await Assertions.Expect(page.Locator(".inbox-pending")).ToHaveCountAsync(0);
        await Assertions.Expect(page.Locator(".inbox-announcement")).ToHaveTextAsync(UiText.Inbox("AnnounceRestored", 1));

        await keyboard.PressAsync("Escape");
        await Assertions.Expect(page.Locator(".message-view")).ToHaveCountAsync(0);
        await Assertions.Expect(page).ToHaveURLAsync(tab.Url("inbox").ToString()); // one step back: where the list was
        await ShiftTabUntilAsync(tab, ".app-sign-out");
        var signOutFocusVisible = await FocusIsVisibleAsync(page);
        await keyboard.PressAsync("Enter");
        await page.Locator(".login-signed-out").WaitForAsync();

        Assert.True(gridFocusVisible, "The focused grid shows no focus indicator.");
        Assert.True(signOutFocusVisible, "The focused sign-out button shows no focus indicator.");
        Assert.Contains("inbox-grid", focusAfterDelete, StringComparison.Ordinal);
        Assert.Equal(UiText.SignedOut("SignedOut"), (await page.Locator(".login-signed-out").InnerTextAsync()).Trim());
        var session = await account.WaitForEndedSessionAsync(cancellationToken: TestContext.Current.CancellationToken);
        Assert.True(session.LoggedOut, session.DisconnectReason);
        Assert.Equal(0, session.Deleted);
        Assert.Equal(3, account.StoredMessageCount);
    }

    private static Task TabUntilAsync(WebmailTab tab, string selector) => MoveFocusUntilAsync(tab, "Tab", selector);

    private static Task ShiftTabUntilAsync(WebmailTab tab, string selector) => MoveFocusUntilAsync(tab, "Shift+Tab", selector);

    /// <summary>Presses the key until the focus is on <paramref name="selector"/> (at most 30 times: a tab order, not a maze).</summary>
    private static async Task MoveFocusUntilAsync(WebmailTab tab, string key, string selector)
    {
        for (var i = 0; i < 30; i++)
        {
            if (await tab.Page.EvaluateAsync<bool>("s => !!document.activeElement && document.activeElement.matches(s)", selector))
            {
                return;
            }

            await tab.Page.Keyboard.PressAsync(key);
        }

        Assert.Fail($"{key} never reached {selector}; the focus ended on {await tab.FocusedElementAsync()}.");
    }

    /// <summary>A focus ring: an outline or an inset box shadow on the focused element.</summary>
    private static Task<bool> FocusIsVisibleAsync(IPage page) => page.EvaluateAsync<bool>("""
        () => {
          const e = document.activeElement;
          if (!e || !e.matches(':focus-visible')) return false;
          const s = getComputedStyle(e);
          return (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2) || s.boxShadow !== 'none';
        }
        """);
}
