using System.Text.Json.Nodes;

namespace Pop3Webmail.Testing.Circuits;

/// <summary>
/// The JavaScript functions the server calls on the page (<c>JS.BeginInvokeJS</c>), answered as the browser would:
/// blazor.web.js's own (renderer attachment, navigation, focus, page title, Virtualize), MudBlazor's that this app
/// uses (element blur hooks, theme watching, popover provider count) and the app's wwwroot/app.js (time zone, tab id,
/// the resume-cookie request, colour scheme and page watching, the message list's scroller, focus, history back). A
/// function not
/// listed here is answered with the error a browser gives for a missing function, and reported as an error of the
/// run, so a new interop call in the app shows up instead of being silently "answered". Only calls these flows make
/// are answered: keyboard navigation (pop3webmail.scrollToRow, mudKeyInterceptor.updatekey) and NavigationLock
/// (setHasLocationChangingListeners) would be reported, not faked.
/// </summary>
internal sealed class BrowserJSFunctions(CircuitPage page, CircuitClientOptions options)
{
    /// <summary>The globals the emulated page has (what window.hasOwnProperty answers true for).</summary>
    private static readonly HashSet<string> Globals = new(StringComparer.Ordinal)
    {
        "Blazor", "DotNet", "mudElementRef", "mudKeyInterceptor", "mudPointerEventsNone", "mudpopoverHelper", "mudPopover",
        "mudThemeProvider", "pop3webmail",
    };

    /// <summary>MudBlazor's blur hooks: element reference id → the .NET object to call when focus leaves for nowhere.</summary>
    private readonly Dictionary<string, long> _blurHooks = new(StringComparer.Ordinal);

    /// <summary>The class of MudBlazor's popover containers, once mudPopover.initialize named it.</summary>
    private string? _popoverContainerClass;

    /// <summary>
    /// Runs one function. Calls the browser makes before answering go to <paramref name="before"/>, those it makes
    /// afterwards (timers, observers) to <paramref name="after"/>. Throws <see cref="JSFunctionException"/> as a
    /// rejected call.
    /// </summary>
    public JsonNode? Invoke(string identifier, JsonArray args, List<HubCall> before, List<HubCall> after)
    {
        switch (identifier)
        {
            case "Blazor._internal.attachWebRendererInterop":
                before.Add(page.AttachRenderer(DotNetObjectId(args, 1)));
                return null;
            case "Blazor._internal.PageTitle.getAndRemoveExistingTitle":
                return page.TakeStaticTitle();
            case "Blazor._internal.navigationManager.enableNavigationInterception":
                page.NavigationInterception = true;
                return null;
            case "Blazor._internal.navigationManager.navigateTo":
                var navigation = args[1] as JsonObject;
                before.AddRange(page.NavigateFromDotNet(
                    Text(args, 0), (bool?)navigation?["forceLoad"] ?? false, (bool?)navigation?["replaceHistoryEntry"] ?? false,
                    (string?)navigation?["historyEntryState"]));
                return null;
            case "Blazor._internal.domWrapper.focusBySelector":
                if (page.Dom.QuerySelector(Text(args, 0)) is { } target)
                {
                    if (!target.HasAttribute("tabindex"))
                    {
                        target.SetAttribute("tabindex", "-1");
                    }

                    before.AddRange(page.MoveFocus(target, after));
                }

                return null;
            case "Blazor._internal.Virtualize.init":
                var spacerBefore = page.Dom.FindByCaptureId(ElementReferenceId(args, 1));
                var spacerAfter = page.Dom.FindByCaptureId(ElementReferenceId(args, 2));
                after.AddRange(page.Viewport.Init(DotNetObjectId(args, 0), spacerBefore, spacerAfter, page.Dom).Select(page.Report));
                return null;
            case "Blazor._internal.Virtualize.dispose":
                var helper = DotNetObjectId(args, 0);
                page.Viewport.Dispose(helper);
                before.Add(page.InvokeDotNet(helper, "__Dispose", "null", "Virtualize helper disposal"));
                return null;
            case "window.hasOwnProperty":
                return Globals.Contains(Text(args, 0));
            case "mudElementRef.addOnBlurEvent":
                _blurHooks[ElementReferenceId(args, 0)] = DotNetObjectId(args, 1);
                return null;
            case "mudElementRef.removeOnBlurEvent":
                _blurHooks.Remove(ElementReferenceId(args, 0));
                return null;
            case "mudThemeProvider.watchDarkMode":
                return null; // the emulated system never switches between light and dark
            case "mudPopover.initialize":
                _popoverContainerClass = Text(args, 0);
                return null;
            case "mudPopover.connect" or "mudPopover.disconnect":
                return null; // popovers are positioned by layout, which this page has none of; nothing calls back
            case "mudpopoverHelper.countProviders":
                return _popoverContainerClass is { } containerClass ? page.Dom.QuerySelectorAll("." + containerClass).Count : 0;
            case "mudKeyInterceptor.connect":
                // No keys are pressed here, so the interceptor never calls back; a missing element fails as in MudBlazor.
                var id = Text(args, 1);
                return page.Dom.QuerySelector($"[id=\"{id}\"]") is null ? throw new JSFunctionException("no element found for id: " + id) : null;
            case "mudKeyInterceptor.disconnect" or "mudPointerEventsNone.cancelListener":
                return null;
            case "pop3webmail.timeZone":
                return options.TimeZone;
            case "pop3webmail.tabId":
                return page.TabId;
            case "pop3webmail.watchColorScheme":
                return false; // the emulated system is light, and never switches
            case "pop3webmail.watchMailbox":
                // A visible tab in a 1280 px window, which is wide (app.js: min-width 1024px); neither ever changes.
                return new JsonObject { ["visible"] = true, ["wide"] = true };
            case "pop3webmail.attachList" or "pop3webmail.showRow" or "pop3webmail.setPreference":
                // The list's window starts at the top, where no scrolling leaves it; a preference cookie is not read back here.
                return null;
            case "pop3webmail.focus" or "pop3webmail.focusFirst":
                var focused = identifier == "pop3webmail.focus" ? page.Dom.FindByCaptureId(ElementReferenceId(args, 0)) : page.Dom.QuerySelector(Text(args, 0));
                if (focused is not null)
                {
                    before.AddRange(page.MoveFocus(focused, after));
                }

                return null;
            case "pop3webmail.back":
                after.AddRange(page.Back()); // popstate comes after the call has returned
                return null;
            case "pop3webmail.bindTab":
                // The page asks the server (over HTTP, with its cookies) to remember the tab's visit for a reload.
                page.PostInBackground(Text(args, 0) + "&tab=" + page.TabId);
                return true;
            default:
                var missing = identifier.Split('.');
                throw new JSFunctionException(
                    $"Could not find '{identifier}' ('{missing[Math.Min(1, missing.Length - 1)]}' was undefined).", unanswered: true);
        }
    }

