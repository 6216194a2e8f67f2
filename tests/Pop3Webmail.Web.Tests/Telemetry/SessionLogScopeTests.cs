using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Pop3Webmail.Web.Telemetry;

namespace Pop3Webmail.Web.Tests.Telemetry;

public sealed class SessionLogScopeTests : IDisposable
{
    private readonly FakeLogCollector _collector = new();
    private readonly ILoggerFactory _factory;

    public SessionLogScopeTests() => _factory = LoggerFactory.Create(b => b.AddProvider(new FakeLoggerProvider(_collector)));

    public void Dispose() => _factory.Dispose();

    [Fact]
    public void LinesOfAnyCategoryInsideTheScopeCarryTheSessionId()
    {
        var session = SessionCorrelationId.NewId();
        var sessionLogger = _factory.CreateLogger("Pop3Webmail.Web.Session.MailboxSession");
        var libraryLogger = _factory.CreateLogger("Pop3Webmail.Pop3.Pop3Client");

        using (sessionLogger.BeginSessionScope(session))
        {
            Write(sessionLogger, "Signed in");
            Write(libraryLogger, "C: STAT");
        }

        Write(libraryLogger, "outside");

        var records = _collector.GetSnapshot();
        Assert.Equal([session.ToString(), session.ToString(), null], records.Select(SessionIdOf));
    }

    [Fact]
    public async Task WorkStartedInsideTheScopeKeepsItAfterTheStarterMovesOn()
    {
        var session = SessionCorrelationId.NewId();
        var logger = _factory.CreateLogger("KeepAlive");
        var release = new TaskCompletionSource();
        Task loop;

        using (logger.BeginSessionScope(session))
        {
            loop = Task.Run(
                async () =>
                {
                    await release.Task.WaitAsync(TestContext.Current.CancellationToken);
                    Write(logger, "NOOP");
                },
                TestContext.Current.CancellationToken);
        }

        release.SetResult();
        await loop;

        Assert.Equal(session.ToString(), SessionIdOf(Assert.Single(_collector.GetSnapshot())));
    }

    [Fact]
    public void EachVisitGetsItsOwnRandomSixteenHexDigitId()
    {
        var ids = Enumerable.Range(0, 100).Select(_ => new SessionCorrelation().Id.ToString()).ToList();

        Assert.All(ids, id => Assert.Matches("^[0-9a-f]{16}$", id));
        Assert.Equal(ids.Count, ids.Distinct().Count());
    }

    [Fact]
    public async Task TheCircuitHandlerRunsEveryInboundActivityInsideTheVisitScope()
    {
        var correlation = new SessionCorrelation();
        var handler = new SessionLoggingCircuitHandler(correlation, _factory.CreateLogger<SessionLoggingCircuitHandler>());
        var pageLogger = _factory.CreateLogger("Pop3Webmail.Web.Components.Pages.Inbox");

        // The handler never looks at the context; the framework's type has no public constructor.
        var wrapped = handler.CreateInboundActivityHandler(_ =>
        {
            Write(pageLogger, "Delete clicked");
            return Task.CompletedTask;
        });
        await wrapped(null!);
        Write(pageLogger, "not in a circuit event");

        var records = _collector.GetSnapshot();
        Assert.Equal([correlation.Id.ToString(), null], records.Select(SessionIdOf));
    }

    private static void Write(ILogger logger, string message) => logger.Log(LogLevel.Information, default, message, null, static (m, _) => m);

    private static string? SessionIdOf(FakeLogRecord record) =>
        record.Scopes.OfType<IEnumerable<KeyValuePair<string, object?>>>()
            .SelectMany(s => s)
            .Where(p => p.Key == SessionLogScope.PropertyName)
            .Select(p => p.Value as string)
            .SingleOrDefault();
}
