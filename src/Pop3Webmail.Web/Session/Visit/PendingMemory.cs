using Pop3Webmail.Web.MailboxState;
using Pop3Webmail.Web.Session.Wire;

namespace Pop3Webmail.Web.Session.Visit;

/// <summary>
/// A visit's memory on its way: opened by the store while the mailbox is being listed, and handed to the visit's marks
/// either before the first page (when it is worth the wait) or when it opens, whichever the store's load allows.
/// </summary>
/// <param name="opening">The open; ends when the memory is open, or with the visit.</param>
/// <param name="store">The store opening it, to tell a memory being opened from one waiting for its turn.</param>
internal sealed class PendingMemory(Task<VisitMemory> opening, IMailboxStateStore store)
{
    /// <summary>The open; ends when the memory is open, or with the visit.</summary>
    public Task<VisitMemory> Opening => opening;

    /// <summary>
    /// Whether the first page should wait for it: it is open, or being opened now (tens of milliseconds). Not while
    /// opens queue behind a crowd's key derivations: that wait is seconds, and the page is worth more than its marks.
    /// </summary>
    public bool WorthWaitingFor => opening.IsCompleted || !store.IsCrowded;

    /// <summary>Hands the memory to <paramref name="marks"/> now (the caller holds the wire); false when it is not worth the wait.</summary>
    public async Task<bool> TryAttachNowAsync(VisitMarks marks)
    {
        ArgumentNullException.ThrowIfNull(marks);
        if (!WorthWaitingFor)
        {
            return false;
        }

        await AttachAsync(marks, await opening);
        return true;
    }

    /// <summary>
    /// Waits until the memory opens, then hands it to <paramref name="marks"/> with the wire held (recalling adds rows
    /// to the index the background listing works on) and calls <paramref name="attached"/>; a visit that ended first
    /// lets it go unread. Never throws.
    /// </summary>
    public async Task AttachWhenOpenAsync(VisitMarks marks, MailboxWire wire, Action attached, CancellationToken lifetime)
    {
        ArgumentNullException.ThrowIfNull(marks);
        ArgumentNullException.ThrowIfNull(wire);
        ArgumentNullException.ThrowIfNull(attached);
        VisitMemory memory;
        try
        {
            memory = await opening;
        }
        catch (OperationCanceledException)
        {
            return; // The visit ended before its turn came.
        }

        try
        {
            using (await wire.AcquireAsync(lifetime))
            {
                await AttachAsync(marks, memory);
            }

            attached();
        }
        catch (Exception ex) when (ex is OperationCanceledException or MailboxException or ObjectDisposedException)
        {
            // The visit ended meanwhile.
            await memory.DisposeAsync();
        }
    }

    private static async Task AttachAsync(VisitMarks marks, VisitMemory memory)
    {
        if (!marks.Attach(memory))
        {
            await memory.DisposeAsync();
        }
    }
}
