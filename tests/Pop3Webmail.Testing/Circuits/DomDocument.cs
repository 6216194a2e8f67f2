using System.Text;

namespace Pop3Webmail.Testing.Circuits;

/// <summary>
/// The DOM mirror of one page: root components attached to their places, render batches applied the way
/// blazor.web.js's BrowserRenderer applies them (edits addressed by logical child index, components and markup as
/// transparent containers, event handlers registered per element and event name, disposed handlers dropped).
/// Not thread-safe: the circuit client applies batches and runs queries under one lock.
/// </summary>
public sealed class DomDocument : DomParentNode
{
    private const string InternalAttributePrefix = "__internal_";
    private const string StopPropagationPrefix = "stopPropagation_";
    private const string PreventDefaultPrefix = "preventDefault_";

    private readonly SortedDictionary<int, DomContainer> _roots = [];
    private readonly Dictionary<int, DomParentNode> _componentLocations = [];
    private readonly HashSet<int> _rootComponentIds = [];
    private readonly HashSet<DomParentNode> _clearOnNextRender = [];
    private readonly Dictionary<ulong, DomEventListener> _listeners = [];
    private readonly MarkupParser _markup = new();

    /// <summary>The event handlers currently attached anywhere in the page.</summary>
    public int ListenerCount => _listeners.Count;

    public DomEventListener? FindListener(ulong handlerId) => _listeners.GetValueOrDefault(handlerId);

    /// <summary>The element an <c>ElementReference</c> with this id points at (blazor.web.js marks it <c>_bl_{id}</c>).</summary>
    public DomElement? FindByCaptureId(string captureId) =>
        Descendants.FirstOrDefault(e => e.HasAttribute(CaptureAttribute(captureId)));

    /// <summary>
    /// Attaches a root component (from <c>JS.AttachComponent</c>) to the place of the page's component marker with
    /// this SSR id. What was prerendered there is replaced by the component's first render.
    /// </summary>
    public void AttachRootComponent(int componentId, int ssrComponentId)
    {
        if (!_roots.TryGetValue(ssrComponentId, out var root))
        {
            root = new DomContainer();
            _roots[ssrComponentId] = root;
            InsertChild(_roots.Keys.ToList().IndexOf(ssrComponentId), root);
        }

        _componentLocations[componentId] = root;
        _rootComponentIds.Add(componentId);
        _clearOnNextRender.Add(root);
    }

    public void Apply(RenderBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        foreach (var diff in batch.UpdatedComponents)
        {
            UpdateComponent(batch, diff);
        }

        foreach (var componentId in batch.DisposedComponentIds)
        {
            if (_componentLocations.Remove(componentId, out var location) && _rootComponentIds.Remove(componentId))
            {
                // blazor.web.js preserves a disposed root component's content until something renders there again.
                _clearOnNextRender.Add(location);
            }
        }

        foreach (var handlerId in batch.DisposedEventHandlerIds)
        {
            RemoveListener(handlerId);
        }
    }

    internal override void AppendHtml(StringBuilder html)
    {
        foreach (var child in LogicalChildren)
        {
            child.AppendHtml(html);
        }
    }

    internal override DomNode Clone() => throw new NotSupportedException("A page is not cloned.");

    private static string CaptureAttribute(string captureId) => "_bl_" + captureId;

