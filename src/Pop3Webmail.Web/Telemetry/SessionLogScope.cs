using System.Collections;

namespace Pop3Webmail.Web.Telemetry;

/// <summary>
/// The logging scope that tags every log line of one visit with <c>SessionId</c>. Structured sinks (JSON console,
/// OpenTelemetry) get it as a property; the simple console prints it as <c>=&gt; SessionId:…</c> when scopes are on.
/// </summary>
public static class SessionLogScope
{
    public const string PropertyName = "SessionId";

    /// <summary>
    /// Opens the scope on <paramref name="logger"/>'s factory (scopes are shared by every logger of the factory, so the
    /// POP3 library's lines inside it carry the id too). It flows with the async context: work started inside it, such
    /// as a keep-alive loop, stays in it. Dispose it to close.
    /// </summary>
    public static IDisposable? BeginSessionScope(this ILogger logger, SessionCorrelationId session)
    {
        ArgumentNullException.ThrowIfNull(logger);
        return logger.BeginScope(new SessionScopeState(session));
    }

    /// <summary>One key/value pair, as <see cref="ILogger.BeginScope{TState}"/> expects of structured scope state.</summary>
    private sealed class SessionScopeState(SessionCorrelationId session) : IReadOnlyList<KeyValuePair<string, object?>>
    {
        public int Count => 1;

        public KeyValuePair<string, object?> this[int index] =>
            index == 0 ? new(PropertyName, session.ToString()) : throw new ArgumentOutOfRangeException(nameof(index));

        public IEnumerator<KeyValuePair<string, object?>> GetEnumerator()
        {
            yield return this[0];
        }

        IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

        public override string ToString() => PropertyName + ":" + session.ToString();
    }
}
