using System.Text.Json.Nodes;

namespace Pop3Webmail.Testing.Circuits;

/// <summary>
/// The JavaScript functions the server calls on the page (<c>JS.BeginInvokeJS</c>), answered as the browser would:
/// blazor.web.js's own (renderer attachment, navigation, focus, page title), MudBlazor's that this app uses (element
/// blur hooks, theme watching, popovers, key interceptors) and every function of the app's wwwroot/app.js, with the
/// results and callbacks app.js gives (the message list's visible window, window width and colour scheme from
/// <see cref="CircuitClientOptions"/>, focus, history, cookies, downloads). A function not listed here is answered
/// with the error a browser gives for a missing function, and reported as an error of the run, so a new interop call
/// in the app shows up instead of being silently "answered"; so is NavigationLock (setHasLocationChangingListeners),
/// which the app does not use.
/// </summary>
internal sealed class BrowserJSFunctions(CircuitPage page, CircuitClientOptions options)
{
    /// <summary>The width from which the app's mailbox shows a message beside the list (app.js wideQuery).</summary>
    private const int WideFrom = 1024;

    /// <summary>How long app.js's setPreference cookie lives: a year.</summary>
    private const int PreferenceMaxAge = 31_536_000;

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
                    Text(args, 0),
                    (bool?)navigation?["forceLoad"] ?? false,
                    (bool?)navigation?["replaceHistoryEntry"] ?? false,
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
            case "pop3webmail.bindTab":
                // The page asks the server (over HTTP, with its cookies) to remember the tab's visit for a reload.
                page.RequestInBackground(HttpMethod.Post, Text(args, 0) + "&tab=" + page.TabId, statusMatters: true);
                return true;
            case "pop3webmail.watchMailbox":
                // The tab is always shown, and the window never changes width: neither callback ever comes.
                return new JsonObject { ["visible"] = true, ["wide"] = options.ViewportWidth >= WideFrom };
            case "pop3webmail.watchColorScheme":
                return options.DarkColorScheme; // the system never switches: no OnSystemDarkChanged
            case "pop3webmail.attachList":
                after.AddRange(page.Report(page.Viewport.Attach(Element(args, 0), DotNetObjectId(args, 1), page.Dom)));
                return null;
            case "pop3webmail.showRow":
                after.AddRange(page.Report(page.Viewport.ShowRow(Element(args, 0), Integer(args, 1), page.Dom)));
                return null;
            case "pop3webmail.focus":
                before.AddRange(Focus(Element(args, 0), after));
                return null;
            case "pop3webmail.focusFirst":
                before.AddRange(Focus(page.Dom.QuerySelector(Text(args, 0)), after));
                return null;
            case "pop3webmail.setPreference":
                page.SetCookie(PreferenceCookie(Text(args, 0), args.Count > 1 ? (string?)args[1] : null));
                return null;
            case "pop3webmail.download":
                // A hidden frame loads the address: an attachment is saved, anything else stays in the frame unseen.
                page.RequestInBackground(HttpMethod.Get, Text(args, 0), statusMatters: false);
                return null;
            case "pop3webmail.print":
                return null; // a page without a printer prints nothing and calls nothing back
            case "pop3webmail.back":
                after.AddRange(page.GoBack()); // popstate comes after the call has returned
                return null;
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

    /// <summary>app.js focus(element): a connected element that can take the focus gets it; anything else is left alone.</summary>
    private List<HubCall> Focus(DomElement? element, List<HubCall> after) =>
        element is not null && element.IsInside(page.Dom) && BrowserInput.IsFocusable(element) ? page.MoveFocus(element, after) : [];

    /// <summary>What app.js's setPreference writes to document.cookie (null removes the cookie).</summary>
    private string PreferenceCookie(string name, string? value)
    {
        var path = page.Page.BaseUri.AbsolutePath;
        var secure = page.Page.BaseUri.Scheme == Uri.UriSchemeHttps ? "; Secure" : string.Empty;
        return value is null
            ? $"{name}=; Path={path}; Max-Age=0; SameSite=Lax{secure}"
            : $"{name}={Uri.EscapeDataString(value)}; Path={path}; Max-Age={PreferenceMaxAge}; SameSite=Lax{secure}";
    }

    /// <summary>An ElementReference argument as the page resolves it: the element, or null when none is captured under its id.</summary>
    private DomElement? Element(JsonArray args, int index) =>
        args.Count > index && args[index] is JsonObject reference && reference.ContainsKey("__internalId")
            ? reference["__internalId"] is JsonValue id && id.TryGetValue<string>(out var captureId) ? page.Dom.FindByCaptureId(captureId) : null
            : throw new JSFunctionException($"Argument {index} is not an ElementReference.");

    private static int Integer(JsonArray args, int index) =>
        args.Count > index && args[index] is JsonValue value && value.TryGetValue<int>(out var number)
            ? number
            : throw new JSFunctionException($"Argument {index} is not a whole number.");

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
