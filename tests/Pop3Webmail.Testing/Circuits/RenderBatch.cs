namespace Pop3Webmail.Testing.Circuits;

/// <summary>
/// One render batch as the server sends it in <c>JS.RenderBatch</c>: the diffs of the components that rendered, the
/// frames those diffs refer to, and what was disposed. The shape is Blazor's out-of-process batch format (the one
/// blazor.web.js reads in OutOfProcessRenderBatch.ts), decoded eagerly.
/// </summary>
public sealed record RenderBatch(
    IReadOnlyList<RenderTreeDiff> UpdatedComponents,
    IReadOnlyList<RenderTreeFrame> ReferenceFrames,
    IReadOnlyList<int> DisposedComponentIds,
    IReadOnlyList<ulong> DisposedEventHandlerIds);

/// <summary>The edits one component's new render makes to its previous output.</summary>
public sealed record RenderTreeDiff(int ComponentId, IReadOnlyList<RenderTreeEdit> Edits);

/// <summary>
/// One edit. <see cref="SiblingIndex"/> counts logical children at the current depth; <see cref="ReferenceFrameIndex"/>
/// is the frame to insert or read (for a permutation entry, the sibling index to move to).
/// </summary>
public sealed record RenderTreeEdit(RenderTreeEditType Type, int SiblingIndex, int ReferenceFrameIndex, string? RemovedAttributeName);

/// <summary>
/// One frame, with the fields its <see cref="Type"/> uses (the others are default): element name and subtree length,
/// text, attribute name/value/event handler id, component id and subtree length, region length, reference-capture id,
/// or markup.
/// </summary>
public sealed record RenderTreeFrame(RenderTreeFrameType Type)
{
    public int SubtreeLength { get; init; }

    public int ComponentId { get; init; }

    public string? ElementName { get; init; }

    public string? TextContent { get; init; }

    public string? AttributeName { get; init; }

    public string? AttributeValue { get; init; }

    public ulong AttributeEventHandlerId { get; init; }

    public string? ElementReferenceCaptureId { get; init; }

    public string? MarkupContent { get; init; }
}

/// <summary>Blazor's RenderTreeEditType values on the wire.</summary>
public enum RenderTreeEditType
{
    PrependFrame = 1,
    RemoveFrame = 2,
    SetAttribute = 3,
    RemoveAttribute = 4,
    UpdateText = 5,
    StepIn = 6,
    StepOut = 7,
    UpdateMarkup = 8,
    PermutationListEntry = 9,
    PermutationListEnd = 10,
}

/// <summary>Blazor's RenderTreeFrameType values on the wire.</summary>
public enum RenderTreeFrameType
{
    Element = 1,
    Text = 2,
    Attribute = 3,
    Component = 4,
    Region = 5,
    ElementReferenceCapture = 6,
    ComponentReferenceCapture = 7,
    Markup = 8,
    ComponentRenderMode = 9,
    NamedEvent = 10,
}
