using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.Http.Connections.Client;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Pop3Webmail.Testing.Circuits;

/// <summary>
/// One page load of a <see cref="CircuitClient"/>: the prerendered page, its circuit on <c>/_blazor</c> (negotiate,
/// WebSocket, blazorpack), and what blazor.web.js keeps per page: the DOM mirror, focus, Virtualize observers, the
/// renderer's interop object, pending .NET calls, and the render queue (batches applied in id order and each one
/// acknowledged with OnRenderCompleted). Every handler runs under the client's lock and sends its replies after it.
/// </summary>
internal sealed class CircuitPage : IAsyncDisposable
{
    private const int JSVoidResult = 3;

    /// <summary>No services (HubConnection falls back to its defaults), and nothing for a disposing connection to dispose.</summary>
    private static readonly IServiceProvider NoServices = new EmptyServiceProvider();
    private const int FunctionCall = 1;

    private readonly CircuitClient _client;
    private readonly HttpClient _http;
    private readonly HubConnection _connection;
    private readonly Dictionary<string, string> _pendingDotNetCalls = new(StringComparer.Ordinal);
    private string? _staticTitle;
    private long _rendererInterop;
    private int _nextDotNetCallId = 1;
    private long _nextBatchId = 2; // RenderQueue.ts: the first batch a circuit sends is 2
    private string? _circuitId;
    private volatile bool _closing;

    /// <summary>The tab's history entries since this page loaded (location and history state), and where it stands.</summary>
    private readonly List<(Uri Location, string? State)> _history = [];
    private int _historyIndex;

    private CircuitPage(CircuitClient client, HttpClient http, CookieContainer cookies, BlazorPage page)
    {
        _client = client;
        _http = http;
        Page = page;
        _history.Add((page.Location, null));
        _staticTitle = page.StaticTitle;
        Viewport = new VirtualizeViewport(client.Options);
        Functions = new BrowserJSFunctions(this, client.Options);
        // Built from its parts rather than with HubConnectionBuilder, which gives every connection a DI container of
        // its own (and the IL it emits): a hundred tabs would spend more on that than on the circuits.
        var hub = new Uri(page.BaseUri, "_blazor");
        var transport = new HttpConnectionFactory(
            Options.Create(new HttpConnectionOptions { Url = hub, Transports = HttpTransportType.WebSockets, Cookies = cookies }),
            NullLoggerFactory.Instance);
        _connection = new HubConnection(transport, BlazorPackHubProtocol.Instance, new UriEndPoint(hub), NoServices, NullLoggerFactory.Instance);
        _connection.On<long, string, string, int, long, int>("JS.BeginInvokeJS", OnBeginInvokeJSAsync);
        _connection.On<string, bool, string>("JS.EndInvokeDotNet", OnEndInvokeDotNet);
        _connection.On<int, string>("JS.AttachComponent", OnAttachComponent);
        _connection.On<long, byte[]>("JS.RenderBatch", OnRenderBatchAsync);
        _connection.On<string>("JS.Error", message => client.Fail("The server reported a circuit error: " + message));
        _connection.Closed += error =>
        {
            if (!_closing)
            {
                client.Fail("The circuit's connection closed: " + (error?.Message ?? "by the server"));
            }

            return Task.CompletedTask;
        };
    }

    public BlazorPage Page { get; }

    public DomDocument Dom { get; } = new();

    public BrowserInput Input { get; } = new();

    public VirtualizeViewport Viewport { get; }

    public BrowserJSFunctions Functions { get; }

    public bool NavigationInterception { get; set; }

    /// <summary>The tab's own id (what the app keeps in the window name): the same across reloads of this client.</summary>
    public string TabId => _client.TabId;

    /// <summary>
    /// A fetch the page starts and does not wait for (the app's resume-cookie request): it runs with this tab's cookies,
    /// and a failure is an error of the run.
    /// </summary>
    public void PostInBackground(string relativeUrl) =>
        _ = Task.Run(async () =>
        {
            try
            {
                using var response = await _http.PostAsync(new Uri(Page.BaseUri, relativeUrl), content: null);
                if (!response.IsSuccessStatusCode)
                {
                    _client.AddError($"POST {relativeUrl} answered {(int)response.StatusCode}.");
                }
            }
            catch (HttpRequestException ex)
            {
                _client.AddError($"POST {relativeUrl} failed: {ex.Message}");
            }
        });

