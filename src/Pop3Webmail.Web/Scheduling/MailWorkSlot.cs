namespace Pop3Webmail.Web.Scheduling;

/// <summary>Permission to run one POP3 work item. Dispose it when the work is done; disposing twice releases once.</summary>
public sealed class MailWorkSlot : IDisposable
{
    private MailWorkScheduler? _scheduler;

    internal MailWorkSlot(MailWorkScheduler scheduler, MailWorkPriority priority)
    {
        _scheduler = scheduler;
        Priority = priority;
    }

    public MailWorkPriority Priority { get; }

    public void Dispose() => Interlocked.Exchange(ref _scheduler, null)?.Release(Priority);
}
