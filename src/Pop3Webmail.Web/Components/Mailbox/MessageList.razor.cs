using System.Globalization;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Web;
using Microsoft.Extensions.Localization;
using Microsoft.JSInterop;
using Pop3Webmail.Web.Components.Common;
using Pop3Webmail.Web.Session;

namespace Pop3Webmail.Web.Components.Mailbox;

/// <summary>
/// The inbox rows as a keyboard-operable grid that renders only the rows in view (and a margin around them). The
/// browser reports which rows it shows (app.js <c>attachList</c>); everything between is two spacers sized in rows.
/// The grid stays mounted for the whole visit, so its scroll position and focus survive opening messages, background
/// loading and mail checks. What a key or click means is the page's to decide; this component only draws and reports.
/// </summary>
public sealed partial class MessageList
{
    /// <summary>Rows rendered before the browser has said what it shows: more than a tall screen holds.</summary>
    internal const int InitialRows = 40;

    /// <summary>Rows rendered beyond each edge of the visible window, so scrolling a little needs no round trip.</summary>
    internal const int Overscan = 10;

    private ElementReference _grid;
    private DotNetObjectReference<MessageList>? _callbacks;
    private int _first;
    private int _count = InitialRows;

    /// <summary>The rows to show, in order (the filtered, sorted view of the inbox).</summary>
    [Parameter, EditorRequired]
    public IReadOnlyList<InboxItem> Rows { get; set; } = [];

    /// <summary>The key of the highlighted (active) row, or null.</summary>
    [Parameter]
    public string? Highlighted { get; set; }

    [Parameter]
    public bool ReadOnly { get; set; }

    /// <summary>While a command runs, the rows' delete and undo buttons wait.</summary>
    [Parameter]
    public bool ActionsDisabled { get; set; }

    /// <summary>The grid's accessible name.</summary>
    [Parameter, EditorRequired]
    public string Label { get; set; } = string.Empty;

    /// <summary>What the grid shows while it has no rows (loading, empty, nothing matches).</summary>
    [Parameter]
    public RenderFragment? Placeholder { get; set; }

    [Parameter]
    public EventCallback<InboxItem> OnOpen { get; set; }

    [Parameter]
    public EventCallback<KeyboardEventArgs> OnKeyDown { get; set; }

    [Parameter]
    public EventCallback<string> OnDelete { get; set; }

    [Parameter]
    public EventCallback<string> OnUndo { get; set; }

    /// <summary>Checked rows or the sort order changed.</summary>
    [Parameter]
    public EventCallback OnChanged { get; set; }

    [Inject]
    private IMailboxSession Session { get; set; } = default!;

    [Inject]
    private InboxViewState View { get; set; } = default!;

    [Inject]
    private BrowserTimeZone TimeZone { get; set; } = default!;

    [Inject]
    private TimeProvider Time { get; set; } = default!;

    [Inject]
    private PageScripts Scripts { get; set; } = default!;

    [Inject]
    private IStringLocalizer<MailboxText> L { get; set; } = default!;

    /// <summary>How many rows from <see cref="_first"/> are rendered (fewer at the end of the list).</summary>
    private int RenderedCount => Math.Max(0, Math.Min(_count, Rows.Count - _first));

    private bool AllChecked => Rows.Count > 0 && Rows.All(m => View.Checked.Contains(m.Key) || Session.PendingDeletions.Contains(m.Key));

    /// <summary>The highlighted row's id while it is rendered; an id that is not in the page would be an ARIA error.</summary>
    private string? ActiveDescendant
    {
        get
        {
            var index = View.IndexOf(Highlighted);
            return index >= _first && index < _first + RenderedCount ? RowId(index) : null;
        }
    }

    /// <summary>The browser shows rows [<paramref name="first"/>, first + <paramref name="visible"/>) (app.js).</summary>
    [JSInvokable]
    public Task OnViewportChanged(int first, int visible) => InvokeAsync(() =>
    {
        var wanted = Math.Max(0, first - Overscan);
        var count = Math.Max(visible, 1) + (2 * Overscan);
        if (wanted != _first || count != _count)
        {
            _first = wanted;
            _count = count;
            StateHasChanged();
        }
    });

    /// <summary>Makes row <paramref name="index"/> rendered now and scrolls it into view.</summary>
    public Task ShowAsync(int index)
    {
        if (index < 0 || index >= Rows.Count)
        {
            return Task.CompletedTask;
        }

        if (index < _first || index >= _first + RenderedCount)
        {
            _first = Math.Max(0, index - (_count / 2));
            StateHasChanged();
        }

        return Scripts.ShowRowAsync(_grid, index);
    }

    public Task FocusAsync() => Scripts.FocusAsync(_grid);

    protected override void OnParametersSet()
    {
        // Fewer rows than before (a filter, messages gone): keep the rendered window inside the list.
        if (_first > 0 && _first >= Rows.Count)
        {
            _first = Math.Max(0, Rows.Count - _count);
        }
    }

    protected override async Task OnAfterRenderAsync(bool firstRender)
    {
        if (firstRender)
        {
            _callbacks = DotNetObjectReference.Create(this);
            await Scripts.AttachListAsync(_grid, _callbacks);
        }
    }

    // Only the reference is let go: no call into the browser while the component (or the circuit) goes away. The
    // browser side notices on its next report and unhooks itself.
    public void Dispose() => _callbacks?.Dispose();

    private static string RowId(int index) => "inbox-row-" + index.ToString(CultureInfo.InvariantCulture);

    private static string SpacerHeight(int rows) =>
        "height: calc(var(--row-height) * " + rows.ToString(CultureInfo.InvariantCulture) + ")";

    private string SubjectOf(InboxItem message) => message.Subject.Length > 0 ? message.Subject : L["NoSubject"];

    private string RowClass(string key, bool pending, bool unread, bool highlighted) =>
        "inbox-row"
        + (unread ? " unread" : string.Empty)
        + (pending ? " pending" : string.Empty)
        + (highlighted ? " highlighted" : string.Empty)
        + (View.Checked.Contains(key) ? " checked" : string.Empty);

    private Task SortByAsync(InboxSortColumn column)
    {
        View.SortBy(column);
        return OnChanged.InvokeAsync();
    }

    private Task ToggleCheckedAsync(string key)
    {
        if (!View.Checked.Remove(key))
        {
            View.Checked.Add(key);
        }

        return OnChanged.InvokeAsync();
    }

    private Task ToggleAllAsync(ChangeEventArgs e)
    {
        View.Checked.Clear();
        if (e.Value is true)
        {
            foreach (var message in Rows)
            {
                if (!Session.PendingDeletions.Contains(message.Key))
                {
                    View.Checked.Add(message.Key);
                }
            }
        }

        return OnChanged.InvokeAsync();
    }
}