    /// <summary>Calls from the page into .NET (events, Virtualize reports) that the server has not answered yet.</summary>
    public int PendingDotNetCalls => _pendingDotNetCalls.Count;

    /// <summary>Loads the page over HTTP and starts its circuit (what blazor.web.js does on a page load).</summary>
    public static async Task<CircuitPage> StartAsync(CircuitClient client, HttpClient http, CookieContainer cookies, Uri location, CancellationToken cancellationToken)
    {
        var page = await BlazorPage.LoadAsync(http, location, cancellationToken);
        client.Options.Recording?.AddPageLoad(page.Location);

        // blazor.web.js asks for the app's JS initializers first; this client cannot run any, so an app with some is reported.
        var initializers = await http.GetStringAsync(new Uri(page.BaseUri, "_blazor/initializers"), cancellationToken);
        if (JsonNode.Parse(initializers) is JsonArray { Count: > 0 })
        {
            client.AddError("The app has JS initializers, which the circuit client does not run: " + initializers);
        }

        var circuit = new CircuitPage(client, http, cookies, page);
        try
        {
            await circuit._connection.StartAsync(cancellationToken);
            circuit._circuitId = await circuit._connection.InvokeAsync<string?>(
                "StartCircuit", page.BaseUri.ToString(), page.Location.ToString(), "[]", page.ApplicationState, cancellationToken)
                ?? throw new CircuitClientException($"The server refused to start a circuit for {page.Location}.");
            return circuit;
        }
        catch
        {
            await circuit.DisposeAsync();
            throw;
        }
    }

    /// <summary>Leaves the page as a closing tab does: the disconnect beacon, then the connection goes.</summary>
    public async ValueTask DisposeAsync()
    {
        _closing = true;
        if (_circuitId is { } circuitId)
        {
            try
            {
                using var form = new MultipartFormDataContent { { new StringContent(circuitId), "circuitId" } };
                using var response = await _http.PostAsync(new Uri(Page.BaseUri, "_blazor/disconnect"), form);
            }
            catch (HttpRequestException)
            {
                // A beacon is best effort in a browser too; the connection closing below ends the circuit anyway.
            }
        }

        await _connection.DisposeAsync();
    }

    public Task SendAsync(IEnumerable<HubCall> calls) => SendAllAsync(calls);

    /// <summary>attachWebRendererInterop: the renderer is ready, so the page's root components are added (WebRootComponentManager.ts).</summary>
    public HubCall AttachRenderer(long interopObjectId)
    {
        _rendererInterop = interopObjectId;
        var operations = new JsonArray();
        for (var i = 0; i < Page.ServerComponentMarkers.Count; i++)
        {
            var marker = Page.ServerComponentMarkers[i].DeepClone().AsObject();
            marker["uniqueId"] = i;
            operations.Add(new JsonObject { ["type"] = "add", ["ssrComponentId"] = i + 1, ["marker"] = marker });
        }

        var batch = new JsonObject { ["batchId"] = 1, ["operations"] = operations };
        return new HubCall("UpdateRootComponents", [batch.ToJsonString(), Page.ApplicationState]);
    }

    /// <summary>getAndRemoveExistingTitle: the page's own &lt;title&gt;, once.</summary>
    public string? TakeStaticTitle()
    {
        var title = _staticTitle;
        _staticTitle = null;
        return title;
    }

    /// <summary>NavigationManager.NavigateTo: within the app, a client-side navigation; forceLoad or elsewhere, a page load.</summary>
    public IEnumerable<HubCall> NavigateFromDotNet(string uri, bool forceLoad, bool replace, string? state)
    {
        var target = new Uri(Page.BaseUri, uri);
        if (!forceLoad && IsWithinBaseUri(target))
        {
            RecordHistory(target, state, replace);
            _client.SetLocation(target);
            return [LocationChanged(target, state, intercepted: false)];
        }

        _client.RequestPageLoad(target);
        return [];
    }

