using Pop3Webmail.Testing.Circuits;

namespace Pop3Webmail.EndToEnd.Tests.Load.Circuits;

/// <summary>Hand-made render batches for mirror tests: frames and edits as the server's diff would produce them.</summary>
internal static class Batches
{
    public static RenderTreeFrame Element(string name, int subtreeLength) => new(RenderTreeFrameType.Element) { ElementName = name, SubtreeLength = subtreeLength };

    public static RenderTreeFrame Attribute(string name, string? value, ulong eventHandlerId = 0) =>
        new(RenderTreeFrameType.Attribute) { AttributeName = name, AttributeValue = value, AttributeEventHandlerId = eventHandlerId };

    public static RenderTreeFrame Text(string text) => new(RenderTreeFrameType.Text) { TextContent = text };

    public static RenderTreeFrame Component(int componentId) => new(RenderTreeFrameType.Component) { ComponentId = componentId, SubtreeLength = 1 };

    public static RenderTreeFrame Markup(string markup) => new(RenderTreeFrameType.Markup) { MarkupContent = markup };

    public static RenderTreeEdit Prepend(int siblingIndex, int frameIndex) => new(RenderTreeEditType.PrependFrame, siblingIndex, frameIndex, null);

    public static RenderTreeEdit Edit(RenderTreeEditType type, int siblingIndex, int frameIndex = 0, string? removedAttribute = null) =>
        new(type, siblingIndex, frameIndex, removedAttribute);

    /// <summary>One component's diff over <paramref name="frames"/>.</summary>
    public static RenderBatch Diff(int componentId, IReadOnlyList<RenderTreeFrame> frames, params RenderTreeEdit[] edits) =>
        new([new RenderTreeDiff(componentId, edits)], frames, [], []);

    /// <summary>A page whose root component 0 renders <paramref name="frames"/> (each top-level frame prepended in order).</summary>
    public static DomDocument Page(params RenderTreeFrame[] frames)
    {
        var page = new DomDocument();
        page.AttachRootComponent(componentId: 0, ssrComponentId: 1);
        var edits = new List<RenderTreeEdit>();
        for (int index = 0, sibling = 0; index < frames.Length; index += Math.Max(1, frames[index].SubtreeLength), sibling++)
        {
            edits.Add(Prepend(sibling, index));
        }

        page.Apply(Diff(0, frames, [.. edits]));
        return page;
    }
}
