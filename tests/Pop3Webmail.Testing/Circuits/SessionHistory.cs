namespace Pop3Webmail.Testing.Circuits;

/// <summary>
/// A tab's session history, as far as the app moves through it. A page load adds an entry (or replaces the current
/// one) for a new document; blazor.web.js's client-side navigations push or replace entries of the current document,
/// each with its history state (NavigationManager.ts saveToBrowserHistory); Back goes to the entry before: within the
/// document a popstate tells the router, while an entry whose document is gone is loaded again (a page with a live
/// circuit is never kept in the back/forward cache). The blank page a tab starts on is no entry.
/// </summary>
internal sealed class SessionHistory
{
    private static readonly Uri Blank = new("about:blank");

    private readonly List<HistoryEntry> _entries = [];
    private int _index = -1;
    private int _documents;

    /// <summary>The address bar: the current entry's location.</summary>
    public Uri Location => Current?.Location ?? Blank;

    public HistoryEntry? Current => _index >= 0 ? _entries[_index] : null;

    /// <summary>A page load starts: a new document in a new entry, in place of the current one, or in the one traversed to.</summary>
    public void BeginLoad(Uri target, HistoryChange change)
    {
        ArgumentNullException.ThrowIfNull(target);
        var document = ++_documents;
        switch (change)
        {
            case HistoryChange.Push:
                Push(new HistoryEntry(target, null, document));
                break;
            case HistoryChange.Replace when _index >= 0:
                _entries[_index] = new HistoryEntry(target, null, document);
                break;
            case HistoryChange.Replace:
                Push(new HistoryEntry(target, null, document));
                break;
            case HistoryChange.Traverse:
                _entries[_index] = _entries[_index] with { Document = document };
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(change), change, "Not a history change.");
        }
    }

    /// <summary>The page arrived, where redirects took it.</summary>
    public void Arrived(Uri location)
    {
        ArgumentNullException.ThrowIfNull(location);
        _entries[_index] = _entries[_index] with { Location = location };
    }

    /// <summary>history.pushState (<paramref name="replace"/> false) or history.replaceState, in the current document.</summary>
    public void SaveState(Uri location, string? state, bool replace)
    {
        ArgumentNullException.ThrowIfNull(location);
        var entry = new HistoryEntry(location, state, Current?.Document ?? 0);
        if (replace && _index >= 0)
        {
            _entries[_index] = entry;
        }
        else
        {
            Push(entry);
        }
    }

    /// <summary>history.back(): the entry before becomes current; null (nothing happens) on the first one.</summary>
    public HistoryTraversal? Back()
    {
        if (_index <= 0)
        {
            return null;
        }

        var from = _entries[_index--];
        return new HistoryTraversal(_entries[_index], _entries[_index].Document == from.Document);
    }

    /// <summary>A new entry after the current one; the entries Forward would have gone to are dropped.</summary>
    private void Push(HistoryEntry entry)
    {
        _entries.RemoveRange(_index + 1, _entries.Count - _index - 1);
        _entries.Add(entry);
        _index++;
    }
}

/// <summary>One entry of a tab's history: its location, blazor.web.js's user state, and the page load it belongs to.</summary>
internal sealed record HistoryEntry(Uri Location, string? State, int Document);

/// <summary>Where Back went, and whether that is still the current page (a popstate) or needs a page load.</summary>
internal sealed record HistoryTraversal(HistoryEntry Entry, bool SameDocument);

/// <summary>What a page load does to the history: a new entry (a link, an address typed), location.replace, or Back.</summary>
internal enum HistoryChange
{
    Push,
    Replace,
    Traverse,
}
