using Pop3Webmail.Testing.Circuits;
using static Pop3Webmail.EndToEnd.Tests.Load.Circuits.Batches;

namespace Pop3Webmail.EndToEnd.Tests.Load.Circuits;

public sealed class VirtualizeViewportTests
{
    private static readonly CircuitClientOptions Options = new();

    [Fact]
    public void AtInitBothSpacersAreReportedWithTheNumbersChromiumGaveForTwentyTwoRows()
    {
        // Recorded from Chromium on the 22-message demo inbox: OnSpacerBeforeVisible(0, 0, 660), OnSpacerAfterVisible(270, 0, 660).
        var page = List(itemsBefore: 0, rows: 0, itemsAfter: 22);
        var viewport = new VirtualizeViewport(Options);

        var reports = viewport.Init(5, page.QuerySelector(".before"), page.QuerySelector(".after"), page).ToList();

        Assert.Equal(
            [new SpacerReport(5, "OnSpacerBeforeVisible", 0, 0, 660), new SpacerReport(5, "OnSpacerAfterVisible", 270, 0, 660)],
            reports);
    }

    [Fact]
    public void AnAfterSpacerPushedBelowTheViewIsNotReported()
    {
        var page = List(itemsBefore: 0, rows: 47, itemsAfter: 73);

        var reports = new VirtualizeViewport(Options).Init(5, page.QuerySelector(".before"), page.QuerySelector(".after"), page);

        Assert.Equal([new SpacerReport(5, "OnSpacerBeforeVisible", 0, 47 * 40, 660)], reports);
    }

    [Fact]
    public void OnlyASpacerWhoseAttributesChangedIsObservedAgain()
    {
        var page = List(itemsBefore: 0, rows: 2, itemsAfter: 50);
        var viewport = new VirtualizeViewport(Options);
        _ = viewport.Init(5, page.QuerySelector(".before"), page.QuerySelector(".after"), page).ToList();

        Assert.Empty(viewport.AfterRender(page));

        page.Apply(Diff(0, [Attribute("style", "height: 400px; flex-shrink: 0;")],
            Edit(RenderTreeEditType.StepIn, 0), Edit(RenderTreeEditType.SetAttribute, 3, frameIndex: 0), Edit(RenderTreeEditType.StepOut, 0)));

        Assert.Equal([new SpacerReport(5, "OnSpacerAfterVisible", 0, 80, 660)], viewport.AfterRender(page));
    }

    [Fact]
    public void SpacersMissingFromThePageAreNotObserved()
    {
        var page = List(itemsBefore: 0, rows: 0, itemsAfter: 3);

        Assert.Empty(new VirtualizeViewport(Options).Init(5, null, page.QuerySelector(".after"), page));
    }

    /// <summary>A virtualized list as &lt;Virtualize&gt; renders it: spacer, rows, spacer (heights in 40 px items).</summary>
    private static DomDocument List(int itemsBefore, int rows, int itemsAfter) => Page(
    [
        Element("div", 7 + (rows * 2)),
        Element("div", 3), Attribute("class", "before"), Attribute("style", $"height: {itemsBefore * 40}px; flex-shrink: 0;"),
        .. Enumerable.Range(0, rows).SelectMany(_ => new[] { Element("div", 2), Attribute("class", "row") }),
        Element("div", 3), Attribute("class", "after"), Attribute("style", $"height: {itemsAfter * 40}px; flex-shrink: 0;"),
    ]);
}
