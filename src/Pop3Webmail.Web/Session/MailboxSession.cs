using Microsoft.Extensions.Options;
using Pop3Webmail.Web.Configuration;
using Pop3Webmail.Web.Session.TabResume;
using Pop3Webmail.Web.Session.SignIn;
using Pop3Webmail.Web.Session.Visit;
using Pop3Webmail.Web.Telemetry;

namespace Pop3Webmail.Web.Session;

/// <summary>
/// One circuit's (one browser tab's) view of its mailbox visit, and the status that goes with it: signed out,
/// signing in, or showing a <see cref="MailboxVisit"/>. It never connects in its constructor (prerendering creates
/// scoped services twice). When the circuit goes away the visit is kept for a grace period, so a reload takes it back
/// with pending deletions intact; otherwise it ends as the user would expect.
/// </summary>
public sealed partial class MailboxSession : IMailboxSession, IAsyncDisposable
{
    private readonly SignInFlow _signIn;
    private readonly MailboxSessionRegistry _registry;
    private readonly ResumeTickets _resumeTickets;
    private readonly BrowserContext _browser;
    private readonly SessionCorrelation _correlation;
    private readonly MailOptions _options;
    private readonly ILogger<MailboxSession> _logger;
    private readonly Lock _lock = new();
    private readonly CancellationTokenSource _circuit = new();
    private MailboxVisit? _visit;
    private Task<SignInResult>? _signingIn;
    private string? _resumeHandle;
    private bool _resumeTicketTaken;
    private bool _closed;
    private volatile SignOutInfo? _lastSignOut;
    private volatile bool _unexpectedError;

    internal MailboxSession(
        SignInFlow signIn,
        MailboxSessionRegistry registry,
        ResumeTickets resumeTickets,
        BrowserContext browser,
        SessionCorrelation correlation,
        IOptions<MailOptions> options,
        ILogger<MailboxSession> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _correlation = correlation;
        _signIn = signIn;
        _registry = registry;
        _resumeTickets = resumeTickets;
        _browser = browser;
        _options = options.Value;
        _logger = logger;
    }

    public event EventHandler? Changed;

    public MailboxSessionStatus Status =>
        _visit is { } visit ? visit.Status
        : _signingIn is { IsCompleted: false } ? MailboxSessionStatus.SigningIn
        : MailboxSessionStatus.SignedOut;

    public MailboxAccount? Account => _visit is { IsEnded: false } visit ? visit.Account : null;

    public SignOutInfo? LastSignOut => _lastSignOut;

    public MailboxNotice? Notice => _visit?.Notice;

    public IReadOnlyList<InboxItem> Messages => Snapshot.Items;

    public InboxProgress Progress => Snapshot.Progress;

    public MailboxStatistics Statistics => Snapshot.Statistics;

    public IReadOnlySet<string> PendingDeletions => Snapshot.Pending;

    /// <summary>The visit this circuit shows, for tests.</summary>
    internal MailboxVisit? CurrentVisit => _visit;

    private InboxSnapshot Snapshot => _visit?.Snapshot ?? InboxSnapshot.Empty;

    public bool IsRead(string key) => _visit?.IsRead(key) ?? false;

    public bool IsNew(string key) => _visit?.IsNew(key) ?? false;

    public void SetRead(string key, bool read) => _visit?.SetRead(key, read);

    public void DismissNotice() => _visit?.DismissNotice();

    public void ReportUnexpectedError() => _unexpectedError = true;

    public Task<SignInResult> SignInAsync(SignInRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        Task<SignInResult> signingIn;
        lock (_lock)
        {
            if (_closed)
            {
                return Task.FromResult(new SignInResult(SignInError.ServerUnreachable));
            }

            if (_visit is not null)
            {
                return Task.FromResult(SignInResult.Success);
            }

            // A second submit while the first is still on its way gets the first one's outcome.
            if (_signingIn is { IsCompleted: false } running)
            {
                return running;
            }

            signingIn = _signingIn = SignInCoreAsync(request, cancellationToken);
        }

        RaiseChanged();
        return signingIn;
    }

    /// <summary>
    /// Takes back the visit a resume handle names (this tab was reloaded, or its circuit was lost). False when there
    /// is none to take back; <see cref="LastSignOut"/> then says why when it can (the app restarted).
    /// </summary>
    public async Task<bool> ResumeAsync(string handle, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(handle);
        if (_visit is not null)
        {
            return true;
        }

        switch (_registry.Lookup(handle, out var visit))
        {
            case ResumeLookup.ServerRestarted:
                _lastSignOut = new SignOutInfo(SignOutReason.ServerRestarted, 0, DeletionsFailed: false);
                RaiseChanged();
                return false;
            case ResumeLookup.Ended:
                return false;
        }

        // On a reload the old circuit may not have let go yet; it does within moments.
        if (!await visit!.WaitDetachedAsync(cancellationToken) || !visit.TryAttach())
        {
            return false;
        }

        lock (_lock)
        {
            if (_closed || _visit is not null)
            {
                visit.Detach(_options.EffectiveResumeGracePeriod, abnormal: false);
                return _visit is not null;
            }

            Attach(visit, handle);
        }

        LogResumed();
        RaiseChanged();
        return true;
    }