    /// <summary>A new history entry (pushState) or, with <paramref name="replace"/>, the current one replaced; forward entries are dropped.</summary>
    public void RecordHistory(Uri location, string? state, bool replace)
    {
        if (replace)
        {
            _history[_historyIndex] = (location, state);
            return;
        }

        _history.RemoveRange(_historyIndex + 1, _history.Count - _historyIndex - 1);
        _history.Add((location, state));
        _historyIndex++;
    }

    /// <summary>history.back(): the entry before becomes current and the router hears of it (popstate); nothing before this page's first entry.</summary>
    public IEnumerable<HubCall> Back()
    {
        if (_historyIndex == 0)
        {
            return [];
        }

        _historyIndex--;
        var (location, state) = _history[_historyIndex];
        _client.SetLocation(location);
        return [LocationChanged(location, state, intercepted: false)];
    }

    public bool IsWithinBaseUri(Uri target)
    {
        var baseText = Page.BaseUri.ToString().TrimEnd('/');
        var text = target.ToString();
        return text.StartsWith(baseText, StringComparison.Ordinal) && (text.Length == baseText.Length || text[baseText.Length] is '/' or '?' or '#');
    }

    public static HubCall LocationChanged(Uri target, string? state, bool intercepted) => new("OnLocationChanged", [target.ToString(), state, intercepted]);

    /// <summary>Moves the focus, with MudBlazor's blur hook firing afterwards (it runs on a timer) into <paramref name="after"/>.</summary>
    public List<HubCall> MoveFocus(DomElement? target, List<HubCall> after) => WithBlurHooks(() => Input.MoveFocus(target), after);

    /// <summary>A user's click on <paramref name="target"/>: the calls it makes, and the link it follows (an href), if any.</summary>
    public (List<HubCall> Calls, string? FollowedHref) Click(DomElement target)
    {
        var after = new List<HubCall>();
        string? href = null;
        var calls = WithBlurHooks(() => { var click = Input.Click(target); href = click.FollowedHref; return click.Events; }, after);
        return ([.. calls, .. after], href);
    }

    /// <summary>A user typing into <paramref name="input"/> (Playwright's fill): the calls it makes.</summary>
    public List<HubCall> Fill(DomElement input, string text)
    {
        var after = new List<HubCall>();
        return [.. WithBlurHooks(() => Input.Fill(input, text), after), .. after];
    }

    private List<HubCall> WithBlurHooks(Func<IEnumerable<BrowserEvent>> gesture, List<HubCall> after)
    {
        var previous = Input.Focused;
        var calls = Dispatch(gesture());
        if (previous is not null && !ReferenceEquals(previous, Input.Focused))
        {
            after.AddRange(Functions.OnFocusLeft(previous, Input.Focused));
        }

        return calls;
    }

    /// <summary>Events to DispatchEventAsync calls; none before the renderer is attached (EventDelegator ignores them).</summary>
    public List<HubCall> Dispatch(IEnumerable<BrowserEvent> events)
    {
        var calls = new List<HubCall>();
        if (_rendererInterop == 0)
        {
            return calls;
        }

        foreach (var e in events)
        {
            var descriptor = new JsonObject
            {
                ["eventHandlerId"] = e.Listener.HandlerId,
                ["eventName"] = e.Listener.EventName,
                ["eventFieldInfo"] = e.FieldInfo,
            };
            calls.Add(InvokeDotNet(_rendererInterop, "DispatchEventAsync", new JsonArray(descriptor, e.Args).ToJsonString(), e.Listener.EventName + " event"));
        }

        return calls;
    }

    public HubCall Report(SpacerReport report) =>
        InvokeDotNet(report.DotNetObjectId, report.Method, new JsonArray(report.SpacerSize, report.SpacerSeparation, report.ContainerSize).ToJsonString(), "Virtualize " + report.Method);

    /// <summary>BeginInvokeDotNetFromJS on a .NET object; a failure reported back is an error of the run.</summary>
    public HubCall InvokeDotNet(long dotNetObjectId, string method, string argsJson, string purpose)
    {
        var callId = (_nextDotNetCallId++).ToString(CultureInfo.InvariantCulture);
        _pendingDotNetCalls[callId] = purpose;
        return new HubCall("BeginInvokeDotNetFromJS", [callId, null, method, dotNetObjectId, argsJson]);
    }

