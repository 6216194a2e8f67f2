using System.Diagnostics;
using System.Reflection;
using System.Text.RegularExpressions;
using Pop3Webmail.Web.Scheduling;
using Pop3Webmail.Web.Session;
using Pop3Webmail.Web.Telemetry;

namespace Pop3Webmail.Web.Tests.Telemetry;

public sealed partial class MailboxTelemetryTests : IDisposable
{
    private readonly TelemetryCapture _capture = new();
    private readonly SessionCorrelationId _session = SessionCorrelationId.NewId();

    private MailboxTelemetry Telemetry => _capture.Telemetry;

    public void Dispose() => _capture.Dispose();

    [Theory]
    [InlineData(SignInError.None, "success")]
    [InlineData(SignInError.InvalidCredentials, "invalid_credentials")]
    [InlineData(SignInError.MailboxInUse, "mailbox_in_use")]
    [InlineData(SignInError.RateLimited, "rate_limited")]
    public void ASignInIsCountedByItsOutcome(SignInError outcome, string expectedTag)
    {
        using var signIn = Telemetry.StartSignIn(_session);
        _capture.Time.Advance(TimeSpan.FromMilliseconds(250));

        signIn.Complete(outcome);

        var count = Assert.Single(_capture.Of("pop3webmail.signins"));
        Assert.Equal(1, count.Value);
        Assert.Equal(expectedTag, count.Tag("outcome"));
        var duration = Assert.Single(_capture.Of("pop3webmail.signin.duration"));
        Assert.Equal(0.25, duration.Value, precision: 6);
        Assert.Equal(expectedTag, duration.Tag("outcome"));
    }

    [Fact]
    public void CompletingASignInTwiceCountsItOnce()
    {
        using var signIn = Telemetry.StartSignIn(_session);

        signIn.Complete(SignInError.None);
        signIn.Complete(SignInError.ServerUnreachable);

        Assert.Equal(1, _capture.Sum("pop3webmail.signins"));
        Assert.Equal(1, _capture.Sum("pop3webmail.signins", "outcome", "success"));
    }

    [Fact]
    public void TheSignInSpanCarriesTheOutcomeAndTheVisitIdAndFailsOnAnError()
    {
        using (var signIn = Telemetry.StartSignIn(_session))
        {
            Assert.Equal("pop3webmail.sign_in", Activity.Current?.OperationName); // POP3 work inside becomes its child
            signIn.Complete(SignInError.InvalidCredentials);
        }

        var span = Assert.Single(_capture.Spans);
        Assert.Equal("pop3webmail.sign_in", span.OperationName);
        Assert.Equal(ActivityStatusCode.Error, span.Status);
        Assert.Equal("invalid_credentials", span.GetTagItem("outcome"));
        Assert.Equal(_session.ToString(), span.GetTagItem("session.id"));
        Assert.Null(Activity.Current);
    }

    [Fact]
    public void AnOperationDisposedUnfinishedEndsItsSpanAsAbandonedAndCountsNothing()
    {
        using (Telemetry.StartMessageOpen(_session))
        {
            _capture.Time.Advance(TimeSpan.FromSeconds(1));
        }

        var span = Assert.Single(_capture.Spans);
        Assert.Equal("abandoned", span.GetTagItem("outcome"));
        Assert.Equal(ActivityStatusCode.Error, span.Status);
        Assert.Empty(_capture.Of("pop3webmail.message.open.duration"));
    }

    [Fact]
    public void AListingRecordsItsDurationByKindAndOutcome()
    {
        using var listing = Telemetry.StartListing(_session, ListingKind.FirstPage);
        _capture.Time.Advance(TimeSpan.FromMilliseconds(40));

        listing.Complete(OperationOutcome.Succeeded);

        var duration = Assert.Single(_capture.Of("pop3webmail.listing.duration"));
        Assert.Equal(0.04, duration.Value, precision: 6);
        Assert.Equal("first_page", duration.Tag("kind"));
        Assert.Equal("succeeded", duration.Tag("outcome"));
        var span = Assert.Single(_capture.Spans);
        Assert.Equal(("pop3webmail.listing", ActivityStatusCode.Ok, "first_page"), (span.OperationName, span.Status, (string?)span.GetTagItem("kind")));
    }

