using Pop3Webmail.Pop3;

namespace Pop3Webmail.Web.Session;

/// <summary>Opens a secured POP3 connection (not yet authenticated) to a server a user may sign in to.</summary>
public interface IPop3Connector
{
    Task<Pop3Client> ConnectAsync(MailServer server, CancellationToken cancellationToken);
}
