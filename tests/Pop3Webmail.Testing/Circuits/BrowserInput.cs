using System.Text.Json.Nodes;

namespace Pop3Webmail.Testing.Circuits;

/// <summary>
/// What a browser does with a user's gestures on the DOM mirror, reduced to the Blazor events it produces: the
/// event path and bubbling of blazor.web.js's EventDelegator (non-bubbling events reach only their target,
/// stopPropagation flags end the walk, clicks on disabled controls are not delivered), focus moving with its
/// change/blur/focusout and focus/focusin events, and the default actions of a click (follow a link, submit a form,
/// toggle a checkbox). The events are returned in order for the circuit to send as DispatchEventAsync calls.
/// </summary>
internal sealed class BrowserInput
{
    private static readonly HashSet<string> NonBubblingEvents = new(StringComparer.Ordinal)
    {
        "abort", "blur", "cancel", "canplay", "canplaythrough", "change", "close", "cuechange", "durationchange", "emptied",
        "ended", "error", "focus", "load", "loadeddata", "loadedmetadata", "loadend", "loadstart", "mouseenter", "mouseleave",
        "pointerenter", "pointerleave", "pause", "play", "playing", "progress", "ratechange", "reset", "scroll", "seeked",
        "seeking", "stalled", "submit", "suspend", "timeupdate", "toggle", "unload", "volumechange", "waiting",
    };

    private static readonly HashSet<string> DisableableEvents = new(StringComparer.Ordinal) { "click", "dblclick", "mousedown", "mousemove", "mouseup" };

    private string? _valueAtFocus;

    /// <summary>The element that has the focus; null means the page body.</summary>
    public DomElement? Focused { get; private set; }

    /// <summary>Focuses <paramref name="input"/> and types <paramref name="text"/> into it, replacing its value (as Playwright's fill does).</summary>
    public List<BrowserEvent> Fill(DomElement input, string text)
    {
        var events = MoveFocus(input);
        input.Value = text;
        Dispatch("input", input, ChangeArgs(input), events);
        return events;
    }

    /// <summary>A primary-button click: mousedown, focus to the nearest focusable element, mouseup, click, default action.</summary>
    public ClickResult Click(DomElement target)
    {
        var events = new List<BrowserEvent>();
        Dispatch("mousedown", target, MouseArgs("mousedown", buttons: 1), events);
        events.AddRange(MoveFocus(Focusable(target)));
        Dispatch("mouseup", target, MouseArgs("mouseup", buttons: 0), events);

        var checkbox = target.TagName == "input" && target.GetAttribute("type") == "checkbox" && !target.IsDisabled;
        if (checkbox)
        {
            target.Checked = !target.Checked; // the toggle happens before click listeners run
        }

        var prevented = Dispatch("click", target, MouseArgs("click", buttons: 0), events);
        if (checkbox && prevented)
        {
            target.Checked = !target.Checked;
        }
        else if (checkbox)
        {
            Dispatch("input", target, ChangeArgs(target), events);
            Dispatch("change", target, ChangeArgs(target), events);
        }

        if (prevented || IsInsideDisabledControl(target))
        {
            return new ClickResult(events, null);
        }

        if (target.Closest("a[href]") is { } anchor && anchor.GetAttribute("target") is null or "" or "_self" && !anchor.HasAttribute("download"))
        {
            return new ClickResult(events, anchor.GetAttribute("href"));
        }

        if (SubmitButtonForm(target) is { } form)
        {
            Dispatch("submit", form, new JsonObject(), events);
        }

        return new ClickResult(events, null);
    }

    /// <summary>
    /// Moves the focus (null: to the body). The element losing it first gets change (when its value changed since it
    /// got the focus), then blur and focusout; the new one gets focus and focusin.
    /// </summary>
    public List<BrowserEvent> MoveFocus(DomElement? element)
    {
        var events = new List<BrowserEvent>();
        if (ReferenceEquals(element, Focused))
        {
            return events;
        }

        if (Focused is { } previous)
        {
            if (previous.TagName is "input" or "textarea" or "select" && previous.Value != _valueAtFocus && previous.GetAttribute("type") != "checkbox")
            {
                Dispatch("change", previous, ChangeArgs(previous), events);
            }

            Dispatch("blur", previous, FocusArgs("blur"), events);
            Dispatch("focusout", previous, FocusArgs("focusout"), events);
        }

        Focused = element;
        _valueAtFocus = element?.Value;
        if (element is not null)
        {
            Dispatch("focus", element, FocusArgs("focus"), events);
            Dispatch("focusin", element, FocusArgs("focusin"), events);
        }

        return events;
    }