    [Fact]
    public void ActiveSessionsGoUpOnStartAndDownOnceHoweverOftenTheSessionEnds()
    {
        var first = Telemetry.StartSession();
        var second = Telemetry.StartSession();

        first.End(SignOutReason.UserSignedOut);
        first.End(SignOutReason.CircuitClosed);

        Assert.True(first.IsEnded);
        Assert.False(second.IsEnded);
        Assert.Equal(1, _capture.Sum("pop3webmail.sessions.active"));
        Assert.Equal(2, _capture.Sum("pop3webmail.sessions.started", "kind", "signed_in"));
        var ended = Assert.Single(_capture.Of("pop3webmail.sessions.ended"));
        Assert.Equal("user_signed_out", ended.Tag("reason"));
    }

    [Fact]
    public void AResumeCountsAsAStartButNotAsAnotherActiveSession()
    {
        Telemetry.StartSession();

        Telemetry.RecordResume();

        Assert.Equal(1, _capture.Sum("pop3webmail.sessions.started", "kind", "resumed"));
        Assert.Equal(1, _capture.Sum("pop3webmail.sessions.active"));
    }

    [Fact]
    public void PendingDeletionsAddTheirCountAndAnEmptyBatchRecordsNothing()
    {
        Telemetry.RecordPendingDeletions(PendingDeletionOutcome.Committed, 3);
        Telemetry.RecordPendingDeletions(PendingDeletionOutcome.Discarded, 0);

        var committed = Assert.Single(_capture.Of("pop3webmail.deletions"));
        Assert.Equal((3d, "committed"), (committed.Value, committed.Tag("outcome")));
        Assert.Throws<ArgumentOutOfRangeException>(() => Telemetry.RecordPendingDeletions(PendingDeletionOutcome.Committed, -1));
    }

    [Fact]
    public void AValueOutsideAnEnumIsTaggedUnknownNotWithItsNumber()
    {
        Telemetry.RecordQuit((QuitOutcome)42);

        Assert.Equal("unknown", Assert.Single(_capture.Of("pop3webmail.quits")).Tag("outcome"));
    }

    [Theory]
    [InlineData("InvalidCredentials", "invalid_credentials")]
    [InlineData("Hit", "hit")]
    [InlineData("ApplicationStopping", "application_stopping")]
    public void TagValuesAreEnumNamesInSnakeCase(string name, string expected) =>
        Assert.Equal(expected, TelemetryTags.SnakeCase(name));

    /// <summary>
    /// The guarantee by construction: nothing that records telemetry accepts text, so a user name, password, server
    /// host, UIDL or subject has no way in. Fails as soon as someone adds a string (or object) parameter.
    /// </summary>
    [Fact]
    public void NoTelemetryMethodAcceptsText()
    {
        Type[] types = [typeof(MailboxTelemetry), typeof(SignInOperation), typeof(MailOperation), typeof(TrackedSession)];
        const BindingFlags members = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;

        var offenders = types
            .SelectMany(t => t.GetMethods(members).Where(m => !m.IsPrivate).Cast<MethodBase>().Concat(t.GetConstructors(members)))
            .SelectMany(m => m.GetParameters().Select(p => (Method: m, Parameter: p)))
            .Where(x => x.Parameter.ParameterType == typeof(string) || x.Parameter.ParameterType == typeof(object))
            .Select(x => $"{x.Method.DeclaringType!.Name}.{x.Method.Name}({x.Parameter.Name})")
            .ToList();

        Assert.Empty(offenders);
    }

