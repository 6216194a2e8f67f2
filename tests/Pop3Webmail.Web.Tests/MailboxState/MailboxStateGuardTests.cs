using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Pop3Webmail.Web.MailboxState;

namespace Pop3Webmail.Web.Tests.MailboxState;

public sealed class MailboxStateGuardTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 3, 2, 9, 0, 0, TimeSpan.Zero));
    private readonly MailboxStateGuard _guard;

    public MailboxStateGuardTests()
    {
        _guard = new MailboxStateGuard(Timeout, _time, NullLogger.Instance);
    }

    public static TheoryData<Exception> StoreFailures() =>
    [
        new SqliteException("database or disk is full", 13),
        new IOException("No space left on device"),
        new UnauthorizedAccessException("Access to the path is denied."),
        new TimeoutException("Timeout during connection attempt"),
        new ObjectDisposedException("NpgsqlDataSource"),
    ];

    [Theory]
    [MemberData(nameof(StoreFailures))]
    public async Task StoreFailuresBecomeUnavailableWithTheCauseInside(Exception failure)
    {
        var thrown = await Assert.ThrowsAsync<MailboxStateUnavailableException>(
            () => _guard.RunAsync<int>("test", _ => throw failure, TestContext.Current.CancellationToken));

        Assert.Same(failure, thrown.InnerException);
    }

    [Fact]
    public async Task AnOperationOverTheTimeoutBecomesUnavailable()
    {
        var running = _guard.RunAsync("test", async token =>
        {
            await Task.Delay(System.Threading.Timeout.Infinite, token);
            return 0;
        }, TestContext.Current.CancellationToken);

        _time.Advance(Timeout);

        var thrown = await Assert.ThrowsAsync<MailboxStateUnavailableException>(() => running);
        Assert.IsAssignableFrom<OperationCanceledException>(thrown.InnerException);
    }

    [Fact]
    public async Task TheCallersCancellationStaysACancellationAndDoesNotRestTheStore()
    {
        using var caller = new CancellationTokenSource();
        var running = _guard.RunAsync("test", async token =>
        {
            await Task.Delay(System.Threading.Timeout.Infinite, token);
            return 0;
        }, caller.Token);

        await caller.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => running);
        _guard.ThrowIfResting();
    }

    [Fact]
    public async Task UnexpectedExceptionsPassThroughUnchanged()
    {
        await Assert.ThrowsAsync<InvalidOperationException>(
            () => _guard.RunAsync<int>("test", _ => throw new InvalidOperationException("a bug"), TestContext.Current.CancellationToken));

        _guard.ThrowIfResting();
    }

    [Fact]
    public async Task AfterAFailureTheStoreRestsUntilTheRetryTime()
    {
        await Assert.ThrowsAsync<MailboxStateUnavailableException>(
            () => _guard.RunAsync<int>("test", _ => throw new IOException("disk"), TestContext.Current.CancellationToken));

        Assert.Throws<MailboxStateUnavailableException>(_guard.ThrowIfResting);
        _time.Advance(MailboxStateGuard.RetryAfterFailure - TimeSpan.FromSeconds(1));
        Assert.Throws<MailboxStateUnavailableException>(_guard.ThrowIfResting);
        _time.Advance(TimeSpan.FromSeconds(1));
        _guard.ThrowIfResting();
    }
}
