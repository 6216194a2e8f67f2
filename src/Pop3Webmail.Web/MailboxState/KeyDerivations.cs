namespace Pop3Webmail.Web.MailboxState;

/// <summary>
/// Lets at most <c>slots</c> mailbox opens run at once; each costs a key derivation (PBKDF2: tens of milliseconds of
/// CPU), run off the caller's thread (a circuit's, in Blazor Server). Unbounded, a crowd signing in together queues
/// hundreds of derivations on the thread pool ahead of everything else the app does: every sign-in, and every other
/// user's page, then waits for the last one. An open still waiting for its slot gives up with its caller (a visit that
/// ended), so no CPU goes to a memory nobody will read.
/// </summary>
internal sealed class KeyDerivations(int slots) : IDisposable
{
    private readonly SemaphoreSlim _slots = new(slots, slots);
    private int _waiting;

    /// <summary>Half the cores (at least one): the other half stays free for the sign-ins' POP3 work and every page.</summary>
    public static int DefaultSlots => Math.Max(1, Environment.ProcessorCount / 2);

    /// <summary>True while an open waits for a slot.</summary>
    public bool IsCrowded => Volatile.Read(ref _waiting) > 0;

    /// <summary>Runs <paramref name="open"/> once a slot is free; the wait for it ends only with <paramref name="cancellationToken"/>.</summary>
    public async Task<T> RunAsync<T>(Func<CancellationToken, Task<T>> open, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _waiting);
        try
        {
            await _slots.WaitAsync(cancellationToken);
        }
        finally
        {
            Interlocked.Decrement(ref _waiting);
        }

        try
        {
            return await open(cancellationToken);
        }
        finally
        {
            _slots.Release();
        }
    }

    public void Dispose() => _slots.Dispose();
}
