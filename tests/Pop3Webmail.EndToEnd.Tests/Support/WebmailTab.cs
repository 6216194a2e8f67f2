using System.Collections.Concurrent;
using Microsoft.Playwright;

namespace Pop3Webmail.EndToEnd.Tests.Support;

/// <summary>
/// One browser tab on the webmail, in its own browser context (own cookies and storage, as another person's browser
/// would be), with the user-level steps the tests share. Every wait is bounded by Playwright's timeouts.
/// </summary>
internal sealed class WebmailTab : IAsyncDisposable
{
    private static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(30);
    private readonly ConcurrentQueue<string> _dialogs = new();

    private WebmailTab(IBrowserContext context, IPage page, Uri baseAddress)
    {
        Context = context;
        Page = page;
        BaseAddress = baseAddress;
        page.Dialog += (_, dialog) =>
        {
            // A dialog means a script ran; record it and get it out of the way so the test can report it.
            _dialogs.Enqueue(dialog.Type + ": " + dialog.Message);
            _ = dialog.DismissAsync();
        };
    }

    public IBrowserContext Context { get; }

    public IPage Page { get; }

    public Uri BaseAddress { get; }

    /// <summary>Every dialog (alert, confirm, prompt, beforeunload) the page opened.</summary>
    public IReadOnlyCollection<string> Dialogs => _dialogs.ToArray();

    public static async Task<WebmailTab> OpenAsync(IBrowser browser, Uri baseAddress, bool ignoreHttpsErrors = false)
    {
        ArgumentNullException.ThrowIfNull(browser);
        var context = await browser.NewContextAsync(new BrowserNewContextOptions
        {
            Locale = "en-US",
            TimezoneId = "UTC",
            ViewportSize = new ViewportSize { Width = 1280, Height = 860 },
            AcceptDownloads = true,
            IgnoreHTTPSErrors = ignoreHttpsErrors,
        });
        context.SetDefaultTimeout((float)DefaultTimeout.TotalMilliseconds);
        context.SetDefaultNavigationTimeout((float)DefaultTimeout.TotalMilliseconds);
        var page = await context.NewPageAsync();
        return new WebmailTab(context, page, baseAddress);
    }

    /// <summary>Wraps a page of a browser the test manages itself (e.g. one it will kill).</summary>
    public static async Task<WebmailTab> OpenAsync(IBrowserContext context, Uri baseAddress)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.SetDefaultTimeout((float)DefaultTimeout.TotalMilliseconds);
        context.SetDefaultNavigationTimeout((float)DefaultTimeout.TotalMilliseconds);
        return new WebmailTab(context, await context.NewPageAsync(), baseAddress);
    }

    public Uri Url(string relative) => new(BaseAddress, relative);

    /// <summary>Loads a page and waits until its circuit is interactive (a click before that is silently lost).</summary>
    public async Task GotoAsync(string relative)
    {
        await Page.GotoAsync(Url(relative).ToString());
        await WaitUntilInteractiveAsync();
    }

    public Task WaitUntilInteractiveAsync() =>
        Page.Locator("[data-interactive]").WaitForAsync(new LocatorWaitForOptions { State = WaitForSelectorState.Attached });

    /// <summary>Opens the login page, fills in the form (choosing <paramref name="serverName"/> when given) and submits.</summary>
    public async Task SubmitSignInAsync(string userName, string password, string? serverName = null)
    {
        if (!Page.Url.Contains("/login", StringComparison.Ordinal))
        {
            await GotoAsync("login");
        }

        if (serverName is not null)
        {
            await Page.Locator(".login-server").ClickAsync();
            await Page.Locator(".mud-popover-open .mud-list-item").Filter(new LocatorFilterOptions { HasText = serverName }).ClickAsync();
            await Page.Locator(".mud-popover-open").WaitForAsync(new LocatorWaitForOptions { State = WaitForSelectorState.Detached });
        }

        await Page.Locator(".login-user input").FillAsync(userName);
        await Page.Locator(".login-password input").FillAsync(password);
        await Page.Locator(".login-submit").ClickAsync();
    }

    /// <summary>Signs in and waits for the first inbox rows.</summary>
    public async Task SignInAsync(MailAccount account, string? serverName = null)
    {
        ArgumentNullException.ThrowIfNull(account);
        await SubmitSignInAsync(account.Name, account.Password, serverName);
        await InboxRows.First.WaitForAsync();
    }

    public ILocator InboxRows => Page.Locator(".inbox-row[data-key]");

    public ILocator Row(string subject) => InboxRows.Filter(new LocatorFilterOptions { HasText = subject });

    public Task<IReadOnlyList<string>> InboxSubjectsAsync() => Page.Locator(".inbox-row[data-key] .col-subject").AllInnerTextsAsync();

    /// <summary>Clicks the row and waits for the message header.</summary>
    public async Task OpenMessageAsync(string subject)
    {
        await Row(subject).Locator(".col-subject").ClickAsync();
        await Page.Locator(".message-view .message-subject").WaitForAsync();
    }

    public async Task SignOutAsync()
    {
        await Page.Locator(".app-sign-out").ClickAsync();
        await Page.Locator(".login-signed-out").WaitForAsync();
    }

    public async Task ScreenshotAsync(string name)
    {
        Directory.CreateDirectory(Artifacts.ScreenshotDirectory);
        await Page.ScreenshotAsync(new PageScreenshotOptions { Path = Artifacts.ScreenshotPath(name), FullPage = true });
    }

    /// <summary>The focused element as "TAG.class names", for asserting where the focus is.</summary>
    public Task<string> FocusedElementAsync() =>
        Page.EvaluateAsync<string>("() => document.activeElement ? document.activeElement.tagName + '.' + document.activeElement.className : 'none'");

    /// <summary>How many entries localStorage and sessionStorage of the app's origin hold together.</summary>
    public Task<int> BrowserStorageEntriesAsync() => Page.EvaluateAsync<int>("() => localStorage.length + sessionStorage.length");

    public async ValueTask DisposeAsync()
    {
        try
        {
            await Context.CloseAsync();
        }
        catch (PlaywrightException)
        {
            // The browser is already gone (a test killed it).
        }
    }
}
