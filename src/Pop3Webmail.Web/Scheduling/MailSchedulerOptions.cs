using System.ComponentModel.DataAnnotations;

namespace Pop3Webmail.Web.Scheduling;

/// <summary>The <c>Mail:Scheduler</c> configuration section: how much POP3 work runs at once across all sessions.</summary>
public sealed class MailSchedulerOptions
{
    public const string SectionName = "Mail:Scheduler";

    /// <summary>
    /// The default for the 2-core machines this app is sized for. A POP3 step is mostly waiting on the server (a login
    /// costs 12-15 ms of wall time against a local Dovecot, of which this process spends a small part on the CPU for
    /// TLS and parsing), so about 8 steps in flight per core keep both cores and the server busy. Many more only lets
    /// a crowd of sign-ins share the CPU evenly and all finish late; far fewer leaves the cores idle while steps wait
    /// on the network.
    /// </summary>
    public const int DefaultMaxConcurrency = 16;

    /// <summary>How many POP3 work items (across every session) run at once; the rest wait in priority order.</summary>
    [Range(1, 10_000)]
    public int MaxConcurrency { get; init; } = DefaultMaxConcurrency;

    /// <summary>
    /// Starvation guard: work that has waited this long is served before younger work of any priority, oldest first.
    /// Long enough for a burst of sign-ins to get through first (a 200-user burst takes a few seconds here), far
    /// shorter than any server's autologout timer, so a keep-alive NOOP is never postponed into a disconnect.
    /// </summary>
    public TimeSpan AgingThreshold { get; init; } = TimeSpan.FromSeconds(5);
}
