using Pop3Webmail.Web.MailboxState;

namespace Pop3Webmail.Web.Session.Visit;

/// <summary>A visit's memory on its way: opened by the store while the mailbox is being listed.</summary>
/// <param name="Opening">The open; ends when the memory is open, or with the visit.</param>
/// <param name="Store">The store opening it, to tell a memory being opened from one waiting for its turn.</param>
internal sealed record PendingMemory(Task<VisitMemory> Opening, IMailboxStateStore Store)
{
    /// <summary>
    /// Whether the first page should wait for it: it is open, or being opened now (tens of milliseconds). Not while
    /// opens queue behind a crowd's key derivations: that wait is seconds, and the page is worth more than its marks.
    /// </summary>
    public bool WorthWaitingFor => Opening.IsCompleted || !Store.IsCrowded;
}
