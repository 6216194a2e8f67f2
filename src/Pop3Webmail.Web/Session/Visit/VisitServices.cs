using Microsoft.Extensions.Options;
using Pop3Webmail.Web.Configuration;
using Pop3Webmail.Web.Downloads;
using Pop3Webmail.Web.Mail;

namespace Pop3Webmail.Web.Session.Visit;

/// <summary>The app-wide services every visit uses (one instance for the app; nothing in it is about a user).</summary>
internal sealed class VisitServices(IPop3Connector connector, DownloadTokenStore downloads, MessageRenderer renderer, IOptions<MailOptions> options, TimeProvider time, ILoggerFactory loggerFactory)
{
    public IPop3Connector Connector { get; } = connector;

    public DownloadTokenStore Downloads { get; } = downloads;

    public MessageRenderer Renderer { get; } = renderer;

    public MailOptions Options { get; } = options.Value;

    public TimeProvider Time { get; } = time;

    public ILoggerFactory LoggerFactory { get; } = loggerFactory;
}
