using System.Globalization;
using Pop3Webmail.Web.Session;

namespace Pop3Webmail.Web.Components.Common;

public enum InboxSortColumn
{
    /// <summary>Server order: the order messages arrived in the maildrop.</summary>
    Received,
    From,
    Subject,
    Date,
    Size,
}

/// <summary>
/// How this tab looks at the inbox: filter, sort, the highlighted row and the checked rows. Scoped to the circuit,
/// so the message view's Previous/Next follow the list as the user sees it, and going back keeps the place.
/// Sorting and filtering work on the summaries loaded so far.
/// </summary>
public sealed class InboxViewState
{
    private IReadOnlyList<InboxItem>? _source;
    private string _appliedFilter = string.Empty;
    private InboxSortColumn _appliedColumn;
    private bool _appliedDescending;
    private List<InboxItem> _view = [];
    private Dictionary<string, int> _positions = new(StringComparer.Ordinal);

    public string Filter { get; set; } = string.Empty;

    public InboxSortColumn SortColumn { get; private set; } = InboxSortColumn.Received;

    /// <summary>Newest first by default.</summary>
    public bool Descending { get; private set; } = true;

    /// <summary>The keyboard-highlighted message.</summary>
    public string? Highlighted { get; set; }

    public HashSet<string> Checked { get; } = new(StringComparer.Ordinal);

    /// <summary>Keys deleted most recently, for "u" (undo) from the keyboard.</summary>
    public Stack<string> RecentlyDeleted { get; } = new();

    /// <summary>A second click on the same column reverses it; a new column starts in its natural direction.</summary>
    public void SortBy(InboxSortColumn column)
    {
        if (SortColumn == column)
        {
            Descending = !Descending;
        }
        else
        {
            SortColumn = column;
            Descending = column is InboxSortColumn.Received or InboxSortColumn.Date or InboxSortColumn.Size;
        }
    }

    /// <summary>The filtered, sorted view of <paramref name="messages"/> (newest-first server order); cached until something changes.</summary>
    public List<InboxItem> Apply(IReadOnlyList<InboxItem> messages)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var filter = Filter.Trim();
        if (ReferenceEquals(messages, _source) && filter == _appliedFilter && SortColumn == _appliedColumn && Descending == _appliedDescending)
        {
            return _view;
        }

        IEnumerable<InboxItem> query = messages;
        if (filter.Length > 0)
        {
            query = query.Where(m => Contains(m.From, filter) || Contains(m.FromAddress, filter) || Contains(m.Subject, filter));
        }

        // Index in server order breaks ties, so equal keys keep newest first and the order is stable.
        var indexed = query.Select((m, i) => (Message: m, Index: i)).ToList();
        var compare = CultureInfo.CurrentCulture.CompareInfo;
        Comparison<(InboxItem Message, int Index)> comparison = SortColumn switch
        {
            InboxSortColumn.From => (a, b) => compare.Compare(a.Message.DisplayFrom, b.Message.DisplayFrom, CompareOptions.IgnoreCase),
            InboxSortColumn.Subject => (a, b) => compare.Compare(a.Message.Subject, b.Message.Subject, CompareOptions.IgnoreCase),
            InboxSortColumn.Date => (a, b) => Nullable.Compare(a.Message.Date, b.Message.Date),
            InboxSortColumn.Size => (a, b) => a.Message.Size.CompareTo(b.Message.Size),
            _ => (a, b) => b.Index.CompareTo(a.Index), // ascending = oldest first = reverse of server order
        };
        indexed.Sort((a, b) =>
        {
            var result = comparison(a, b);
            if (Descending)
            {
                result = -result;
            }

            return result != 0 ? result : a.Index.CompareTo(b.Index);
        });

        _view = indexed.ConvertAll(x => x.Message);
        _positions = new Dictionary<string, int>(_view.Count, StringComparer.Ordinal);
        for (var i = 0; i < _view.Count; i++)
        {
            _positions[_view[i].Key] = i;
        }

        _source = messages;
        _appliedFilter = filter;
        _appliedColumn = SortColumn;
        _appliedDescending = Descending;
        return _view;
    }

    /// <summary>
    /// The most recent deletion that is still pending, taken off <see cref="RecentlyDeleted"/> (with any undone since,
    /// which are of no more use); null when there is none.
    /// </summary>
    public string? PopPendingDeletion(IReadOnlySet<string> pending)
    {
        ArgumentNullException.ThrowIfNull(pending);
        while (RecentlyDeleted.TryPop(out var key))
        {
            if (pending.Contains(key))
            {
                return key;
            }
        }

        return null;
    }

    /// <summary>Position of a message in the current view, or -1.</summary>
    public int IndexOf(string? key) => key is not null && _positions.TryGetValue(key, out var index) ? index : -1;

    /// <summary>The message <paramref name="offset"/> rows away from <paramref name="key"/> in the current view.</summary>
    public InboxItem? Neighbour(string key, int offset)
    {
        var index = IndexOf(key);
        if (index < 0)
        {
            return null;
        }

        var target = index + offset;
        return target >= 0 && target < _view.Count ? _view[target] : null;
    }


    private static bool Contains(string value, string filter) =>
        CultureInfo.CurrentCulture.CompareInfo.IndexOf(value, filter, CompareOptions.IgnoreCase) >= 0;
}