    private void UpdateComponent(RenderBatch batch, RenderTreeDiff diff)
    {
        if (!_componentLocations.TryGetValue(diff.ComponentId, out var location))
        {
            throw new InvalidOperationException($"No element is currently associated with component {diff.ComponentId}.");
        }

        if (_clearOnNextRender.Remove(location))
        {
            DetachListeners(location);
            location.ClearChildren();
        }

        DomParentNode parent = location;
        var depth = 0;
        List<(int From, int To)>? permutation = null;
        foreach (var edit in diff.Edits)
        {
            switch (edit.Type)
            {
                case RenderTreeEditType.PrependFrame:
                    InsertFrame(batch, diff.ComponentId, parent, edit.SiblingIndex, edit.ReferenceFrameIndex);
                    break;
                case RenderTreeEditType.RemoveFrame:
                    parent.RemoveChildAt(edit.SiblingIndex);
                    break;
                case RenderTreeEditType.SetAttribute:
                    ApplyAttribute(diff.ComponentId, ElementAt(parent, edit.SiblingIndex), Frame(batch, edit.ReferenceFrameIndex));
                    break;
                case RenderTreeEditType.RemoveAttribute:
                    SetOrRemoveAttribute(ElementAt(parent, edit.SiblingIndex), edit.RemovedAttributeName!, null);
                    break;
                case RenderTreeEditType.UpdateText:
                    var text = parent.ChildAt(edit.SiblingIndex) as DomText
                        ?? throw new InvalidOperationException("Cannot set text content on non-text child.");
                    text.Text = Frame(batch, edit.ReferenceFrameIndex).TextContent ?? string.Empty;
                    break;
                case RenderTreeEditType.UpdateMarkup:
                    parent.RemoveChildAt(edit.SiblingIndex);
                    InsertMarkup(parent, edit.SiblingIndex, Frame(batch, edit.ReferenceFrameIndex));
                    break;
                case RenderTreeEditType.StepIn:
                    parent = parent.ChildAt(edit.SiblingIndex) as DomParentNode
                        ?? throw new InvalidOperationException("Cannot step into a text node.");
                    depth++;
                    break;
                case RenderTreeEditType.StepOut:
                    parent = depth-- > 0 ? (DomParentNode)parent.LogicalParent! : throw new InvalidOperationException("Stepped out of the component.");
                    break;
                case RenderTreeEditType.PermutationListEntry:
                    (permutation ??= []).Add((edit.SiblingIndex, edit.ReferenceFrameIndex));
                    break;
                case RenderTreeEditType.PermutationListEnd:
                    parent.Permute(permutation ?? throw new InvalidOperationException("A permutation list ended before it began."));
                    permutation = null;
                    break;
                default:
                    throw new InvalidOperationException($"Unknown edit type {edit.Type}.");
            }
        }
    }

    /// <summary>Inserts one frame (and its subtree) at a logical index; returns how many logical children it added.</summary>
    private int InsertFrame(RenderBatch batch, int componentId, DomParentNode parent, int index, int frameIndex)
    {
        var frame = Frame(batch, frameIndex);
        switch (frame.Type)
        {
            case RenderTreeFrameType.Element:
                var isSvg = frame.ElementName == "svg" || ClosestElement(parent) is { IsSvg: true };
                var element = new DomElement(frame.ElementName ?? throw new InvalidDataException("An element frame has no name."), isSvg);
                var end = frameIndex + frame.SubtreeLength;
                var child = frameIndex + 1;
                for (; child < end && Frame(batch, child).Type == RenderTreeFrameType.Attribute; child++)
                {
                    ApplyAttribute(componentId, element, Frame(batch, child));
                }

                parent.InsertChild(index, element);
                InsertFrameRange(batch, componentId, element, 0, child, end);
                return 1;
            case RenderTreeFrameType.Text:
                parent.InsertChild(index, new DomText(frame.TextContent ?? string.Empty));
                return 1;
            case RenderTreeFrameType.Component:
                var container = new DomContainer();
                parent.InsertChild(index, container);
                _componentLocations[frame.ComponentId] = container;
                return 1;
            case RenderTreeFrameType.Region:
                return InsertFrameRange(batch, componentId, parent, index, frameIndex + 1, frameIndex + frame.SubtreeLength);
            case RenderTreeFrameType.ElementReferenceCapture:
                var captured = parent as DomElement ?? throw new InvalidOperationException("Reference capture frames can only be children of element frames.");
                captured.SetAttribute(CaptureAttribute(frame.ElementReferenceCaptureId!), string.Empty);
                return 0;
            case RenderTreeFrameType.Markup:
                InsertMarkup(parent, index, frame);
                return 1;
            case RenderTreeFrameType.NamedEvent:
                return 0;
            default:
                throw new InvalidOperationException($"A {frame.Type} frame cannot be inserted on its own.");
        }
    }

