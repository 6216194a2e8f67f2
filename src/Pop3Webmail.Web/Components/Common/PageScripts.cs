using Microsoft.AspNetCore.Components;
using Microsoft.JSInterop;

namespace Pop3Webmail.Web.Components.Common;

/// <summary>What <c>pop3webmail.watchMailbox</c> reports about the page when a mailbox view starts watching it.</summary>
public sealed record MailboxPageFacts(bool Visible, bool Wide);

/// <summary>
/// The calls components make into wwwroot/app.js. A tab that is going away (its circuit disconnected, a call cut off
/// by the closing connection) is not an error for any of them: the result is simply lost, as the page is.
/// </summary>
public sealed class PageScripts(IJSRuntime js)
{
    public Task AttachListAsync<T>(ElementReference scroller, DotNetObjectReference<T> callbacks)
        where T : class => RunAsync("pop3webmail.attachList", scroller, callbacks);

    /// <summary>Scrolls the list as little as needed to show row <paramref name="index"/>.</summary>
    public Task ShowRowAsync(ElementReference scroller, int index) => RunAsync("pop3webmail.showRow", scroller, index);

    public Task FocusAsync(ElementReference element) => RunAsync("pop3webmail.focus", element);

    public Task FocusFirstAsync(string selector) => RunAsync("pop3webmail.focusFirst", selector);

    /// <summary>Starts a download without leaving the page (see <c>pop3webmail.download</c>).</summary>
    public Task DownloadAsync(string url) => RunAsync("pop3webmail.download", url);

    /// <summary>Prints the page; an HTML body (its sanitized document) is printed at full length.</summary>
    public Task PrintAsync(string? htmlDocument) => RunAsync("pop3webmail.print", htmlDocument);

    public Task BackAsync() => RunAsync("pop3webmail.back");

    /// <summary>Stores (or with null, removes) a display preference cookie.</summary>
    public Task SetPreferenceAsync(string name, string? value) => RunAsync("pop3webmail.setPreference", name, value);

    public Task<MailboxPageFacts?> WatchMailboxAsync<T>(DotNetObjectReference<T> callbacks)
        where T : class => GetAsync<MailboxPageFacts>("pop3webmail.watchMailbox", callbacks);

    public Task<bool?> WatchColorSchemeAsync<T>(DotNetObjectReference<T> callbacks)
        where T : class => GetAsync<bool?>("pop3webmail.watchColorScheme", callbacks);

    private async Task RunAsync(string identifier, params object?[] arguments)
    {
        try
        {
            await js.InvokeVoidAsync(identifier, arguments);
        }
        catch (Exception ex) when (ex is JSDisconnectedException or OperationCanceledException)
        {
            // The tab is going away.
        }
    }

    private async Task<TValue?> GetAsync<TValue>(string identifier, params object?[] arguments)
    {
        try
        {
            return await js.InvokeAsync<TValue>(identifier, arguments);
        }
        catch (Exception ex) when (ex is JSDisconnectedException or OperationCanceledException)
        {
            return default;
        }
    }
}
