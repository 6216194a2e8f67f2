using System.Text;

namespace Pop3Webmail.Testing.Circuits;

/// <summary>
/// An element of the DOM mirror: tag, attributes, the <c>value</c>/<c>checked</c> properties blazor.web.js sets
/// instead of attributes, and the Blazor event handlers attached to it (event name → handler id), with the
/// stopPropagation/preventDefault flags the renderer sets through its internal attributes.
/// </summary>
public sealed class DomElement(string tagName, bool isSvg = false) : DomParentNode
{
    private readonly OrderedDictionary<string, string> _attributes = new(StringComparer.Ordinal);
    private readonly Dictionary<string, DomEventListener> _handlers = new(StringComparer.Ordinal);
    private readonly HashSet<string> _stopPropagation = new(StringComparer.Ordinal);
    private readonly HashSet<string> _preventDefault = new(StringComparer.Ordinal);

    /// <summary>Lower-case for HTML elements; SVG elements keep their case (e.g. linearGradient).</summary>
    public string TagName { get; } = isSvg ? tagName : tagName.ToLowerInvariant();

    public bool IsSvg { get; } = isSvg;

    public IReadOnlyDictionary<string, string> Attributes => _attributes;

    /// <summary>The value property of an input, select or textarea (what the user typed or the server set).</summary>
    public string? Value { get; internal set; }

    /// <summary>The checked property of an input.</summary>
    public bool Checked { get; internal set; }

    /// <summary>How far the element's content is scrolled, in CSS pixels (only a list laid out by <see cref="ListViewport"/> scrolls).</summary>
    public double ScrollTop { get; internal set; }

    /// <summary>The Blazor event handlers on this element by event name (without the "on" prefix).</summary>
    public IReadOnlyDictionary<string, DomEventListener> EventHandlers => _handlers;

    /// <summary>A form control or button with the disabled attribute (clicks on it are not delivered).</summary>
    public bool IsDisabled => TagName is "button" or "input" or "select" or "textarea" && HasAttribute("disabled");

    public string? GetAttribute(string name) => _attributes.TryGetValue(name, out var value) ? value : null;

    public bool HasAttribute(string name) => _attributes.ContainsKey(name);

    /// <summary>Whether the class attribute lists <paramref name="name"/> (searched in place: selectors ask this of every element).</summary>
    public bool HasClass(string name)
    {
        var classes = GetAttribute("class").AsSpan();
        for (var start = classes.IndexOf(name, StringComparison.Ordinal); start >= 0;)
        {
            var end = start + name.Length;
            if ((start == 0 || char.IsWhiteSpace(classes[start - 1])) && (end == classes.Length || char.IsWhiteSpace(classes[end])))
            {
                return true;
            }

            var next = classes[(start + 1)..].IndexOf(name, StringComparison.Ordinal);
            start = next < 0 ? -1 : start + 1 + next;
        }

        return false;
    }

    public bool StopsPropagation(string eventName) => _stopPropagation.Contains(eventName);

    public bool PreventsDefault(string eventName) => _preventDefault.Contains(eventName);

    /// <summary>The nearest element (this one included) matching a CSS selector, as Element.closest() finds it.</summary>
    public DomElement? Closest(string selector)
    {
        var parsed = CssSelector.Parse(selector);
        for (var element = this; element is not null; element = element.ParentElement)
        {
            if (parsed.Matches(element))
            {
                return element;
            }
        }

        return null;
    }

    internal void SetAttribute(string name, string value) => _attributes[name] = value;

    internal void RemoveAttribute(string name) => _attributes.Remove(name);

    internal void SetHandler(string eventName, DomEventListener handler) => _handlers[eventName] = handler;

    internal void RemoveHandler(string eventName) => _handlers.Remove(eventName);

    internal void SetStopPropagation(string eventName, bool value) => SetFlag(_stopPropagation, eventName, value);

    internal void SetPreventDefault(string eventName, bool value) => SetFlag(_preventDefault, eventName, value);

    internal override void AppendHtml(StringBuilder html)
    {
        html.Append('<').Append(TagName);
        foreach (var (name, value) in _attributes)
        {
            html.Append(' ').Append(name).Append("=\"").Append(System.Net.WebUtility.HtmlEncode(value)).Append('"');
        }

        if (Value is { } current)
        {
            html.Append(" [value]=\"").Append(System.Net.WebUtility.HtmlEncode(current)).Append('"');
        }

        if (Checked)
        {
            html.Append(" [checked]");
        }

        foreach (var (eventName, handler) in _handlers.OrderBy(h => h.Key, StringComparer.Ordinal))
        {
            html.Append(" on").Append(eventName).Append("=\"#").Append(handler.HandlerId).Append('"');
        }

        html.Append('>');
        foreach (var child in LogicalChildren)
        {
            child.AppendHtml(html);
        }

        html.Append("</").Append(TagName).Append('>');
    }

    internal override DomNode Clone()
    {
        var copy = new DomElement(TagName, IsSvg) { Value = Value, Checked = Checked };
        foreach (var (name, value) in _attributes)
        {
            copy.SetAttribute(name, value);
        }

        CloneChildrenInto(copy);
        return copy;
    }

    private static void SetFlag(HashSet<string> flags, string eventName, bool value)
    {
        if (value)
        {
            flags.Add(eventName);
        }
        else
        {
            flags.Remove(eventName);
        }
    }
}

/// <summary>A Blazor event handler: its id on the server and the component that rendered it (sent as eventFieldInfo).</summary>
public sealed record DomEventListener(ulong HandlerId, string EventName, int RenderingComponentId, DomElement Element);
