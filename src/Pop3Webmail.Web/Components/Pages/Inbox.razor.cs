using System.Globalization;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Web;
using Microsoft.Extensions.Localization;
using Microsoft.JSInterop;
using Pop3Webmail.Pop3;
using Pop3Webmail.Web.Components.Common;
using Pop3Webmail.Web.Session;

namespace Pop3Webmail.Web.Components.Pages;

public sealed partial class Inbox : IDisposable
{
    private ElementReference _list;
    private bool _busy;
    private string? _error;

    [Inject]
    private IMailboxSession Session { get; set; } = default!;

    [Inject]
    private InboxViewState View { get; set; } = default!;

    [Inject]
    private BrowserTimeZone TimeZone { get; set; } = default!;

    [Inject]
    private TimeProvider Time { get; set; } = default!;

    [Inject]
    private NavigationManager Navigation { get; set; } = default!;

    [Inject]
    private IJSRuntime JS { get; set; } = default!;

    [Inject]
    private IStringLocalizer<Inbox> L { get; set; } = default!;

    private bool ReadOnly => Session.Account?.ReadOnly ?? true;

    private List<Pop3MessageSummary> Rows => View.Apply(Session.Messages);

    private DateTimeOffset Now => Time.GetUtcNow();

    private double ProgressPercent => Session.Progress.Total == 0 ? 0 : 100.0 * Session.Progress.Loaded / Session.Progress.Total;

    private bool AllChecked => Rows.Count > 0 && Rows.All(m => View.Checked.Contains(MessageKeys.For(m)) || Session.PendingDeletions.Contains(MessageKeys.For(m)));

    private Dictionary<string, object?> FilterAttributes => new() { ["aria-label"] = L["Filter"].Value, ["autocomplete"] = "off" };

    private string StatLine => L["Stat",
        Session.Statistics.MessageCount.ToString("N0", CultureInfo.CurrentCulture),
        DisplayFormat.Size(Session.Statistics.MailboxSize)];

    private string? NoticeText => Session.Notice is not { } notice
        ? null
        : string.Join(" ", new[]
        {
            notice.Kind == MailboxNoticeKind.ConnectionRestored ? L["NoticeReconnected"].Value : null,
            notice.Kind == MailboxNoticeKind.MailChecked && notice.NewMessages == 0 ? L["NoticeNoNewMail"].Value : null,
            notice.NewMessages > 0 ? L["NoticeNewMessages", notice.NewMessages].Value : null,
            notice.RemovedMessages > 0 ? L["NoticeRemovedMessages", notice.RemovedMessages].Value : null,
            notice.LostDeletions > 0 ? L["NoticeLostDeletions", notice.LostDeletions].Value : null,
        }.Where(s => s is not null));

    public void Dispose() => Session.Changed -= OnSessionChanged;

    protected override void OnInitialized() => Session.Changed += OnSessionChanged;

    protected override async Task OnAfterRenderAsync(bool firstRender)
    {
        if (firstRender)
        {
            await TimeZone.EnsureAsync();
            StateHasChanged();
        }
    }

    private void OnSessionChanged(object? sender, EventArgs e) => _ = InvokeAsync(StateHasChanged);

    private void OnFilterChanged(string? value)
    {
        View.Filter = value ?? string.Empty;
    }

    private void SortBy(InboxSortColumn column) => View.SortBy(column);

    private void ToggleChecked(string key)
    {
        if (!View.Checked.Remove(key))
        {
            View.Checked.Add(key);
        }
    }

    private void ToggleAll(ChangeEventArgs e)
    {
        var check = e.Value is true;
        View.Checked.Clear();
        if (check)
        {
            foreach (var message in Rows)
            {
                var key = MessageKeys.For(message);
                if (!Session.PendingDeletions.Contains(key))
                {
                    View.Checked.Add(key);
                }
            }
        }
    }

    private string RowClass(string key, bool pending, bool unread) =>
        "inbox-row"
        + (unread ? " unread" : string.Empty)
        + (pending ? " pending" : string.Empty)
        + (View.Highlighted == key ? " highlighted" : string.Empty)
        + (View.Checked.Contains(key) ? " checked" : string.Empty);

