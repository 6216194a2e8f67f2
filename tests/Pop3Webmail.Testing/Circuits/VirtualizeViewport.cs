using System.Globalization;
using System.Text.RegularExpressions;

namespace Pop3Webmail.Testing.Circuits;

/// <summary>
/// Stands in for the browser's layout behind <c>Blazor._internal.Virtualize</c> (Virtualize.ts): an
/// IntersectionObserver on the two spacers of each &lt;Virtualize&gt; reports them visible, and a MutationObserver
/// re-checks a spacer when its attributes change. Here the list sits at the top of a scroll container of fixed
/// height, never scrolled, and every item is <see cref="CircuitClientOptions.VirtualizeItemHeight"/> tall; the
/// reports carry the numbers a browser would compute for that layout (spacer size outside the view, height between
/// the spacers, container height including the observer's 50 px root margin).
/// </summary>
internal sealed partial class VirtualizeViewport(CircuitClientOptions options)
{
    private const int RootMargin = 50;

    private readonly Dictionary<long, Observed> _observed = [];

    /// <summary>Virtualize.init(dotNetHelper, spacerBefore, spacerAfter): starts observing; returns the first reports.</summary>
    public IEnumerable<SpacerReport> Init(long dotNetObjectId, DomElement? spacerBefore, DomElement? spacerAfter, DomDocument document)
    {
        if (spacerBefore is null || spacerAfter is null)
        {
            return []; // as in Virtualize.ts: spacers not in the page, nothing observed
        }

        var observed = new Observed(spacerBefore, spacerAfter);
        _observed[dotNetObjectId] = observed;
        return Report(dotNetObjectId, observed, before: true, after: true, document);
    }

    /// <summary>Virtualize.dispose(dotNetHelper): stops observing.</summary>
    public void Dispose(long dotNetObjectId) => _observed.Remove(dotNetObjectId);

    /// <summary>After a batch: the spacers whose attributes changed are observed anew, and reported if visible.</summary>
    public IEnumerable<SpacerReport> AfterRender(DomDocument document)
    {
        var reports = new List<SpacerReport>();
        foreach (var (id, observed) in _observed)
        {
            var before = observed.Before.GetAttribute("style");
            var after = observed.After.GetAttribute("style");
            var beforeChanged = before != observed.BeforeStyle;
            var afterChanged = after != observed.AfterStyle;
            if (beforeChanged || afterChanged)
            {
                reports.AddRange(Report(id, observed, beforeChanged, afterChanged, document));
            }
        }

        return reports;
    }

    private IEnumerable<SpacerReport> Report(long id, Observed observed, bool before, bool after, DomDocument document)
    {
        observed.BeforeStyle = observed.Before.GetAttribute("style");
        observed.AfterStyle = observed.After.GetAttribute("style");
        if (!observed.Before.IsInside(document) || !observed.After.IsInside(document))
        {
            yield break;
        }

        var separation = ItemsBetween(observed.Before, observed.After) * options.VirtualizeItemHeight;
        var beforeHeight = Height(observed.Before);
        var afterHeight = Height(observed.After);
        var containerSize = options.VirtualizeViewportHeight + (2 * RootMargin);
        var viewBottom = options.VirtualizeViewportHeight + RootMargin;

        // Scrolled to the top: the before-spacer always touches the view, and nothing of it is hidden above.
        if (before)
        {
            yield return new SpacerReport(id, "OnSpacerBeforeVisible", 0, separation, containerSize);
        }

        var afterTop = beforeHeight + separation;
        if (after && afterHeight > 0 && afterTop <= viewBottom)
        {
            var hidden = Math.Max(0, afterTop + afterHeight - viewBottom);
            yield return new SpacerReport(id, "OnSpacerAfterVisible", hidden, separation, containerSize);
        }
    }

    private static int ItemsBetween(DomElement before, DomElement after)
    {
        if (before.ParentElement is not { } parent || !ReferenceEquals(parent, after.ParentElement))
        {
            return 0;
        }

        var siblings = parent.ChildNodes.OfType<DomElement>().ToList();
        return Math.Max(0, siblings.IndexOf(after) - siblings.IndexOf(before) - 1);
    }

    private static double Height(DomElement spacer) =>
        spacer.GetAttribute("style") is { } style && HeightPattern().Match(style) is { Success: true } match
            ? double.Parse(match.Groups["px"].Value, CultureInfo.InvariantCulture)
            : 0;

    [GeneratedRegex(@"(?:^|;)\s*height:\s*(?<px>[0-9]+(?:\.[0-9]+)?)px")]
    private static partial Regex HeightPattern();

    private sealed class Observed(DomElement before, DomElement after)
    {
        public DomElement Before { get; } = before;

        public DomElement After { get; } = after;

        public string? BeforeStyle { get; set; }

        public string? AfterStyle { get; set; }
    }
}

/// <summary>One IntersectionObserver report: a call to <see cref="Method"/> on the Virtualize's .NET helper.</summary>
internal sealed record SpacerReport(long DotNetObjectId, string Method, double SpacerSize, double SpacerSeparation, double ContainerSize);
