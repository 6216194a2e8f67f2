using Pop3Webmail.Web.MailboxState;

namespace Pop3Webmail.Web.Tests.MailboxState;

public sealed class KeyDerivationsTests
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task NoMoreDerivationsRunAtOnceThanThereAreSlots()
    {
        using var derivations = new KeyDerivations(slots: 2);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var twoRunning = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var running = 0;
        var mostAtOnce = 0;
        int Derive(int n)
        {
            var now = Interlocked.Increment(ref running);
            InterlockedMax(ref mostAtOnce, now);
            if (now == 2)
            {
                twoRunning.TrySetResult();
            }

            release.Task.Wait(Cancellation);
            Interlocked.Decrement(ref running);
            return n;
        }

        var all = Enumerable.Range(0, 6).Select(n => derivations.RunAsync(_ => Task.Run(() => Derive(n), Cancellation), Cancellation)).ToList();
        await twoRunning.Task.WaitAsync(Cancellation);
        release.SetResult();
        var results = await Task.WhenAll(all);

        Assert.Equal(Enumerable.Range(0, 6), results);
        Assert.Equal(2, mostAtOnce);
    }

    [Fact]
    public async Task AnOpenStillWaitingForASlotMakesTheStoreCrowdedAndGivesUpWithItsCallerWithoutRunning()
    {
        using var derivations = new KeyDerivations(slots: 1);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var firstRunning = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var first = derivations.RunAsync(_ => Task.Run(() =>
        {
            firstRunning.SetResult();
            release.Task.Wait(Cancellation);
            return 1;
        }, Cancellation), Cancellation);
        await firstRunning.Task.WaitAsync(Cancellation);
        using var givenUp = new CancellationTokenSource();
        var secondRan = false;
        var second = derivations.RunAsync(_ => Task.FromResult(secondRan = true), givenUp.Token);
        Assert.True(derivations.IsCrowded);

        await givenUp.CancelAsync();
        var waiting = await Assert.ThrowsAnyAsync<OperationCanceledException>(() => second);
        release.SetResult();

        Assert.Equal(givenUp.Token, waiting.CancellationToken);
        Assert.False(derivations.IsCrowded);
        Assert.Equal(1, await first);
        Assert.False(secondRan);
    }

    private static void InterlockedMax(ref int target, int value)
    {
        var current = Volatile.Read(ref target);
        while (value > current && Interlocked.CompareExchange(ref target, value, current) is var seen && seen != current)
        {
            current = seen;
        }
    }
}
