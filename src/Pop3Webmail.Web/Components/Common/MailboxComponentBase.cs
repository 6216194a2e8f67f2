using Microsoft.AspNetCore.Components;
using Pop3Webmail.Web.Session;

namespace Pop3Webmail.Web.Components.Common;

/// <summary>
/// A component that shows the circuit's mailbox session: it re-renders whenever the session changes (the session
/// raises <see cref="IMailboxSession.Changed"/> on any thread) and runs session commands so that the one expected
/// failure, <see cref="MailboxException"/>, becomes state the page shows, while anything else still reaches the
/// error boundary.
/// </summary>
public abstract class MailboxComponentBase : ComponentBase, IDisposable
{
    [Inject]
    protected IMailboxSession Session { get; set; } = default!;

    /// <summary>True while a command started with <see cref="TryRunAsync"/> is running (buttons are disabled meanwhile).</summary>
    protected bool Busy { get; private set; }

    public void Dispose()
    {
        Session.Changed -= OnSessionChanged;
        Dispose(disposing: true);
        GC.SuppressFinalize(this);
    }

    protected override void OnInitialized() => Session.Changed += OnSessionChanged;

    /// <summary>Runs a session command; returns the <see cref="MailboxException"/> it failed with, or null on success.</summary>
    protected async Task<MailboxException?> TryRunAsync(Func<Task> command)
    {
        ArgumentNullException.ThrowIfNull(command);
        Busy = true;
        try
        {
            await command();
            return null;
        }
        catch (MailboxException ex)
        {
            return ex;
        }
        finally
        {
            Busy = false;
        }
    }

    protected virtual void Dispose(bool disposing)
    {
    }

    private void OnSessionChanged(object? sender, EventArgs e) => _ = InvokeAsync(StateHasChanged);
}
