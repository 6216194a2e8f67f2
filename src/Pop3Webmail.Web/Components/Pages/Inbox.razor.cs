using System.Globalization;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Web;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Options;
using Microsoft.JSInterop;
using Pop3Webmail.Web.Components.Common;
using Pop3Webmail.Web.Components.Mailbox;
using Pop3Webmail.Web.Configuration;
using Pop3Webmail.Web.Session;

namespace Pop3Webmail.Web.Components.Pages;

/// <summary>
/// The mailbox: the list, and the open message (<c>/message?id=…</c>) beside it on wide screens or instead of it on
/// narrow ones. Opening a message from the list adds one history entry, so Back (the browser's or the page's) returns
/// to the list where it was; moving from message to message replaces it. Keys: see <see cref="OnListKeyDownAsync"/>.
/// </summary>
public sealed partial class Inbox
{
    private MessageList? _list;
    private MessageView? _message;
    private DotNetObjectReference<Inbox>? _callbacks;
    private AutoMailCheck? _autoCheck;
    private string? _error;
    private string? _announcement;
    private string? _shownId;
    private MessageHistory _history = default!;
    private bool _wide;
    private bool _focusList;
    private bool _focusMessage;
    private bool _autoChecking;

    [SupplyParameterFromQuery(Name = "id")]
    public string? Id { get; set; }

    [Inject]
    private InboxViewState View { get; set; } = default!;

    [Inject]
    private DisplayPreferences Preferences { get; set; } = default!;

    [Inject]
    private BrowserTimeZone TimeZone { get; set; } = default!;

    [Inject]
    private PageScripts Scripts { get; set; } = default!;

    [Inject]
    private TimeProvider Time { get; set; } = default!;

    [Inject]
    private IOptions<MailOptions> MailOptions { get; set; } = default!;

    [Inject]
    private NavigationManager Navigation { get; set; } = default!;

    [Inject]
    private IStringLocalizer<MailboxText> L { get; set; } = default!;

    private bool ReadOnly => Session.Account?.ReadOnly ?? true;

    private List<InboxItem> Rows => View.Apply(Session.Messages);

    /// <summary>True when the message shows beside the list (a wide screen, and the reading pane switched on).</summary>
    private bool PaneVisible => _wide && Preferences.ReadingPane;

    private InboxItem? OpenItem => Id is null ? null : Session.Messages.FirstOrDefault(m => m.Key == Id);

    /// <summary>The message shown, or asked for and on its way (see <see cref="MessageHistory"/>).</summary>
    private string? CurrentMessage => _history.Current(Id);

    /// <summary>Messages new since the last visit that have not been opened yet.</summary>
    private int NewCount => Session.Messages.Count(m => Session.IsNew(m.Key) && !Session.IsRead(m.Key));

    private string Title
    {
        get
        {
            var name = OpenItem is { Subject.Length: > 0 } item ? item.Subject : L["Heading"].Value;
            var title = L["Title", name].Value;
            return NewCount > 0 ? "(" + NewCount.ToString(CultureInfo.CurrentCulture) + ") " + title : title;
        }
    }

    private string LayoutClass =>
        (Id is null ? "no-message" : "has-message") + (Preferences.ReadingPane ? " pane-on" : " pane-off");

    private double ProgressPercent => Session.Progress.Total == 0 ? 0 : 100.0 * Session.Progress.Loaded / Session.Progress.Total;

    private Dictionary<string, object?> FilterAttributes => new() { ["aria-label"] = L["Filter"].Value, ["autocomplete"] = "off" };

    private string StatLine => L["Stat",
        Session.Statistics.MessageCount.ToString("N0", CultureInfo.CurrentCulture),
        DisplayFormat.Size(Session.Statistics.MailboxSize)];

    /// <summary>The tab was shown or hidden (app.js <c>watchMailbox</c>).</summary>
    [JSInvokable]
    public Task OnVisibilityChanged(bool visible) => _autoCheck?.SetVisibleAsync(visible) ?? Task.CompletedTask;

    /// <summary>The screen became wide enough for the reading pane, or stopped being so (app.js <c>watchMailbox</c>).</summary>
    [JSInvokable]
    public Task OnWideChanged(bool wide) => InvokeAsync(() =>
    {
        _wide = wide;
        StateHasChanged();
    });

    protected override void OnInitialized()
    {
        base.OnInitialized();
        Preferences.Changed += OnPreferencesChanged;
        _history = new MessageHistory(Navigation);
        _autoCheck = new AutoMailCheck(Time, MailOptions.Value.AutoCheckInterval, () => InvokeAsync(AutoCheckAsync));
    }

