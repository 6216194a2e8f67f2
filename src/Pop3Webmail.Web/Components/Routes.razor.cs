using Microsoft.AspNetCore.Components;
using Microsoft.JSInterop;
using Pop3Webmail.Web.Components.Common;
using Pop3Webmail.Web.Session;

namespace Pop3Webmail.Web.Components;

/// <summary>
/// The root of the interactive app. It hands the circuit what it needs from the page request, takes back this tab's
/// visit after a reload, and, after every sign-in, has the tab's resume handle written into its HttpOnly cookie.
/// </summary>
public sealed partial class Routes : IDisposable
{
    private bool _resuming;
    private bool _binding;

    /// <summary>The browser binding cookie's value, from the page request (see App).</summary>
    [Parameter]
    public string? BrowserKey { get; set; }

    [Parameter]
    public string? ClientAddress { get; set; }

    /// <summary>Theme and layout as the page request carried them, so the first paint is already right (see App).</summary>
    [Parameter]
    public DisplaySettings? Display { get; set; }

    /// <summary>The browser's resume cookie entries (tab id → handle), from the page request; null when it has none.</summary>
    [Parameter]
    public Dictionary<string, string>? ResumeHandles { get; set; }

    [Inject]
    private IMailboxSession Session { get; set; } = default!;

    [Inject]
    private IJSRuntime JS { get; set; } = default!;

    public void Dispose() => Session.Changed -= OnSessionChanged;

    protected override void OnInitialized()
    {
        Browser.BrowserKey = BrowserKey ?? string.Empty;
        Browser.ClientAddress = ClientAddress ?? "unknown";
        if (Display is not null)
        {
            Preferences.Initialize(Display);
        }

        _resuming = ResumeHandles is { Count: > 0 } && Session.Account is null && RendererInfo.IsInteractive;
        Session.Changed += OnSessionChanged;
    }

    protected override async Task OnAfterRenderAsync(bool firstRender)
    {
        if (firstRender && _resuming)
        {
            try
            {
                var tab = await JS.InvokeAsync<string?>("pop3webmail.tabId");
                if (tab is not null && ResumeHandles!.TryGetValue(tab, out var handle))
                {
                    await Session.ResumeAsync(handle);
                }
            }
            catch (JSException)
            {
                // No session storage in this browser: no resume; the login page follows.
            }
            finally
            {
                _resuming = false;
                StateHasChanged();
            }
        }

        await BindTabAsync();
    }

    private void OnSessionChanged(object? sender, EventArgs e) => _ = InvokeAsync(BindTabAsync);

    /// <summary>After a sign-in (or a resume), the tab's resume cookie entry is written over HTTP with a one-time ticket.</summary>
    private async Task BindTabAsync()
    {
        if (_binding || _resuming || !RendererInfo.IsInteractive || Session.TakeResumeTicket() is not { } ticket)
        {
            return;
        }

        _binding = true;
        try
        {
            await JS.InvokeAsync<bool>("pop3webmail.bindTab", "session/tab?ticket=" + Uri.EscapeDataString(ticket));
        }
        catch (JSException)
        {
            // The tab cannot remember its visit (storage or fetch blocked); a reload then means signing in again.
        }
        catch (JSDisconnectedException)
        {
            // The tab is going away.
        }
        finally
        {
            _binding = false;
        }
    }
}