    private async Task OnBeginInvokeJSAsync(long asyncHandle, string identifier, string argsJson, int resultType, long targetInstanceId, int callType)
    {
        var before = new List<HubCall>();
        var after = new List<HubCall>();
        HubCall? completion;
        lock (_client.Gate)
        {
            _client.RecordJSCall(identifier);
            try
            {
                if (targetInstanceId != 0 || callType != FunctionCall)
                {
                    throw new JSFunctionException($"Only function calls on window are emulated, not call type {callType} on object {targetInstanceId}.", unanswered: true);
                }

                var result = Functions.Invoke(identifier, JsonNode.Parse(argsJson) as JsonArray ?? [], before, after);
                completion = Completion(asyncHandle, true, resultType == JSVoidResult ? null : result);
            }
            catch (Exception ex) when (ex is JSFunctionException or JsonException or FormatException)
            {
                var kind = ex is JSFunctionException { Unanswered: true } ? "Unanswered JS call" : "JS call";
                _client.AddError($"{kind} {identifier}({argsJson}) failed: {ex.Message}");

                completion = Completion(asyncHandle, false, ex.Message + "\n    at " + identifier);
            }

            _client.NotifyChanged();
        }

        await SendAllAsync(completion is null ? before.Concat(after) : [.. before, completion, .. after]);
        _client.StartRequestedPageLoad();
    }

    private static HubCall? Completion(long asyncHandle, bool succeeded, JsonNode? resultOrError) =>
        asyncHandle == 0 ? null : new HubCall("EndInvokeJSFromDotNet", [asyncHandle, succeeded, new JsonArray(asyncHandle, succeeded, resultOrError).ToJsonString()]);

    private void OnEndInvokeDotNet(string callId, bool succeeded, string resultOrError) => _client.Update(() =>
    {
        if (_pendingDotNetCalls.Remove(callId, out var purpose) && !succeeded)
        {
            _client.AddError($"{purpose} failed on the server: {resultOrError}");
        }
    });

    private void OnAttachComponent(int componentId, string selector) => _client.Update(() =>
    {
        var ssrComponentId = int.Parse(selector, NumberStyles.None, CultureInfo.InvariantCulture);
        _client.Options.Recording?.AddAttach(componentId, ssrComponentId);
        Dom.AttachRootComponent(componentId, ssrComponentId);
    });

    private async Task OnRenderBatchAsync(long batchId, byte[] batch)
    {
        var acknowledge = true;
        string? error = null;
        var after = new List<HubCall>();
        lock (_client.Gate)
        {
            if (batchId > _nextBatchId)
            {
                acknowledge = false; // RenderQueue.ts: wait for the missing batch, which the server sends again
            }
            else if (batchId == _nextBatchId)
            {
                _nextBatchId++;
                _client.Options.Recording?.AddBatch(batchId, batch);
                try
                {
                    Dom.Apply(RenderBatchReader.Read(batch));
                    Input.DropFocusIfDetached(Dom);
                    after.AddRange(Viewport.AfterRender(Dom).Select(Report));
                }
                catch (Exception ex) when (ex is InvalidDataException or InvalidOperationException)
                {
                    error = ex.ToString();
                    _client.AddError($"Render batch {batchId} could not be applied: {ex.Message}");
                }

                _client.NotifyChanged();
            }
        }

        await SendAllAsync(acknowledge ? [new HubCall("OnRenderCompleted", [batchId, error]), .. after] : after);
    }

    private async Task SendAllAsync(IEnumerable<HubCall> calls)
    {
        foreach (var call in calls)
        {
            try
            {
                await _connection.SendCoreAsync(call.Method, call.Arguments);
            }
            catch (Exception ex) when (ex is InvalidOperationException or IOException or OperationCanceledException && _closing)
            {
                // The page is being left; what it still had to say no longer matters.
                return;
            }
        }
    }
}

/// <summary>A service provider without services that no connection can dispose (HubConnection disposes its own).</summary>
internal sealed class EmptyServiceProvider : IServiceProvider
{
    public object? GetService(Type serviceType) => null;
}