    protected override void OnParametersSet()
    {
        if (Id == _shownId)
        {
            return;
        }

        _shownId = Id;
        if (!_history.Arrive(Id))
        {
            return; // a step on the way to a message asked for since: the keys already act on that one
        }

        if (Id is not null)
        {
            View.Highlighted = Id;
        }
        else
        {
            _focusList = true; // back from a message: the list, where it was, has the focus again
        }
    }

    protected override async Task OnAfterRenderAsync(bool firstRender)
    {
        if (firstRender)
        {
            _callbacks = DotNetObjectReference.Create(this);
            var facts = await Scripts.WatchMailboxAsync(_callbacks);
            _wide = facts?.Wide ?? false;
            await _autoCheck!.SetVisibleAsync(facts?.Visible ?? true);
            await TimeZone.EnsureAsync();
            _focusList = false; // the page's first focus is the heading's (FocusOnNavigate)
            StateHasChanged();
            if (View.Highlighted is { } highlighted)
            {
                await ShowRowAsync(highlighted);
            }

            return;
        }

        if (_focusList && _list is not null)
        {
            _focusList = false;
            await _list.ShowAsync(View.IndexOf(View.Highlighted));
            await _list.FocusAsync();
        }

        if (_focusMessage && _message is not null)
        {
            _focusMessage = false;
            await _message.FocusAsync();
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            Preferences.Changed -= OnPreferencesChanged;
            _autoCheck?.Dispose();
            _callbacks?.Dispose();
        }

        base.Dispose(disposing);
    }

    private void OnPreferencesChanged(object? sender, EventArgs e) => _ = InvokeAsync(StateHasChanged);

    private InboxItem? Neighbour(int offset)
    {
        if (CurrentMessage is not { } id)
        {
            return null;
        }

        View.Apply(Session.Messages);
        return View.Neighbour(id, offset);
    }

    private void OnFilterChanged(string? value) => View.Filter = value ?? string.Empty;

    private Task ToggleReadingPaneAsync() => Preferences.SetReadingPaneAsync(!Preferences.ReadingPane);

    /// <summary>A click or Enter on a row: the message opens (from the list view, as a new history entry).</summary>
    private async Task OpenAsync(InboxItem message)
    {
        View.Highlighted = message.Key;
        if (CurrentMessage == message.Key)
        {
            _focusMessage = !PaneVisible;
            return;
        }

        Show(message.Key);
        await ShowRowAsync(message.Key);
    }

    private void Show(string key) => _history.Show(key, Id);

    /// <summary>Back to the list: the history entry the message came from when there is one, else the list anew.</summary>
    private Task CloseAsync() => _history.Close(Id) ? Scripts.BackAsync() : Task.CompletedTask;

    private async Task StepAsync(int offset)
    {
        if (Neighbour(offset) is not { } target)
        {
            return;
        }

        View.Highlighted = target.Key;
        Show(target.Key);
        await ShowRowAsync(target.Key);
    }

    /// <summary>The grid's keys (see <see cref="GridKeys"/>); with the reading pane, moving shows the message too.</summary>
    private async Task OnListKeyDownAsync(KeyboardEventArgs e)
    {
        var rows = Rows;
        var key = GridKeys.Interpret(e, View.IndexOf(View.Highlighted), rows.Count);
        var row = key.Row >= 0 ? rows[key.Row] : null;
        switch (key.Action)
        {
            case GridAction.Move:
                await MoveToAsync(rows[key.Row]);
                break;
            case GridAction.Open:
                await OpenAsync(row!);
                break;
            case GridAction.ToggleCheck when !ReadOnly && !Session.PendingDeletions.Contains(row!.Key):
                if (!View.Checked.Remove(row.Key))
                {
                    View.Checked.Add(row.Key);
                }

                break;
            case GridAction.Delete when View.Checked.Count > 0:
                await DeleteCheckedAsync();
                break;
            case GridAction.Delete when row is not null:
                await DeleteOneAsync(row.Key);
                break;
            case GridAction.Undo:
                await UndoFromKeyboardAsync(row);
                break;
            case GridAction.Close:
                await CloseAsync();
                break;
        }
    }

    /// <summary>Highlights <paramref name="message"/>; with the reading pane, the message shows beside the list.</summary>
    private async Task MoveToAsync(InboxItem message)
    {
        View.Highlighted = message.Key;
        if (PaneVisible && CurrentMessage != message.Key)
        {
            Show(message.Key);
        }

        await ShowRowAsync(message.Key);
    }

