using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Pop3Webmail.Web.Configuration;
using Pop3Webmail.Web.MailboxState;

namespace Pop3Webmail.Web.Tests.MailboxState;

public sealed class MailboxStatePurgeServiceTests : IAsyncLifetime
{
    private const int PurgedEvent = 605;
    private const int UnavailableEvent = 600;
    private readonly string _root = Path.Combine(Path.GetTempPath(), "p3w-state-purge-" + Guid.NewGuid().ToString("N")[..10]);
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 3, 2, 9, 0, 0, TimeSpan.Zero));
    private readonly FakeLogCollector _logs = new();
    private readonly List<IAsyncDisposable> _disposables = [];

    private string DataDirectory => Path.Combine(_root, "state");

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        for (var i = _disposables.Count - 1; i >= 0; i--)
        {
            await _disposables[i].DisposeAsync();
        }

        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    [Fact]
    public async Task MailboxesNotVisitedWithinTheRetentionArePurgedEveryInterval()
    {
        var (store, service) = Create(retentionDays: 7);
        await using (var memory = await store.OpenAsync("server", "idle-user", "password", TestContext.Current.CancellationToken))
        {
            await memory!.RememberAsync(SampleMessages.Range(3), TestContext.Current.CancellationToken);
        }

        await service.StartAsync(TestContext.Current.CancellationToken);
        _time.Advance(MailboxStatePurgeService.Interval);
        Assert.Equal("0", (await NextLogAsync(PurgedEvent, r => true)).GetStructuredStateValue("Count"));

        _time.Advance(TimeSpan.FromDays(7));
        await NextLogAsync(PurgedEvent, r => r.GetStructuredStateValue("Count") == "1");

        await using var fresh = await store.OpenAsync("server", "idle-user", "password", TestContext.Current.CancellationToken);
        Assert.Empty(fresh!.Messages);
    }

    [Fact]
    public async Task NeitherStartingNorPurgingCreatesAStoreNobodyHasUsed()
    {
        var (_, service) = Create(retentionDays: 7);

        await service.StartAsync(TestContext.Current.CancellationToken);
        Assert.False(service.ExecuteTask!.IsCompleted, "it waits for its first round");
        _time.Advance(MailboxStatePurgeService.Interval);

        Assert.Equal("0", (await NextLogAsync(PurgedEvent, r => true)).GetStructuredStateValue("Count"));
        Assert.False(Directory.Exists(DataDirectory));
    }

    [Theory]
    [InlineData(true, 0)]
    [InlineData(false, 90)]
    public async Task WithoutRetentionOrWithTheStoreOffTheServiceEndsAtOnce(bool remember, int retentionDays)
    {
        var (_, service) = Create(retentionDays, remember);

        await service.StartAsync(TestContext.Current.CancellationToken);

        await service.ExecuteTask!.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
        Assert.True(service.ExecuteTask.IsCompletedSuccessfully);
    }

    [Fact]
    public async Task AFailingStoreIsTriedAgainAtTheNextRound()
    {
        Directory.CreateDirectory(DataDirectory);
        var databaseFile = Path.Combine(DataDirectory, "mailbox-state.db");
        await File.WriteAllTextAsync(databaseFile, new string('#', 8192), TestContext.Current.CancellationToken);
        var (store, service) = Create(retentionDays: 7);
        await service.StartAsync(TestContext.Current.CancellationToken);

        _time.Advance(MailboxStatePurgeService.Interval);
        await NextLogAsync(UnavailableEvent, r => true);

        File.Delete(databaseFile);
        _time.Advance(MailboxStateGuard.RetryAfterFailure);
        await using (var memory = await store.OpenAsync("server", "idle-user", "password", TestContext.Current.CancellationToken))
        {
            await memory!.RememberAsync(SampleMessages.Range(1), TestContext.Current.CancellationToken);
        }

        _time.Advance(TimeSpan.FromDays(8));
        await NextLogAsync(PurgedEvent, r => r.GetStructuredStateValue("Count") == "1");
        Assert.False(service.ExecuteTask!.IsCompleted);
    }

    private (MailboxStateStore Store, MailboxStatePurgeService Service) Create(int retentionDays, bool remember = true)
    {
        var options = Options.Create(new MailOptions
        {
            RememberMailbox = remember,
            State = new MailStateOptions { DataDirectory = DataDirectory, RetentionDays = retentionDays, KeyDerivationIterations = 100_000 },
        });
        var logger = new FakeLogger<MailboxStateStore>(_logs);
        var store = new MailboxStateStore(options, _time, logger);
        var service = new MailboxStatePurgeService(store, options, _time, new FakeLogger<MailboxStatePurgeService>(_logs));
        _disposables.Add(store);
        _disposables.Add(new StopOnDispose(service));
        return (store, service);
    }

    /// <summary>Waits (bounded) for the first record with event id <paramref name="eventId"/> that <paramref name="matches"/>.</summary>
    private async Task<FakeLogRecord> NextLogAsync(int eventId, Func<FakeLogRecord, bool> matches)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(10));
        await foreach (var record in _logs.GetLogsAsync(timeout.Token))
        {
            if (record.Id.Id == eventId && matches(record))
            {
                return record;
            }
        }

        throw new InvalidOperationException("The log ended.");
    }

    private sealed class StopOnDispose(MailboxStatePurgeService service) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await service.StopAsync(CancellationToken.None);
            service.Dispose();
        }
    }
}