    private int InsertFrameRange(RenderBatch batch, int componentId, DomParentNode parent, int index, int start, int endExclusive)
    {
        var inserted = 0;
        for (var frameIndex = start; frameIndex < endExclusive; frameIndex++)
        {
            inserted += InsertFrame(batch, componentId, parent, index + inserted, frameIndex);
            var frame = Frame(batch, frameIndex);
            if (frame.Type is RenderTreeFrameType.Element or RenderTreeFrameType.Component or RenderTreeFrameType.Region)
            {
                frameIndex += frame.SubtreeLength - 1;
            }
        }

        return inserted;
    }

    private void InsertMarkup(DomParentNode parent, int index, RenderTreeFrame frame)
    {
        var container = new DomContainer();
        parent.InsertChild(index, container);
        foreach (var node in _markup.Parse(frame.MarkupContent ?? string.Empty, ClosestElement(parent) is { IsSvg: true }))
        {
            container.AppendChild(node);
        }
    }

    private void ApplyAttribute(int componentId, DomElement element, RenderTreeFrame frame)
    {
        var name = frame.AttributeName ?? throw new InvalidDataException("An attribute frame has no name.");
        if (frame.AttributeEventHandlerId != 0)
        {
            var eventName = StripOnPrefix(name);
            if (element.EventHandlers.TryGetValue(eventName, out var existing))
            {
                _listeners.Remove(existing.HandlerId);
            }

            var listener = new DomEventListener(frame.AttributeEventHandlerId, eventName, componentId, element);
            _listeners[listener.HandlerId] = listener;
            element.SetHandler(eventName, listener);
            return;
        }

        SetOrRemoveAttribute(element, name, frame.AttributeValue);
    }

    /// <summary>As DomSpecialPropertyUtil.ts: value and checked are properties of form controls, internal attributes are flags.</summary>
    private static void SetOrRemoveAttribute(DomElement element, string name, string? value)
    {
        if (name == "value" && element.TagName is "input" or "select" or "textarea")
        {
            element.Value = value;
        }
        else if (name == "checked" && element.TagName == "input")
        {
            element.Checked = value is not null;
        }
        else if (name.StartsWith(InternalAttributePrefix, StringComparison.Ordinal))
        {
            var flag = name[InternalAttributePrefix.Length..];
            if (flag.StartsWith(StopPropagationPrefix, StringComparison.Ordinal))
            {
                element.SetStopPropagation(StripOnPrefix(flag[StopPropagationPrefix.Length..]), value is not null);
            }
            else if (flag.StartsWith(PreventDefaultPrefix, StringComparison.Ordinal))
            {
                element.SetPreventDefault(StripOnPrefix(flag[PreventDefaultPrefix.Length..]), value is not null);
            }
            else
            {
                throw new InvalidOperationException($"Unsupported internal attribute '{flag}'.");
            }
        }
        else if (value is not null)
        {
            element.SetAttribute(name, value);
        }
        else
        {
            element.RemoveAttribute(name);
        }
    }

    private void RemoveListener(ulong handlerId)
    {
        if (_listeners.Remove(handlerId, out var listener)
            && listener.Element.EventHandlers.TryGetValue(listener.EventName, out var current) && current.HandlerId == handlerId)
        {
            listener.Element.RemoveHandler(listener.EventName);
        }
    }

    private void DetachListeners(DomParentNode node)
    {
        foreach (var element in node.Descendants)
        {
            foreach (var listener in element.EventHandlers.Values.ToList())
            {
                RemoveListener(listener.HandlerId);
            }
        }
    }

    private static DomElement? ClosestElement(DomParentNode node) => node as DomElement ?? node.ParentElement;

    private static DomElement ElementAt(DomParentNode parent, int index) =>
        parent.ChildAt(index) as DomElement ?? throw new InvalidOperationException("Cannot set or remove an attribute on a non-element child.");

    private static RenderTreeFrame Frame(RenderBatch batch, int index) =>
        index >= 0 && index < batch.ReferenceFrames.Count
            ? batch.ReferenceFrames[index]
            : throw new InvalidDataException($"Frame {index} is outside the batch's {batch.ReferenceFrames.Count} reference frames.");

    private static string StripOnPrefix(string attributeName) =>
        attributeName.StartsWith("on", StringComparison.Ordinal)
            ? attributeName[2..]
            : throw new InvalidOperationException($"Attribute should be an event name, but doesn't start with 'on'. Value: '{attributeName}'");
}
