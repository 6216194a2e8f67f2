using Microsoft.Extensions.Options;
using Pop3Webmail.Web.Configuration;
using Pop3Webmail.Web.Downloads;
using Pop3Webmail.Web.Mail;
using Pop3Webmail.Web.Scheduling;
using Pop3Webmail.Web.Telemetry;

namespace Pop3Webmail.Web.Session.Visit;

/// <summary>
/// The app-wide services every visit uses, handed over as one (one instance for the app; nothing in it is about a
/// user): how to reach a server and how much POP3 work may run at once, where links, rendering and measurements go.
/// </summary>
internal sealed class VisitServices(
    IPop3Connector connector,
    MailWorkScheduler scheduler,
    DownloadTokenStore downloads,
    MessageRenderer renderer,
    MailboxTelemetry telemetry,
    IOptions<MailOptions> options,
    TimeProvider time,
    ILoggerFactory loggerFactory)
{
    public IPop3Connector Connector { get; } = connector;

    public MailWorkScheduler Scheduler { get; } = scheduler;

    public MailboxTelemetry Telemetry { get; } = telemetry;

    public DownloadTokenStore Downloads { get; } = downloads;

    public MessageRenderer Renderer { get; } = renderer;

    public MailOptions Options { get; } = options.Value;

    public TimeProvider Time { get; } = time;

    public ILoggerFactory LoggerFactory { get; } = loggerFactory;
}
