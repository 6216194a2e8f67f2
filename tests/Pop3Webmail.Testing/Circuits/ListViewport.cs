using System.Globalization;

namespace Pop3Webmail.Testing.Circuits;

/// <summary>
/// Stands in for the browser's layout behind the app's virtualized message list (wwwroot/app.js <c>attachList</c>,
/// <c>showRow</c>). The grid carries its rendered window as <c>data-first</c>, <c>data-count</c> and
/// <c>data-total</c>; it scrolls itself under a sticky header, every row is as tall as the grid's row height, and the
/// spacers make up the rows that are not rendered. Here the grid has the fixed size of <see cref="ListLayout"/> and is
/// always shown, so the page reports its visible window (<c>OnViewportChanged(first, count)</c>) exactly when app.js
/// would without a resize: when the list is attached and whenever it scrolls (the scenario's scrolling, or
/// <c>showRow</c>), and only when that window leaves the rendered one.
/// </summary>
internal sealed class ListViewport(ListLayout layout)
{
    private readonly List<AttachedList> _lists = [];

    /// <summary>attachList(grid, dotnet): starts watching the grid (a list attached before is let go); returns the first report, if any.</summary>
    public ViewportReport? Attach(DomElement? grid, long dotNetObjectId, DomDocument document)
    {
        if (grid is null)
        {
            return null;
        }

        _lists.RemoveAll(list => ReferenceEquals(list.Grid, grid) || !list.Grid.IsInside(document));
        var attached = new AttachedList(grid, dotNetObjectId);
        _lists.Add(attached);
        return ReportIfUncovered(attached, document);
    }

    /// <summary>A callback into .NET failed (the component or its circuit is gone): app.js stops watching that list.</summary>
    public void Detach(long dotNetObjectId) => _lists.RemoveAll(list => list.DotNetObjectId == dotNetObjectId);

    /// <summary>showRow(grid, index): scrolls as little as needed to show the row below the sticky header.</summary>
    public ViewportReport? ShowRow(DomElement? grid, int index, DomDocument document)
    {
        if (grid is null)
        {
            return null;
        }

        var top = layout.HeadHeight + (index * layout.RowHeight);
        if (top - layout.HeadHeight < grid.ScrollTop)
        {
            return ScrollTo(grid, top - layout.HeadHeight, document);
        }

        return top + layout.RowHeight > grid.ScrollTop + layout.ClientHeight
            ? ScrollTo(grid, top + layout.RowHeight - layout.ClientHeight, document)
            : null;
    }

    /// <summary>
    /// Sets the grid's scrollTop as a browser does (clamped to what its content allows; no scroll event when nothing
    /// moved); the report of the window it then shows, if that is not rendered.
    /// </summary>
    public ViewportReport? ScrollTo(DomElement grid, double top, DomDocument document)
    {
        if (!grid.HasAttribute("data-total"))
        {
            throw new CircuitClientException($"Only the message grid has a layout here; a <{grid.TagName} class=\"{grid.GetAttribute("class")}\"> cannot scroll.");
        }

        var scrollHeight = layout.HeadHeight + (Data(grid, "data-total") * layout.RowHeight);
        var clamped = Math.Max(0, Math.Min(top, scrollHeight - layout.ClientHeight));
        if (clamped == grid.ScrollTop)
        {
            return null;
        }

        grid.ScrollTop = clamped;
        return _lists.Find(list => ReferenceEquals(list.Grid, grid)) is { } attached ? ReportIfUncovered(attached, document) : null;
    }

    /// <summary>app.js reportIfUncovered: the rows in view, reported once per window and only when not all are rendered.</summary>
    private ViewportReport? ReportIfUncovered(AttachedList list, DomDocument document)
    {
        var grid = list.Grid;
        if (!grid.IsInside(document))
        {
            _lists.Remove(list);
            return null;
        }

        // The rows start right below the header, so the header's height cancels out of app.js's offsetTop arithmetic.
        var seenFirst = (int)Math.Max(0, Math.Floor(grid.ScrollTop / layout.RowHeight));
        var seenCount = (int)Math.Ceiling(layout.ClientHeight / layout.RowHeight) + 1;
        var first = Data(grid, "data-first");
        var count = Data(grid, "data-count");
        var total = Data(grid, "data-total");
        var last = Math.Min(seenFirst + seenCount, total);
        if (seenFirst >= first && last <= first + count)
        {
            return null;
        }

        var key = (seenFirst, seenCount, total);
        if (key == list.Reported)
        {
            return null;
        }

        list.Reported = key;
        return new ViewportReport(list.DotNetObjectId, seenFirst, seenCount);
    }

    /// <summary>parseInt(grid.dataset.x || '0'): a missing or malformed number counts as 0.</summary>
    private static int Data(DomElement grid, string name) =>
        int.TryParse(grid.GetAttribute(name), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value) ? value : 0;

    private sealed class AttachedList(DomElement grid, long dotNetObjectId)
    {
        public DomElement Grid { get; } = grid;

        public long DotNetObjectId { get; } = dotNetObjectId;

        public (int First, int Count, int Total)? Reported { get; set; }
    }
}

/// <summary>One report of the rows a list shows: <c>OnViewportChanged(First, Count)</c> on its .NET object.</summary>
internal sealed record ViewportReport(long DotNetObjectId, int First, int Count);