    /// <summary>
    /// A one-time ticket the page exchanges (over HTTP) for the resume cookie of its tab, once per sign-in or resume;
    /// null when there is nothing new to remember.
    /// </summary>
    public string? TakeResumeTicket()
    {
        lock (_lock)
        {
            if (_resumeTicketTaken || _resumeHandle is not { } handle || _visit is null)
            {
                return null;
            }

            _resumeTicketTaken = true;
            return _resumeTickets.Issue(handle, _browser.BrowserKey);
        }
    }

    public Task SignOutAsync(CancellationToken cancellationToken = default) => EndAsync(SignOutReason.UserSignedOut);

    public async Task EndAsync(SignOutReason reason)
    {
        MailboxVisit? visit;
        lock (_lock)
        {
            visit = _visit;
        }

        if (reason == SignOutReason.CircuitClosed && _unexpectedError)
        {
            reason = SignOutReason.UnexpectedError;
        }

        if (visit is not null)
        {
            // The visit's Ended event brings the outcome back here (as for an end that starts elsewhere), unless the
            // circuit closed meanwhile and let go of the visit first.
            var info = await visit.EndAsync(reason);
            lock (_lock)
            {
                if (_visit is null)
                {
                    _lastSignOut = info;
                }
            }
        }
    }

    /// <summary>
    /// The circuit is gone (tab closed, reloaded, or lost). A sign-in on its way is cancelled for certain — a session
    /// that ended can never become signed in — and a visit is kept for the resume grace period.
    /// </summary>
    public async Task OnCircuitClosedAsync()
    {
        MailboxVisit? visit;
        Task? signingIn;
        lock (_lock)
        {
            if (_closed)
            {
                return;
            }

            _closed = true;
            visit = _visit;
            signingIn = _signingIn;
            if (visit is not null)
            {
                Detach(visit);
            }
        }

        await _circuit.CancelAsync();
        visit?.Detach(_options.EffectiveResumeGracePeriod, _unexpectedError);
        if (signingIn is not null)
        {
            await signingIn;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await OnCircuitClosedAsync();
        _circuit.Dispose();
    }

    public Task DeleteAsync(IReadOnlyCollection<string> keys, CancellationToken cancellationToken = default) =>
        RequireVisit().DeleteAsync(keys, cancellationToken);

    public Task UndoDeleteAsync(string key, CancellationToken cancellationToken = default) =>
        RequireVisit().UndoDeleteAsync(key, cancellationToken);

    public Task UndoAllDeletionsAsync(CancellationToken cancellationToken = default) =>
        RequireVisit().UndoAllAsync(cancellationToken);

    public Task CheckForNewMailAsync(CancellationToken cancellationToken = default) =>
        RequireVisit().CheckForNewMailAsync(cancellationToken);

    public Task ReconnectAsync(CancellationToken cancellationToken = default) =>
        RequireVisit().ReconnectAsync(cancellationToken);

    public Task<OpenedMessage> OpenMessageAsync(string key, CancellationToken cancellationToken = default) =>
        RequireVisit().OpenMessageAsync(key, cancellationToken);

    public string CreateDownloadLink(DownloadTarget target) => RequireVisit().CreateDownloadLink(target, _browser.BrowserKey);

    private async Task<SignInResult> SignInCoreAsync(SignInRequest request, CancellationToken cancellationToken)
    {
        using var attempt = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _circuit.Token);
        SignInOutcome outcome;
        try
        {
            outcome = await _signIn.SignInAsync(request, _browser, _correlation.Id, attempt.Token);
        }
        catch (OperationCanceledException) when (attempt.IsCancellationRequested)
        {
            RaiseChanged();
            return new SignInResult(SignInError.ServerUnreachable);
        }

        if (outcome.Visit is { } visit)
        {
            bool attached;
            lock (_lock)
            {
                attached = !_closed;
                if (attached)
                {
                    Attach(visit, _registry.IssueResumeHandle(visit));
                    _lastSignOut = null;
                }
            }

            if (!attached)
            {
                // The circuit went away while the server was answering: nobody will ever see this visit.
                await visit.EndAsync(SignOutReason.CircuitClosed);
                RaiseChanged();
                return new SignInResult(SignInError.ServerUnreachable);
            }
        }

        RaiseChanged();
        return outcome.Result;
    }

    private void Attach(MailboxVisit visit, string handle)
    {
        _visit = visit;
        _resumeHandle = handle;
        _resumeTicketTaken = false;
        visit.Changed += OnVisitChanged;
        visit.Ended += OnVisitEnded;
    }

    private void Detach(MailboxVisit visit)
    {
        visit.Changed -= OnVisitChanged;
        visit.Ended -= OnVisitEnded;
        _visit = null;
        _resumeHandle = null;
    }

    private void OnVisitChanged(object? sender, EventArgs e) => RaiseChanged();

    private void OnVisitEnded(object? sender, SignOutInfo info)
    {
        lock (_lock)
        {
            if (!ReferenceEquals(sender, _visit))
            {
                return;
            }

            Detach(_visit!);
            _lastSignOut = info;
        }

        RaiseChanged();
    }

    private MailboxVisit RequireVisit() =>
        _visit is { IsEnded: false } visit ? visit : throw new MailboxException(MailboxErrorKind.NotSignedIn);

    private void RaiseChanged() => Changed?.Invoke(this, EventArgs.Empty);

    [LoggerMessage(EventId = 210, Level = LogLevel.Information, Message = "A reloaded tab took its visit back")]
    private partial void LogResumed();
}
