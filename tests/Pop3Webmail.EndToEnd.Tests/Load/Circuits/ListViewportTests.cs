using Pop3Webmail.Testing.Circuits;
using static Pop3Webmail.EndToEnd.Tests.Load.Circuits.Batches;

namespace Pop3Webmail.EndToEnd.Tests.Load.Circuits;

public sealed class ListViewportTests
{
    private const long Callbacks = 5;

    [Fact]
    public void ScrolledToTheEndOfAHundredAndTwentyRowsTheListReportsTheWindowChromiumReported()
    {
        // Chromium, 1280 × 860, 120 messages: scrollTop 4737 at the end, then data-first 97 (107 - 10 rows of overscan).
        var (page, grid) = Grid(first: 0, count: 40, total: 120);
        var viewport = new ListViewport(ListLayout.Chromium1280x860);

        Assert.Null(viewport.Attach(grid, Callbacks, page));
        var report = viewport.ScrollTo(grid, 1e9, page);

        Assert.Equal(4737, grid.ScrollTop);
        Assert.Equal(new ViewportReport(Callbacks, 107, 15), report);
    }

    [Fact]
    public void AScrollThatStaysInsideTheRenderedRowsReportsNothing()
    {
        var (page, grid) = Grid(first: 0, count: 40, total: 120);
        var viewport = new ListViewport(ListLayout.Chromium1280x860);
        _ = viewport.Attach(grid, Callbacks, page);

        Assert.Null(viewport.ScrollTo(grid, 1000, page));
        Assert.Equal(1000, grid.ScrollTop);
    }

    [Fact]
    public void AttachingAListWhoseRenderedRowsAreNotInViewReportsWhatIsInView()
    {
        var (page, grid) = Grid(first: 50, count: 35, total: 120);

        Assert.Equal(new ViewportReport(Callbacks, 0, 15), new ListViewport(ListLayout.Chromium1280x860).Attach(grid, Callbacks, page));
    }

    [Fact]
    public void TheSameWindowIsReportedOnceUntilTheServerRendersIt()
    {
        var (page, grid) = Grid(first: 0, count: 40, total: 120);
        var viewport = new ListViewport(ListLayout.Chromium1280x860);
        _ = viewport.Attach(grid, Callbacks, page);

        Assert.NotNull(viewport.ScrollTo(grid, 1e9, page));
        Assert.Null(viewport.ScrollTo(grid, 4737 - 10, page));
    }

    [Fact]
    public void ShowingARowScrollsJustEnoughToBringItBelowTheHeader()
    {
        var (page, grid) = Grid(first: 0, count: 40, total: 120);
        var viewport = new ListViewport(ListLayout.Chromium1280x860);
        _ = viewport.Attach(grid, Callbacks, page);

        Assert.Null(viewport.ShowRow(grid, 30, page));
        Assert.Equal(45 + (31 * 44) - 588, grid.ScrollTop);

        Assert.Null(viewport.ShowRow(grid, 5, page));
        Assert.Equal(5 * 44, grid.ScrollTop);

        Assert.Null(viewport.ShowRow(grid, 6, page));
        Assert.Equal(5 * 44, grid.ScrollTop);
    }

    [Fact]
    public void AfterACallbackFailedTheListIsNoLongerReported()
    {
        var (page, grid) = Grid(first: 0, count: 40, total: 120);
        var viewport = new ListViewport(ListLayout.Chromium1280x860);
        _ = viewport.Attach(grid, Callbacks, page);

        viewport.Detach(Callbacks);

        Assert.Null(viewport.ScrollTo(grid, 1e9, page));
        Assert.Equal(4737, grid.ScrollTop);
    }

    [Fact]
    public void OnlyTheMessageGridHasALayoutToScroll()
    {
        var page = Page(Element("div", 2), Attribute("class", "message-body"));

        Assert.Throws<CircuitClientException>(() => new ListViewport(ListLayout.Chromium1280x860).ScrollTo(page.QuerySelector("div")!, 100, page));
    }

    /// <summary>The grid as MessageList renders it, reduced to what app.js reads: its rendered window.</summary>
    private static (DomDocument Page, DomElement Grid) Grid(int first, int count, int total)
    {
        var page = Page(
            Element("div", 5), Attribute("class", "inbox-grid"), Attribute("data-first", $"{first}"), Attribute("data-count", $"{count}"),
            Attribute("data-total", $"{total}"));
        return (page, page.QuerySelector(".inbox-grid")!);
    }
}
