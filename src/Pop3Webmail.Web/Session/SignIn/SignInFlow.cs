using Pop3Webmail.Pop3;
using Pop3Webmail.Web.MailboxState;
using Pop3Webmail.Web.Scheduling;
using Pop3Webmail.Web.Security;
using Pop3Webmail.Web.Session.Visit;
using Pop3Webmail.Web.Session.Wire;
using Pop3Webmail.Web.Telemetry;

namespace Pop3Webmail.Web.Session.SignIn;

/// <summary>The outcome of a sign-in: the result the user sees and, on success, the visit it opened.</summary>
internal readonly record struct SignInOutcome(SignInResult Result, MailboxVisit? Visit);

/// <summary>
/// Signs a user in: input and server checks, the rate limit, connect and authenticate, and only then — once the
/// server has accepted the password — any take-over of a visit another tab of this app holds for the same mailbox.
/// A failed attempt never touches an existing visit.
/// </summary>
internal sealed partial class SignInFlow(
    MailServerCatalog catalog,
    MailboxSessionRegistry registry,
    SignInThrottle throttle,
    VisitServices services,
    IMailboxStateStore store,
    ILogger<SignInFlow> logger)
{
    private static readonly TimeSpan[] InUseRetries = [TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(400), TimeSpan.FromSeconds(1)];
    private readonly ILogger<SignInFlow> _logger = logger;

    public async Task<SignInOutcome> SignInAsync(SignInRequest request, BrowserContext browser, SessionCorrelationId correlation, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(browser);
        using var timing = services.Telemetry.StartSignIn(correlation);
        var outcome = await SignInCoreAsync(request, browser, correlation, cancellationToken);
        timing.Complete(outcome.Result.Error);
        return outcome;
    }

    private async Task<SignInOutcome> SignInCoreAsync(SignInRequest request, BrowserContext browser, SessionCorrelationId correlation, CancellationToken cancellationToken)
    {
        if (SignInPolicy.Validate(request) is { } invalid)
        {
            return Failed(invalid);
        }

        var server = SignInPolicy.ResolveServer(request, catalog, services.Options);
        if (server is null)
        {
            return Failed(SignInError.ServerNotAllowed);
        }

        var userName = request.UserName.Trim();
        var attempt = new SignInAttempt(browser.ClientAddress, browser.BrowserKey, server.Id, userName);
        if (throttle.Check(attempt) is { } wait)
        {
            services.Telemetry.RecordRateLimitRejection();
            LogRateLimited(server.Id);
            return Failed(SignInError.RateLimited, wait);
        }

        var credentials = new MailboxCredentials(server, userName, request.Password);
        Pop3Client client;
        bool committedByTakeOver;
        try
        {
            // Sign-ins come before background work: a crowd signing in at nine is served first.
            using var slot = await services.Scheduler.AcquireAsync(MailWorkPriority.Interactive, cancellationToken);
            (client, committedByTakeOver) = await LoginAsync(credentials, cancellationToken);
        }
        catch (Exception ex) when (SignInErrors.TryMap(ex, out var error, out var retryAfter) && !cancellationToken.IsCancellationRequested)
        {
            if (error == SignInError.InvalidCredentials)
            {
                // Only a wrong password counts against the budgets; the server being away is nobody's guess.
                throttle.RecordFailure(attempt);
            }

            LogFailed(server.Id, error);
            return Failed(error, retryAfter);
        }

        throttle.RecordSuccess(attempt);

        var account = new MailboxAccount(userName, server.Id, server.Name, services.Options.ReadOnly);
        var visit = new MailboxVisit(client, credentials, account, services, correlation);

        // The server has accepted the password: only now may it unlock the remembered mailbox (a wrong one would make
        // the store drop the rows). Its key derivation runs while the mailbox is listed.
        // It belongs to the visit, not to this sign-in: one that waits for its turn behind a crowd's may open after the
        // first page, and it gives up only when the visit ends.
        var memory = PendingMemory.Start(store, services.Scheduler, ct => VisitMemory.OpenAsync(store, server, userName, request.Password, _logger, ct), visit.Lifetime);
        try
        {
            // The password is proven now; a visit of another tab for this mailbox gives way (and commits what it marked).
            if (registry.Claim(visit) is { } previous)
            {
                services.Telemetry.RecordTakeOver();
                if (previous.HasPendingDeletions)
                {
                    // Its connection may have broken unnoticed, and committing then means signing in again: on a server
                    // that locks the maildrop (RFC 1939 §8) the new connection must not hold the lock meanwhile.
                    await visit.LetGoOfConnectionAsync(cancellationToken);
                    committedByTakeOver = true;
                }

                var info = await previous.EndAsync(SignOutReason.TakenOver);
                committedByTakeOver |= info.DeletedCount > 0;
            }

            await visit.OpenAsync(reconnectFirst: committedByTakeOver, memory, cancellationToken);
            LogSignedIn(server.Id, visit.Snapshot.Progress.Total);
            return new SignInOutcome(SignInResult.Success, visit);
        }
        catch (Exception ex) when (ex is MailboxException or OperationCanceledException)
        {
            registry.Forget(visit);
            await visit.EndAsync(SignOutReason.CircuitClosed);
            await visit.DisposeAsync();
            await LetGoOfAsync(memory.Opening);
            if (ex is OperationCanceledException)
            {
                throw;
            }

            var error = ((MailboxException)ex).Kind == MailboxErrorKind.ConnectionLost ? SignInError.ServerUnreachable : SignInError.ProtocolError;
            LogFailed(server.Id, error);
            return Failed(error);
        }
    }

    /// <summary>A memory the failed visit may not have taken: its key is let go of here (disposing twice is harmless).</summary>
    private static async Task LetGoOfAsync(Task<VisitMemory> memory)
    {
        try
        {
            await (await memory).DisposeAsync();
        }
        catch (OperationCanceledException)
        {
            // It was never opened.
        }
    }

    private static SignInOutcome Failed(SignInError error, TimeSpan? retryAfter = null) => new(new SignInResult(error, retryAfter), null);

    /// <summary>
    /// Connect and authenticate. When the server says the maildrop is locked ([IN-USE], RFC 2449 §8.1.1) and the lock
    /// is held by a visit of this app whose password is the one just typed, that visit is ended (a take-over, which
    /// commits its deletions) and the login tried again while the server lets go of the lock. Anyone else's lock, or
    /// a different password, is reported as in use: a stranger cannot end a visit by guessing.
    /// </summary>
    private async Task<(Pop3Client Client, bool Committed)> LoginAsync(MailboxCredentials credentials, CancellationToken cancellationToken)
    {
        var committed = false;
        var tookOver = false;
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                return (await MailboxLogin.ConnectAndAuthenticateAsync(services.Connector, credentials, cancellationToken), committed);
            }
            catch (Pop3AuthenticationException ex) when (ex.ResponseCode.Kind == Pop3ResponseCodeKind.InUse)
            {
                if (!tookOver && registry.Find(credentials.MailboxKey) is { } holder && holder.Credentials.Matches(credentials.Password))
                {
                    tookOver = true;
                    services.Telemetry.RecordTakeOver();
                    var info = await holder.EndAsync(SignOutReason.TakenOver);
                    committed = info.DeletedCount > 0;
                    continue;
                }

                if (!tookOver || attempt > InUseRetries.Length)
                {
                    throw;
                }

                // Our own ended visit's lock lingers until the server notices (RFC 1939 §8); a real wait on the server.
                await Task.Delay(InUseRetries[attempt - 1], cancellationToken);
            }
        }
    }

    [LoggerMessage(EventId = 200, Level = LogLevel.Information, Message = "Signed in to {ServerId}: {Count} messages")]
    private partial void LogSignedIn(string serverId, int count);

    [LoggerMessage(EventId = 201, Level = LogLevel.Information, Message = "Sign-in to {ServerId} failed: {Error}")]
    private partial void LogFailed(string serverId, SignInError error);

    [LoggerMessage(EventId = 202, Level = LogLevel.Warning, Message = "Sign-in to {ServerId} refused by the rate limit")]
    private partial void LogRateLimited(string serverId);
}