    /// <summary>u: the highlighted row if it is marked, else the most recent deletion still pending.</summary>
    private async Task UndoFromKeyboardAsync(InboxItem? highlighted)
    {
        var key = highlighted is not null && Session.PendingDeletions.Contains(highlighted.Key)
            ? highlighted.Key
            : View.PopPendingDeletion(Session.PendingDeletions);
        if (key is not null)
        {
            View.Highlighted = key;
            await UndoAsync(key);
            await ShowRowAsync(key);
        }
    }

    private Task ShowRowAsync(string key) => _list?.ShowAsync(View.IndexOf(key)) ?? Task.CompletedTask;

    private Task<bool> DeleteCheckedAsync() => DeleteAsync([.. View.Checked]);

    /// <summary>Deletes one message from the list and moves on to the next row (and message, if it was open).</summary>
    private async Task DeleteOneAsync(string key)
    {
        if (Session.PendingDeletions.Contains(key))
        {
            return;
        }

        var next = View.Neighbour(key, +1) ?? View.Neighbour(key, -1);
        if (await DeleteAsync([key]) && next is not null && View.Highlighted == key)
        {
            View.Highlighted = next.Key;
            if (CurrentMessage == key)
            {
                Show(next.Key);
            }

            await ShowRowAsync(next.Key);
        }
    }

    private async Task<bool> DeleteAsync(IReadOnlyCollection<string> keys)
    {
        if (ReadOnly || keys.Count == 0)
        {
            return false;
        }

        var done = await RunAsync(() => Session.DeleteAsync(keys));
        if (done)
        {
            foreach (var key in keys)
            {
                View.Checked.Remove(key);
                View.RecentlyDeleted.Push(key);
            }

            Announce(L["AnnounceDeleted", keys.Count]);
        }

        return done;
    }

    /// <summary>The open message was deleted from its toolbar: on to the next one, the focus where the reader works.</summary>
    private Task OnMessageDeletedAsync(string key)
    {
        View.RecentlyDeleted.Push(key);
        View.Checked.Remove(key);
        Announce(L["AnnounceDeleted", 1]);
        if ((Neighbour(+1) ?? Neighbour(-1)) is not { } next)
        {
            return CloseAsync();
        }

        View.Highlighted = next.Key;
        Show(next.Key);
        _focusList = PaneVisible;
        _focusMessage = !PaneVisible;
        return Task.CompletedTask;
    }

    private void OnUndone(string key) => Announce(L["AnnounceRestored", 1]);

    private async Task UndoAsync(string key)
    {
        if (await RunAsync(() => Session.UndoDeleteAsync(key)))
        {
            OnUndone(key);
        }
    }

    private async Task UndoAllAsync()
    {
        var count = Session.PendingDeletions.Count;
        if (await RunAsync(() => Session.UndoAllDeletionsAsync()))
        {
            View.RecentlyDeleted.Clear();
            Announce(L["AnnounceRestored", count]);
        }
    }

    private async Task CheckForNewMailAsync()
    {
        _autoCheck?.Reset();
        await RunAsync(() => Session.CheckForNewMailAsync());
    }

    /// <summary>
    /// The automatic check, quiet: no "no new mail" (nobody asked), and a failure only shows as the connection's state.
    /// New mail is announced politely.
    /// </summary>
    private async Task AutoCheckAsync()
    {
        if (Session.Status != MailboxSessionStatus.Ready || Busy || _autoChecking)
        {
            return;
        }

        _autoChecking = true;
        try
        {
            await TryRunAsync(() => Session.CheckForNewMailAsync());
        }
        finally
        {
            _autoChecking = false;
        }

        if (Session.Notice is { Kind: MailboxNoticeKind.MailChecked, NewMessages: 0, RemovedMessages: 0, LostDeletions: 0 })
        {
            Session.DismissNotice();
        }

        StateHasChanged();
    }

    private Task<bool> ReconnectAsync() => RunAsync(() => Session.ReconnectAsync());

    /// <summary>Runs a session command; false (with the failure shown) when it failed.</summary>
    private async Task<bool> RunAsync(Func<Task> command)
    {
        _error = null;
        var failure = await TryRunAsync(command);
        _error = failure switch
        {
            null => null,
            { Kind: MailboxErrorKind.NotSignedIn } => null, // signed out meanwhile (idle, another tab): the router shows the login page
            { Kind: MailboxErrorKind.ServerRefused or MailboxErrorKind.MessageUnavailable } => L["ErrorServerRefused"].Value,
            _ => L["ErrorConnectionLost"].Value,
        };
        return failure is null;
    }

    /// <summary>Says something to screen readers (the polite status region); the same words twice are still said twice.</summary>
    private void Announce(string text) =>
        _announcement = _announcement == text ? text + "\u00a0" : text;
}
