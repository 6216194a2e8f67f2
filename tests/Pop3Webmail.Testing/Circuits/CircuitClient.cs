using System.Net;
using System.Text.RegularExpressions;

namespace Pop3Webmail.Testing.Circuits;

/// <summary>
/// A light, real client of a Blazor Server app: one browser tab without a browser. It loads pages over HTTP with its
/// own cookies, runs each page's circuit over the <c>/_blazor</c> hub as blazor.web.js does (StartCircuit,
/// UpdateRootComponents, render batches applied to a DOM mirror and acknowledged, JS interop answered, navigations
/// followed), and offers what a user does: fill a field, click, wait for the page to show something. Every wait is
/// driven by render batches and navigations (no polling) and bounded by <see cref="CircuitClientOptions.Timeout"/>.
/// Errors a browser would only log (unanswered JS calls, failed event handlers, a circuit the server ended) are
/// collected in <see cref="Errors"/>; a dead circuit also fails every pending wait.
/// </summary>
public sealed class CircuitClient : IBrowserTab, IAsyncDisposable
{
    private static readonly DomDocument NoPage = new();

    private readonly CookieContainer _cookies = new();

    /// <summary>The id this tab keeps in its window name (wwwroot/app.js pop3webmail.tabId): random, for the client's life.</summary>
    internal string TabId { get; } = Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16));
    private readonly HttpClient _http;
    private readonly List<Waiter> _waiters = [];
    private readonly List<string> _errors = [];
    private readonly Dictionary<string, int> _jsCalls = new(StringComparer.Ordinal);
    private CircuitPage? _page;
    private Uri? _requestedLoad;
    private Task _loading = Task.CompletedTask;
    private string? _failure;
    private Uri _location;

    /// <summary>A tab with no page yet (<see cref="GotoAsync"/> loads one).</summary>
    public CircuitClient(CircuitClientOptions? options = null)
    {
        _location = new Uri("about:blank");
        Options = options ?? new CircuitClientOptions();
        _http = new HttpClient(new SocketsHttpHandler { CookieContainer = _cookies, UseCookies = true, UseProxy = false })
        {
            Timeout = Options.Timeout,
        };
    }

    public CircuitClientOptions Options { get; }

    /// <summary>The address bar: the page's URL, updated by client-side navigations.</summary>
    public Uri Location
    {
        get
        {
            lock (Gate)
            {
                return _location;
            }
        }
    }

    /// <summary>What went wrong that a browser would only have logged; empty in a clean run.</summary>
    public IReadOnlyList<string> Errors
    {
        get
        {
            lock (Gate)
            {
                return [.. _errors];
            }
        }
    }

    /// <summary>Every JavaScript function the server called on this tab's pages, with how often.</summary>
    public IReadOnlyDictionary<string, int> JSCalls
    {
        get
        {
            lock (Gate)
            {
                return new Dictionary<string, int>(_jsCalls, StringComparer.Ordinal);
            }
        }
    }

    internal Lock Gate { get; } = new();

    private DomDocument Dom => _page?.Dom ?? NoPage;

    /// <summary>Loads a page as typed into the address bar: the current circuit (if any) ends, the page's one starts.</summary>
    public Task GotoAsync(Uri address, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(address);
        return LoadPageAsync(address, cancellationToken);
    }

    /// <summary>Reads the current page under the client's lock (the mirror changes as batches arrive).</summary>
    public T Read<T>(Func<DomDocument, T> read)
    {
        ArgumentNullException.ThrowIfNull(read);
        lock (Gate)
        {
            return read(Dom);
        }
    }

    /// <summary>The texts of the elements matching <paramref name="selector"/>, whitespace collapsed as a reader sees it.</summary>
    public IReadOnlyList<string> Texts(string selector) => Read(dom => dom.QuerySelectorAll(selector).Select(e => VisibleText.Of(e.TextContent)).ToList());

    /// <summary>Types into the first enabled element matching <paramref name="selector"/>, replacing its value.</summary>
    public async Task FillAsync(string selector, string text, CancellationToken cancellationToken = default)
    {
        var (page, calls) = await ActOnAsync(selector, (page, element) => page.Fill(element, text), cancellationToken);
        await page.SendAsync(calls);
    }

    /// <summary>Clicks the first enabled element matching <paramref name="selector"/>, following a link it leads to.</summary>
    public async Task ClickAsync(string selector, CancellationToken cancellationToken = default)
    {
        string? href = null;
        var (page, calls) = await ActOnAsync(selector, (page, element) =>
        {
            var click = page.Click(element);
            href = click.FollowedHref;
            return click.Calls;
        }, cancellationToken);
        await page.SendAsync(calls);
        if (href is not null)
        {
            await FollowLinkAsync(page, new Uri(page.Page.BaseUri, href), cancellationToken);
        }
    }

    /// <summary>Waits until an element matching <paramref name="selector"/> is in the page.</summary>
    public Task WaitForAsync(string selector, CancellationToken cancellationToken = default) =>
        WaitUntilAsync(dom => dom.QuerySelector(selector) is not null, "an element " + selector, cancellationToken);

    /// <summary>Waits until no element matches <paramref name="selector"/>.</summary>
    public Task WaitForAbsentAsync(string selector, CancellationToken cancellationToken = default) =>
        WaitUntilAsync(dom => dom.QuerySelector(selector) is null, "no element " + selector, cancellationToken);

    /// <summary>Waits until the first element matching <paramref name="selector"/> has a text matching <paramref name="pattern"/>; returns it.</summary>
    public async Task<string> WaitForTextAsync(string selector, Regex pattern, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        string? seen = null;
        await WaitUntilAsync(
            dom => dom.QuerySelector(selector) is { } element && pattern.IsMatch(seen = VisibleText.Of(element.TextContent)),
            $"{selector} to show text matching /{pattern}/",
            cancellationToken);
        return seen!;
    }

    public Task<IReadOnlyList<string>> TextsAsync(string selector, CancellationToken cancellationToken = default) => Task.FromResult(Texts(selector));

    public Task<IReadOnlyList<string?>> AttributesAsync(string selector, string name, CancellationToken cancellationToken = default) =>
        Task.FromResult(Read<IReadOnlyList<string?>>(dom => [.. dom.QuerySelectorAll(selector).Select(e => e.GetAttribute(name))]));

    /// <summary>Waits until <paramref name="condition"/> holds for the page (checked now and after every batch and navigation).</summary>
    public async Task WaitUntilAsync(Func<DomDocument, bool> condition, string description, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(condition);
        Waiter waiter;
        lock (Gate)
        {
            ThrowIfFailed();
            if (condition(Dom))
            {
                return;
            }

            waiter = new Waiter(() => condition(Dom), description);
            _waiters.Add(waiter);
        }

        try
        {
            await waiter.Completion.Task.WaitAsync(Options.Timeout, cancellationToken);
        }
        catch (TimeoutException)
        {
            lock (Gate)
            {
                _waiters.Remove(waiter);
                throw new TimeoutException($"Waited {Options.Timeout.TotalSeconds:0.#} s for {description} at {_location}; the page shows: {VisibleText.Excerpt(Dom, 600)}");
            }
        }
        finally
        {
            lock (Gate)
            {
                _waiters.Remove(waiter);
            }
        }
    }

    /// <summary>Waits until no call from the page into .NET awaits its answer (the answer follows the renders it caused).</summary>
    public Task WaitForSettledAsync(CancellationToken cancellationToken = default) =>
        WaitUntilAsync(_ => _page is { PendingDotNetCalls: 0 }, "the page to settle (every call into .NET answered)", cancellationToken);

    /// <summary>Closes the tab: the disconnect beacon, then the connection.</summary>
    public async ValueTask DisposeAsync()
    {
        CircuitPage? page;
        lock (Gate)
        {
            page = _page;
            _page = null;
        }

        try
        {
            await _loading;
        }
        catch (Exception ex) when (ex is CircuitClientException or HttpRequestException or TimeoutException or OperationCanceledException)
        {
            // already recorded in Errors by the load that failed
        }

        if (page is not null)
        {
            await page.DisposeAsync();
        }

        _http.Dispose();
    }

    internal void Update(Action change)
    {
        lock (Gate)
        {
            change();
            NotifyChanged();
        }
    }

    internal void AddError(string error)
    {
        lock (Gate)
        {
            _errors.Add(error);
        }
    }

    internal void RecordJSCall(string identifier) => _jsCalls[identifier] = _jsCalls.GetValueOrDefault(identifier) + 1;

    /// <summary>The page is gone (the server ended the circuit, the connection dropped): every wait fails with why.</summary>
    internal void Fail(string reason)
    {
        lock (Gate)
        {
            _errors.Add(reason);
            _failure ??= reason;
            foreach (var waiter in _waiters)
            {
                waiter.Completion.TrySetException(new CircuitClientException(reason));
            }
        }
    }

    internal void SetLocation(Uri location) => _location = location;

    /// <summary>Called under the lock by a JS call that leaves the page; the load starts once the call is answered.</summary>
    internal void RequestPageLoad(Uri target) => _requestedLoad = target;

    internal void StartRequestedPageLoad()
    {
        lock (Gate)
        {
            if (_requestedLoad is { } target)
            {
                _requestedLoad = null;

                // Not awaited here: the old page's connection is closed by the load, and this runs on its receive loop.
                _loading = Task.Run(() => LoadPageAsync(target, CancellationToken.None));
            }
        }
    }

    /// <summary>Re-checks every pending wait (under the lock, after a batch, a navigation or a JS call).</summary>
    internal void NotifyChanged()
    {
        foreach (var waiter in _waiters.ToList())
        {
            try
            {
                if (waiter.Condition())
                {
                    waiter.Completion.TrySetResult();
                }
            }
            catch (Exception ex) when (ex is FormatException or InvalidOperationException)
            {
                waiter.Completion.TrySetException(ex);
            }
        }
    }

    private async Task LoadPageAsync(Uri target, CancellationToken cancellationToken)
    {
        CircuitPage? old;
        lock (Gate)
        {
            old = _page;
            _page = null;
            _failure = null;
            _location = target;
        }

        if (old is not null)
        {
            await old.DisposeAsync();
        }

        try
        {
            var page = await CircuitPage.StartAsync(this, _http, _cookies, target, cancellationToken);
            Update(() =>
            {
                _page = page;
                _location = page.Page.Location;
            });
        }
        catch (Exception ex) when (ex is HttpRequestException or CircuitClientException or Microsoft.AspNetCore.SignalR.HubException or IOException)
        {
            Fail($"Loading {target} failed: {ex.Message}");
            throw;
        }
    }

    /// <summary>Waits for an enabled element, then performs <paramref name="gesture"/> on it under the lock.</summary>
    private async Task<(CircuitPage Page, List<HubCall> Calls)> ActOnAsync(string selector, Func<CircuitPage, DomElement, List<HubCall>> gesture, CancellationToken cancellationToken)
    {
        while (true)
        {
            await _loading;
            await WaitUntilAsync(dom => Actionable(dom, selector) is not null, "an enabled element " + selector, cancellationToken);
            lock (Gate)
            {
                ThrowIfFailed();
                if (_page is { } page && Actionable(page.Dom, selector) is { } element)
                {
                    return (page, gesture(page, element));
                }
            }
        }
    }

    /// <summary>Playwright's actionability, reduced: attached and not inside a disabled control.</summary>
    private static DomElement? Actionable(DomDocument dom, string selector) =>
        dom.QuerySelectorAll(selector).FirstOrDefault(e => e.Closest("button[disabled], input[disabled], select[disabled], textarea[disabled]") is null);

    /// <summary>A followed link: intercepted as a client-side navigation when the router asked for it, else a page load.</summary>
    private async Task FollowLinkAsync(CircuitPage page, Uri target, CancellationToken cancellationToken)
    {
        if (!page.NavigationInterception || !page.IsWithinBaseUri(target))
        {
            if (!string.Equals(target.GetLeftPart(UriPartial.Authority), page.Page.BaseUri.GetLeftPart(UriPartial.Authority), StringComparison.OrdinalIgnoreCase))
            {
                throw new CircuitClientException($"The link leads away from the app, to {target}.");
            }

            await LoadPageAsync(target, cancellationToken);
            return;
        }

        Update(() =>
        {
            page.RecordHistory(target, state: null, replace: false);
            _location = target;
        });
        await page.SendAsync([CircuitPage.LocationChanged(target, state: null, intercepted: true)]);
    }

    private void ThrowIfFailed()
    {
        if (_failure is { } failure)
        {
            throw new CircuitClientException(failure);
        }
    }

    private sealed record Waiter(Func<bool> Condition, string Description)
    {
        public TaskCompletionSource Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
