using System.Diagnostics;
using System.Diagnostics.Metrics;
using Pop3Webmail.Web.Session;

namespace Pop3Webmail.Web.Telemetry;

/// <summary>
/// The shared part of <see cref="SignInOperation"/> and <see cref="MailOperation"/>: a span (when anyone listens) and
/// a duration recorded once, tagged with the outcome. Completing twice, or disposing after completing, does nothing.
/// </summary>
internal sealed class TimedOperation
{
    /// <summary>The span outcome of an operation disposed without being completed (the circuit went away mid-way).</summary>
    public const string Abandoned = "abandoned";

    private readonly Histogram<double> _duration;
    private readonly TimeProvider _timeProvider;
    private readonly long _started;
    private readonly Activity? _activity;
    private readonly KeyValuePair<string, object?>? _kind;
    private int _finished;

    public TimedOperation(Histogram<double> duration, TimeProvider timeProvider, Activity? activity, KeyValuePair<string, object?>? kind)
    {
        _duration = duration;
        _timeProvider = timeProvider;
        _activity = activity;
        _kind = kind;
        _started = timeProvider.GetTimestamp();
    }

    /// <summary>Records the duration and ends the span; false when the operation was already finished.</summary>
    public bool Finish(string outcome, bool failed)
    {
        if (Interlocked.Exchange(ref _finished, 1) != 0)
        {
            return false;
        }

        var seconds = _timeProvider.GetElapsedTime(_started).TotalSeconds;
        var outcomeTag = new KeyValuePair<string, object?>(TelemetryTags.Outcome, outcome);
        if (_kind is { } kind)
        {
            _duration.Record(seconds, kind, outcomeTag);
        }
        else
        {
            _duration.Record(seconds, outcomeTag);
        }

        EndSpan(outcome, failed);
        return true;
    }

    /// <summary>Ends the span as abandoned without recording a duration: an unfinished operation has no outcome to count.</summary>
    public void Abandon()
    {
        if (Interlocked.Exchange(ref _finished, 1) == 0)
        {
            EndSpan(Abandoned, failed: true);
        }
    }

    private void EndSpan(string outcome, bool failed)
    {
        if (_activity is null)
        {
            return;
        }

        _activity.SetTag(TelemetryTags.Outcome, outcome);
        _activity.SetStatus(failed ? ActivityStatusCode.Error : ActivityStatusCode.Ok);
        _activity.Dispose(); // stops it and restores the parent as Activity.Current
    }
}

/// <summary>
/// One sign-in attempt, from the click to the first page or the error shown. Complete it with the outcome; dispose it
/// (e.g. with <c>using</c>) so a sign-in cut short by a closed tab still ends its span.
/// </summary>
public sealed class SignInOperation : IDisposable
{
    private readonly MailboxTelemetry _telemetry;
    private readonly TimedOperation _operation;

    internal SignInOperation(MailboxTelemetry telemetry, TimedOperation operation)
    {
        _telemetry = telemetry;
        _operation = operation;
    }

    /// <summary>Counts the sign-in by outcome (<see cref="SignInError.None"/> is success) and records its duration.</summary>
    public void Complete(SignInError outcome)
    {
        if (_operation.Finish(MailboxTelemetry.SignInOutcomeTag(outcome), failed: outcome != SignInError.None))
        {
            _telemetry.CountSignIn(outcome);
        }
    }

    public void Dispose() => _operation.Abandon();
}

/// <summary>A listing or a message open: complete it with the outcome, dispose it in any case.</summary>
public sealed class MailOperation : IDisposable
{
    private readonly TimedOperation _operation;

    internal MailOperation(TimedOperation operation) => _operation = operation;

    public void Complete(OperationOutcome outcome) =>
        _operation.Finish(TelemetryTags.Of(outcome), failed: outcome == OperationOutcome.Failed);

    public void Dispose() => _operation.Abandon();
}

/// <summary>
/// An open mailbox session as the active-sessions gauge sees it. <see cref="End"/> counts it down exactly once, however
/// often it is called (sign-out, circuit disposal and app shutdown may all try).
/// </summary>
public sealed class TrackedSession
{
    private readonly MailboxTelemetry _telemetry;
    private int _ended;

    internal TrackedSession(MailboxTelemetry telemetry) => _telemetry = telemetry;

    public bool IsEnded => Volatile.Read(ref _ended) != 0;

    public void End(SignOutReason reason)
    {
        if (Interlocked.Exchange(ref _ended, 1) == 0)
        {
            _telemetry.CountSessionEnd(reason);
        }
    }
}