    /// <summary>
    /// Every recording method, exercised: each tag on every measurement and span is a known key with a value from the
    /// enums (snake_case words), or the visit's random id on spans. Nothing else, so no free text.
    /// </summary>
    [Fact]
    public void EveryTagIsAKnownKeyWithAnEnumWordOrTheRandomVisitId()
    {
        ExerciseEverything(Telemetry, _session);

        string[] keys = ["outcome", "reason", "kind", "result", "priority"];
        Assert.NotEmpty(_capture.Measurements);
        foreach (var measurement in _capture.Measurements)
        {
            foreach (var (key, value) in measurement.Tags)
            {
                Assert.Contains(key, keys);
                Assert.Matches(EnumWord(), Assert.IsType<string>(value));
            }
        }

        Assert.Equal(Enum.GetValues<SignInError>().Length + (3 * 3) + 1, _capture.Spans.Count);
        foreach (var span in _capture.Spans)
        {
            foreach (var (key, value) in span.TagObjects)
            {
                Assert.True(keys.Contains(key) || key == "session.id", key);
                Assert.Matches(key == "session.id" ? "^[0-9a-f]{16}$" : EnumWord().ToString(), Assert.IsType<string>(value));
            }
        }
    }

    [Fact]
    public void EveryRecordingMethodIsCoveredByTheTagAudit()
    {
        // The audit above calls every public recording method; a new one must be added there (and to
        // docs/operations.md) before this passes.
        var recording = typeof(MailboxTelemetry).GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly)
            .Where(m => m.Name != nameof(IDisposable.Dispose))
            .Select(m => m.Name)
            .Order();

        Assert.Equal(
            [
                nameof(MailboxTelemetry.RecordPendingDeletions), nameof(MailboxTelemetry.RecordQuit), nameof(MailboxTelemetry.RecordRateLimitRejection),
                nameof(MailboxTelemetry.RecordReconnect), nameof(MailboxTelemetry.RecordResume), nameof(MailboxTelemetry.RecordStoreLookup), nameof(MailboxTelemetry.RecordTakeOver),
                nameof(MailboxTelemetry.StartListing), nameof(MailboxTelemetry.StartMessageOpen), nameof(MailboxTelemetry.StartSession),
                nameof(MailboxTelemetry.StartSignIn),
            ],
            recording);
    }

    /// <summary>Calls every recording method with every enum value (also used by the scrape and dashboard tests).</summary>
    internal static void ExerciseEverything(MailboxTelemetry telemetry, SessionCorrelationId session)
    {
        foreach (var error in Enum.GetValues<SignInError>())
        {
            using var signIn = telemetry.StartSignIn(session);
            signIn.Complete(error);
        }

        foreach (var kind in Enum.GetValues<ListingKind>())
        {
            foreach (var outcome in Enum.GetValues<OperationOutcome>())
            {
                using var listing = telemetry.StartListing(session, kind);
                listing.Complete(outcome);
            }
        }

        using (var open = telemetry.StartMessageOpen(session))
        {
            open.Complete(OperationOutcome.Succeeded);
        }

        telemetry.StartSession().End(SignOutReason.TakenOver);
        telemetry.RecordResume();
        telemetry.StartSession(); // one left open, so the gauge is not zero
        telemetry.RecordRateLimitRejection();
        telemetry.RecordTakeOver();
        Array.ForEach(Enum.GetValues<ReconnectOutcome>(), telemetry.RecordReconnect);
        Array.ForEach(Enum.GetValues<QuitOutcome>(), telemetry.RecordQuit);
        Array.ForEach(Enum.GetValues<PendingDeletionOutcome>(), o => telemetry.RecordPendingDeletions(o, 2));
        Array.ForEach(Enum.GetValues<StoreLookupResult>(), telemetry.RecordStoreLookup);
        foreach (var priority in Enum.GetValues<MailWorkPriority>())
        {
            telemetry.RecordWorkQueued(priority);
            telemetry.RecordWorkLeftQueue(priority);
            telemetry.RecordWorkStarted(priority, TimeSpan.FromMilliseconds(5), aged: true);
            telemetry.RecordWorkCancelled(priority, TimeSpan.FromMilliseconds(5));
            telemetry.RecordWorkFinished(priority);
        }
    }

    [GeneratedRegex("^[a-z]+(_[a-z]+)*$")]
    private static partial Regex EnumWord();
}
