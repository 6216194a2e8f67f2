using System.Diagnostics;
using System.Diagnostics.Metrics;
using Pop3Webmail.Web.Scheduling;
using Pop3Webmail.Web.Session;

namespace Pop3Webmail.Web.Telemetry;

/// <summary>
/// The app's own metrics (meter <see cref="MeterName"/>) and spans (activity source <see cref="ActivitySourceName"/>).
/// One per process. Every method takes enums and numbers only, never a string: user names, passwords, server hosts,
/// UIDLs and subjects cannot reach a metric tag or span attribute, whatever a caller does. docs/operations.md lists
/// every instrument.
/// </summary>
public sealed class MailboxTelemetry : IDisposable
{
    public const string MeterName = "Pop3Webmail";
    public const string ActivitySourceName = "Pop3Webmail";

    /// <summary>The POP3 library's own meter (command latency by command, bytes received), exported alongside ours.</summary>
    public const string Pop3MeterName = "Pop3Webmail.Pop3";

    internal const string SignInSuccess = "success";

    // Seconds: from a loopback round trip (a few ms) to a sign-in that hits the connect timeout.
    private static readonly double[] DurationBuckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

    // Scheduler waits: most are zero; the interesting range is from a few ms to the aging threshold and beyond.
    private static readonly double[] WaitBuckets = [0.001, 0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

    private readonly TimeProvider _timeProvider;
    private readonly UpDownCounter<long> _activeSessions;
    private readonly Counter<long> _sessionsStarted;
    private readonly Counter<long> _sessionsEnded;
    private readonly Counter<long> _signIns;
    private readonly Histogram<double> _signInDuration;
    private readonly Counter<long> _rateLimitRejections;
    private readonly Counter<long> _reconnects;
    private readonly Counter<long> _takeOvers;
    private readonly Counter<long> _quits;
    private readonly Counter<long> _deletions;
    private readonly Counter<long> _storeLookups;
    private readonly Histogram<double> _listingDuration;
    private readonly Histogram<double> _messageOpenDuration;
    private readonly UpDownCounter<long> _schedulerCapacity;
    private readonly UpDownCounter<long> _schedulerInUse;
    private readonly UpDownCounter<long> _schedulerQueued;
    private readonly Histogram<double> _schedulerWait;
    private readonly Counter<long> _schedulerAged;

    public MailboxTelemetry(IMeterFactory meterFactory, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        ArgumentNullException.ThrowIfNull(timeProvider);
        _timeProvider = timeProvider;
        Meter = meterFactory.Create(MeterName);
        ActivitySource = new ActivitySource(ActivitySourceName);

        _activeSessions = Meter.CreateUpDownCounter<long>("pop3webmail.sessions.active", "{session}", "Signed-in mailbox sessions open now");
        _sessionsStarted = Meter.CreateCounter<long>("pop3webmail.sessions.started", "{session}", "Sessions opened, by kind (signed_in, resumed)");
        _sessionsEnded = Meter.CreateCounter<long>("pop3webmail.sessions.ended", "{session}", "Sessions ended, by reason");
        _signIns = Meter.CreateCounter<long>("pop3webmail.signins", "{sign_in}", "Sign-in attempts, by outcome (success or the sign-in error)");
        _signInDuration = Meter.CreateHistogram("pop3webmail.signin.duration", "s", "Time from sign-in click to first page or error", DurationBuckets);
        _rateLimitRejections = Meter.CreateCounter<long>("pop3webmail.signin.rate_limited", "{sign_in}", "Sign-in attempts refused by the brute-force limits");
        _reconnects = Meter.CreateCounter<long>("pop3webmail.reconnects", "{reconnect}", "Reconnects after a lost POP3 connection, by outcome");
        _takeOvers = Meter.CreateCounter<long>("pop3webmail.takeovers", "{session}", "Sessions ended because a new sign-in took their mailbox over");
        _quits = Meter.CreateCounter<long>("pop3webmail.quits", "{session}", "How POP3 connections ended: committed, reset or failed (RFC 1939 §6)");
        _deletions = Meter.CreateCounter<long>("pop3webmail.deletions", "{message}", "Messages marked for deletion, by what became of them");
        _storeLookups = Meter.CreateCounter<long>("pop3webmail.store.lookups", "{lookup}", "Mailbox state store lookups, by result (hit, miss)");
        _listingDuration = Meter.CreateHistogram("pop3webmail.listing.duration", "s", "Message listings, by kind and outcome", DurationBuckets);
        _messageOpenDuration = Meter.CreateHistogram("pop3webmail.message.open.duration", "s", "Opening a message (RETR and rendering), by outcome", DurationBuckets);
        _schedulerCapacity = Meter.CreateUpDownCounter<long>("pop3webmail.scheduler.capacity", "{slot}", "Most POP3 work items the scheduler runs at once");
        _schedulerInUse = Meter.CreateUpDownCounter<long>("pop3webmail.scheduler.in_use", "{slot}", "POP3 work items running now, by priority");
        _schedulerQueued = Meter.CreateUpDownCounter<long>("pop3webmail.scheduler.queued", "{work}", "POP3 work items waiting for a slot, by priority");
        _schedulerWait = Meter.CreateHistogram("pop3webmail.scheduler.wait.duration", "s", "Time POP3 work waited for a slot, by priority and outcome", WaitBuckets);
        _schedulerAged = Meter.CreateCounter<long>("pop3webmail.scheduler.aged", "{work}", "Work served ahead of higher priorities because it waited past the aging threshold");
    }

    internal Meter Meter { get; }

    internal ActivitySource ActivitySource { get; }

    // ---- sessions -------------------------------------------------------------------------------------------------

    /// <summary>A session is open (signed in); end the returned handle when it closes, for whatever reason.</summary>
    public TrackedSession StartSession()
    {
        _sessionsStarted.Add(1, new KeyValuePair<string, object?>(TelemetryTags.Kind, TelemetryTags.Of(SessionStartKind.SignedIn)));
        _activeSessions.Add(1);
        return new TrackedSession(this);
    }

    /// <summary>
    /// A held session was picked up again by a reloaded or reconnected tab: started with kind resumed, but not another
    /// active session (the POP3 session and its visit are the same ones).
    /// </summary>
    public void RecordResume() => _sessionsStarted.Add(1, new KeyValuePair<string, object?>(TelemetryTags.Kind, TelemetryTags.Of(SessionStartKind.Resumed)));

    /// <summary>Starts timing a sign-in and its span; complete the result with the outcome.</summary>
    public SignInOperation StartSignIn(SessionCorrelationId session) =>
        new(this, new TimedOperation(_signInDuration, _timeProvider, StartSpan("pop3webmail.sign_in", session, kind: null), kind: null));

    /// <summary>Starts timing a listing (the first page, a background page, a refresh) and its span.</summary>
    public MailOperation StartListing(SessionCorrelationId session, ListingKind kind)
    {
        var tag = new KeyValuePair<string, object?>(TelemetryTags.Kind, TelemetryTags.Of(kind));
        return new MailOperation(new TimedOperation(_listingDuration, _timeProvider, StartSpan("pop3webmail.listing", session, tag), tag));
    }

    /// <summary>Starts timing a message open and its span.</summary>
    public MailOperation StartMessageOpen(SessionCorrelationId session) =>
        new(new TimedOperation(_messageOpenDuration, _timeProvider, StartSpan("pop3webmail.message_open", session, kind: null), kind: null));

    public void RecordRateLimitRejection() => _rateLimitRejections.Add(1);

    public void RecordReconnect(ReconnectOutcome outcome) => _reconnects.Add(1, Tag(TelemetryTags.Outcome, outcome));

    public void RecordTakeOver() => _takeOvers.Add(1);

    public void RecordQuit(QuitOutcome outcome) => _quits.Add(1, Tag(TelemetryTags.Outcome, outcome));

    /// <summary><paramref name="count"/> marked messages were committed by QUIT, or discarded (RSET, undo, failed QUIT).</summary>
    public void RecordPendingDeletions(PendingDeletionOutcome outcome, int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        if (count > 0)
        {
            _deletions.Add(count, Tag(TelemetryTags.Outcome, outcome));
        }
    }

    public void RecordStoreLookup(StoreLookupResult result) => _storeLookups.Add(1, Tag(TelemetryTags.Result, result));

    // ---- called by MailWorkScheduler ---------------------------------------------------------------------------------

    internal void RecordSchedulerCapacity(int slots) => _schedulerCapacity.Add(slots);

    internal void RecordWorkQueued(MailWorkPriority priority) => _schedulerQueued.Add(1, Tag(TelemetryTags.Priority, priority));

    internal void RecordWorkLeftQueue(MailWorkPriority priority) => _schedulerQueued.Add(-1, Tag(TelemetryTags.Priority, priority));

    internal void RecordWorkStarted(MailWorkPriority priority, TimeSpan waited, bool aged)
    {
        var priorityTag = Tag(TelemetryTags.Priority, priority);
        _schedulerInUse.Add(1, priorityTag);
        _schedulerWait.Record(waited.TotalSeconds, priorityTag, Tag(TelemetryTags.Outcome, OperationOutcome.Succeeded));
        if (aged)
        {
            _schedulerAged.Add(1, priorityTag);
        }
    }

    internal void RecordWorkCancelled(MailWorkPriority priority, TimeSpan waited) =>
        _schedulerWait.Record(waited.TotalSeconds, Tag(TelemetryTags.Priority, priority), Tag(TelemetryTags.Outcome, OperationOutcome.Cancelled));

    internal void RecordWorkFinished(MailWorkPriority priority) => _schedulerInUse.Add(-1, Tag(TelemetryTags.Priority, priority));

    public void Dispose() => ActivitySource.Dispose(); // the meter belongs to the meter factory, which disposes it

    internal static string SignInOutcomeTag(SignInError outcome) =>
        outcome == SignInError.None ? SignInSuccess : TelemetryTags.Of(outcome);

    internal void CountSignIn(SignInError outcome) =>
        _signIns.Add(1, new KeyValuePair<string, object?>(TelemetryTags.Outcome, SignInOutcomeTag(outcome)));

    internal void CountSessionEnd(SignOutReason reason)
    {
        _activeSessions.Add(-1);
        _sessionsEnded.Add(1, Tag(TelemetryTags.Reason, reason));
    }

    private static KeyValuePair<string, object?> Tag<TEnum>(string key, TEnum value)
        where TEnum : struct, Enum => new(key, TelemetryTags.Of(value));

    private Activity? StartSpan(string name, SessionCorrelationId session, KeyValuePair<string, object?>? kind)
    {
        var activity = ActivitySource.StartActivity(name, ActivityKind.Internal);
        if (activity is not null)
        {
            activity.SetTag(TelemetryTags.SessionId, session.ToString());
            if (kind is { } tag)
            {
                activity.SetTag(tag.Key, tag.Value);
            }
        }

        return activity;
    }
}

file static class MeterExtensions
{
    public static Histogram<double> CreateHistogram(this Meter meter, string name, string unit, string description, double[] buckets) =>
        meter.CreateHistogram(name, unit, description, tags: null, advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = buckets });
}
