using System.Globalization;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Web;
using Microsoft.Extensions.Localization;
using Microsoft.JSInterop;
using Pop3Webmail.Web.Components.Common;
using Pop3Webmail.Web.Session;

namespace Pop3Webmail.Web.Components.Pages;

public sealed partial class Inbox
{
    private ElementReference _list;
    private string? _error;

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

    private List<InboxItem> Rows => View.Apply(Session.Messages);

    private DateTimeOffset Now => Time.GetUtcNow();

    private double ProgressPercent => Session.Progress.Total == 0 ? 0 : 100.0 * Session.Progress.Loaded / Session.Progress.Total;

    private bool AllChecked => Rows.Count > 0 && Rows.All(m => View.Checked.Contains(m.Key) || Session.PendingDeletions.Contains(m.Key));

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

    protected override async Task OnAfterRenderAsync(bool firstRender)
    {
        if (firstRender)
        {
            await TimeZone.EnsureAsync();
            StateHasChanged();
        }
    }

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
                if (!Session.PendingDeletions.Contains(message.Key))
                {
                    View.Checked.Add(message.Key);
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

    private void Open(InboxItem message)
    {
        View.Highlighted = message.Key;
        Navigation.NavigateTo("message?id=" + Uri.EscapeDataString(message.Key));
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
            case "Enter" when Current(View, rows) is { } message:
                Open(message);
                break;
            case "Delete" when View.Checked.Count > 0:
                await DeleteCheckedAsync();
                break;
            case "Delete" when Current(View, rows) is { } message:
                if (!Session.PendingDeletions.Contains(message.Key))
                {
                    await DeleteAsync([message.Key]);
                    await MoveAsync(rows, +1);
                }

                break;
            case "u":
                await UndoFromKeyboardAsync(rows);
                break;
        }
    }

    private async Task UndoFromKeyboardAsync(List<InboxItem> rows)
    {
        if (Current(View, rows) is { } current && Session.PendingDeletions.Contains(current.Key))
        {
            await UndoAsync(current.Key);
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

    private static InboxItem? Current(InboxViewState view, List<InboxItem> rows)
    {
        var index = view.IndexOf(view.Highlighted);
        return index >= 0 ? rows[index] : null;
    }

    private async Task MoveAsync(List<InboxItem> rows, int offset)
    {
        var index = View.IndexOf(View.Highlighted);
        index = index < 0 ? 0 : Math.Clamp(index + offset, 0, rows.Count - 1);
        View.Highlighted = rows[index].Key;
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
        _error = null;
        _error = await TryRunAsync(action) switch
        {
            null => null,
            { Kind: MailboxErrorKind.NotSignedIn } => null, // signed out meanwhile (idle, another tab): the router shows the login page
            { Kind: MailboxErrorKind.ServerRefused or MailboxErrorKind.MessageUnavailable } => L["ErrorServerRefused"].Value,
            _ => L["ErrorConnectionLost"].Value,
        };
    }
}
