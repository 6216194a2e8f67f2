namespace Pop3Webmail.Web.MailboxState;

/// <summary>
/// Runs the store's key derivations (PBKDF2: tens of milliseconds of CPU each) off the caller's thread — a circuit's,
/// in Blazor Server — and at most <c>slots</c> at once. Unbounded, a crowd signing in together queues hundreds of
/// them on the thread pool ahead of everything else the app does: every sign-in, and every other user's page, then
/// waits for the last derivation, and visits that have long given up on the store still burn the CPU for theirs. A
/// derivation waiting for a slot gives up with its caller.
/// </summary>
internal sealed class KeyDerivations(int slots) : IDisposable
{
    private readonly SemaphoreSlim _slots = new(slots, slots);

    /// <summary>Half the cores (at least one): the other half stays free for the sign-ins' POP3 work and every page.</summary>
    public static int DefaultSlots => Math.Max(1, Environment.ProcessorCount / 2);

    public async Task<T> RunAsync<T>(Func<T> derive, CancellationToken cancellationToken)
    {
        await _slots.WaitAsync(cancellationToken);
        try
        {
            return await Task.Run(derive, cancellationToken);
        }
        finally
        {
            _slots.Release();
        }
    }

    public void Dispose() => _slots.Dispose();
}