    private void Open(Pop3MessageSummary message)
    {
        var key = MessageKeys.For(message);
        View.Highlighted = key;
        Navigation.NavigateTo("message?id=" + Uri.EscapeDataString(key));
    }

    private Task DeleteCheckedAsync() => DeleteAsync([.. View.Checked]);

    private async Task DeleteAsync(IReadOnlyCollection<string> keys)
    {
        if (ReadOnly || keys.Count == 0)
        {
            return;
        }

        await RunAsync(async () =>
        {
            await Session.DeleteAsync(keys);
            foreach (var key in keys)
            {
                View.Checked.Remove(key);
                View.RecentlyDeleted.Push(key);
            }
        });
    }

    private Task UndoAsync(string key) => RunAsync(() => Session.UndoDeleteAsync(key));

    private Task UndoAllAsync() => RunAsync(async () =>
    {
        await Session.UndoAllDeletionsAsync();
        View.RecentlyDeleted.Clear();
    });

    private Task CheckForNewMailAsync() => RunAsync(() => Session.CheckForNewMailAsync());

    private Task ReconnectAsync() => RunAsync(() => Session.ReconnectAsync());

    /// <summary>↑/↓ or k/j move, Enter opens, Delete deletes, u undoes the latest deletion (or the highlighted one).</summary>
    private async Task OnKeyDownAsync(KeyboardEventArgs e)
    {
        var rows = Rows;
        if (rows.Count == 0 || e.CtrlKey || e.AltKey || e.MetaKey)
        {
            return;
        }

        switch (e.Key)
        {
            case "ArrowDown" or "j":
                await MoveAsync(rows, +1);
                break;
            case "ArrowUp" or "k":
                await MoveAsync(rows, -1);
                break;
            case "Enter" when Current(rows) is { } message:
                Open(message);
                break;
            case "Delete" when View.Checked.Count > 0:
                await DeleteCheckedAsync();
                break;
            case "Delete" when Current(rows) is { } message:
                var key = MessageKeys.For(message);
                if (!Session.PendingDeletions.Contains(key))
                {
                    await DeleteAsync([key]);
                    await MoveAsync(rows, +1);
                }

                break;
            case "u":
                await UndoFromKeyboardAsync(rows);
                break;
        }
    }

    private async Task UndoFromKeyboardAsync(List<Pop3MessageSummary> rows)
    {
        if (Current(rows) is { } current && Session.PendingDeletions.Contains(MessageKeys.For(current)))
        {
            await UndoAsync(MessageKeys.For(current));
            return;
        }

        while (View.RecentlyDeleted.TryPop(out var key))
        {
            if (Session.PendingDeletions.Contains(key))
            {
                View.Highlighted = key;
                await UndoAsync(key);
                return;
            }
        }
    }

    private Pop3MessageSummary? Current(List<Pop3MessageSummary> rows)
    {
        var index = View.IndexOf(View.Highlighted);
        return index >= 0 ? rows[index] : null;
    }

    private async Task MoveAsync(List<Pop3MessageSummary> rows, int offset)
    {
        var index = View.IndexOf(View.Highlighted);
        index = index < 0 ? 0 : Math.Clamp(index + offset, 0, rows.Count - 1);
        View.Highlighted = MessageKeys.For(rows[index]);
        StateHasChanged();
        try
        {
            // Virtualized rows: keep the highlighted one in view (it may not be rendered until scrolled to).
            await JS.InvokeVoidAsync("pop3webmail.scrollToRow", _list, index, View.Highlighted);
        }
        catch (JSDisconnectedException)
        {
            // The tab is going away.
        }
    }

    private async Task RunAsync(Func<Task> action)
    {
        _busy = true;
        _error = null;
        try
        {
            await action();
        }
        catch (MailboxConnectionLostException)
        {
            _error = L["ErrorConnectionLost"];
        }
        catch (Pop3CommandException)
        {
            _error = L["ErrorServerRefused"];
        }
        catch (InvalidOperationException) when (Session.Account is null)
        {
            // Signed out meanwhile (idle, another tab); the router takes the user to the login page.
        }
        finally
        {
            _busy = false;
        }
    }
}