    /// <summary>MudBlazor's blur hook: when focus leaves a hooked element for nowhere, it calls CallOnBlurredAsync.</summary>
    public IEnumerable<HubCall> OnFocusLeft(DomElement element, DomElement? newFocus)
    {
        if (newFocus is not null)
        {
            yield break;
        }

        foreach (var (name, _) in element.Attributes)
        {
            if (name.StartsWith("_bl_", StringComparison.Ordinal) && _blurHooks.TryGetValue(name[4..], out var hook))
            {
                yield return page.InvokeDotNet(hook, "CallOnBlurredAsync", "[]", "MudBlazor blur callback");
            }
        }
    }

    private static string Text(JsonArray args, int index) =>
        args.Count > index && args[index] is JsonValue value && value.TryGetValue<string>(out var text)
            ? text
            : throw new JSFunctionException($"Argument {index} is not a string.");

    private static long DotNetObjectId(JsonArray args, int index) =>
        args.Count > index && args[index]?["__dotNetObject"] is JsonValue id && id.TryGetValue<long>(out var value)
            ? value
            : throw new JSFunctionException($"Argument {index} is not a DotNetObjectReference.");

    private static string ElementReferenceId(JsonArray args, int index) =>
        args.Count > index && args[index]?["__internalId"] is JsonValue id && id.TryGetValue<string>(out var value)
            ? value
            : throw new JSFunctionException($"Argument {index} is not an ElementReference.");
}

/// <summary>A JavaScript call that failed as it would in the browser (missing function, bad arguments).</summary>
internal sealed class JSFunctionException(string message, bool unanswered = false) : Exception(message)
{
    /// <summary>True when the function is not one the client knows: a gap in the emulation, reported as an error.</summary>
    public bool Unanswered { get; } = unanswered;
}

/// <summary>A hub method call to send to the server.</summary>
internal sealed record HubCall(string Method, object?[] Arguments);