    /// <summary>Forgets the focus when the focused element left the page (the browser moves it to the body silently).</summary>
    public void DropFocusIfDetached(DomDocument document)
    {
        if (Focused is { } focused && !focused.IsInside(document))
        {
            Focused = null;
            _valueAtFocus = null;
        }
    }

    /// <summary>Walks the event path as EventDelegator does; returns whether a preventDefault flag was met on it.</summary>
    private static bool Dispatch(string eventName, DomElement target, JsonObject args, List<BrowserEvent> events)
    {
        var prevented = false;
        for (var element = target; element is not null;)
        {
            if (element.EventHandlers.TryGetValue(eventName, out var listener) && !(DisableableEvents.Contains(eventName) && element.IsDisabled))
            {
                events.Add(new BrowserEvent(listener, FieldInfo(target, listener.RenderingComponentId), args.DeepClone().AsObject()));
            }

            prevented |= element.PreventsDefault(eventName);
            element = NonBubblingEvents.Contains(eventName) || element.StopsPropagation(eventName) ? null : element.ParentElement;
        }

        return prevented;
    }

    /// <summary>EventFieldInfo.ts: the target's current value (checked state for a checkbox), when the target is a form field.</summary>
    private static JsonObject? FieldInfo(DomElement target, int componentId) => target.TagName switch
    {
        "input" when target.GetAttribute("type") == "checkbox" => new JsonObject { ["componentId"] = componentId, ["fieldValue"] = target.Checked },
        "input" or "select" or "textarea" => new JsonObject { ["componentId"] = componentId, ["fieldValue"] = target.Value ?? string.Empty },
        _ => null,
    };

    private static JsonObject ChangeArgs(DomElement element) =>
        element.GetAttribute("type") == "checkbox" ? new JsonObject { ["value"] = element.Checked } : new JsonObject { ["value"] = element.Value ?? string.Empty };

    private static JsonObject FocusArgs(string type) => new() { ["type"] = type };

    /// <summary>EventTypes.ts's MouseEventArgs for a primary-button click in the middle of nowhere in particular.</summary>
    private static JsonObject MouseArgs(string type, int buttons) => new()
    {
        ["detail"] = 1,
        ["screenX"] = 0,
        ["screenY"] = 0,
        ["clientX"] = 0,
        ["clientY"] = 0,
        ["offsetX"] = 0,
        ["offsetY"] = 0,
        ["pageX"] = 0,
        ["pageY"] = 0,
        ["movementX"] = 0,
        ["movementY"] = 0,
        ["button"] = 0,
        ["buttons"] = buttons,
        ["ctrlKey"] = false,
        ["shiftKey"] = false,
        ["altKey"] = false,
        ["metaKey"] = false,
        ["type"] = type,
    };

    /// <summary>Whether element.focus() gives <paramref name="element"/> the focus: an enabled control, a link, a tabindex.</summary>
    internal static bool IsFocusable(DomElement element) => element.TagName switch
    {
        "input" or "select" or "textarea" or "button" => !element.IsDisabled,
        "a" => element.HasAttribute("href"),
        _ => element.HasAttribute("tabindex") || element.HasAttribute("contenteditable"),
    };

    private static DomElement? Focusable(DomElement target)
    {
        for (var element = target; element is not null; element = element.ParentElement)
        {
            if (IsFocusable(element))
            {
                return element;
            }
        }

        return null;
    }

    private static bool IsInsideDisabledControl(DomElement target)
    {
        for (var element = target; element is not null; element = element.ParentElement)
        {
            if (element.IsDisabled)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The form a click on <paramref name="target"/> submits: a submit button's (buttons default to type submit).</summary>
    private static DomElement? SubmitButtonForm(DomElement target)
    {
        var button = target.Closest("button, input");
        var submits = button switch
        {
            { TagName: "button" } => button.GetAttribute("type") is null or "submit",
            { TagName: "input" } => button.GetAttribute("type") == "submit",
            _ => false,
        };
        return submits ? button!.Closest("form") : null;
    }
}

/// <summary>One Blazor event to deliver: the listener it reaches, its eventFieldInfo and its event args.</summary>
internal sealed record BrowserEvent(DomEventListener Listener, JsonObject? FieldInfo, JsonObject Args);

/// <summary>The events a click produced, and the link it follows (an href as written), if any.</summary>
internal sealed record ClickResult(IReadOnlyList<BrowserEvent> Events, string? FollowedHref);
