using System.Security.Cryptography;
using System.Text;

namespace Pop3Webmail.Web.Session.Wire;

/// <summary>
/// Where and as whom a visit signs in again after a dropped connection. The password lives here, in server memory,
/// for as long as the visit does, and nowhere else: never logged, never shown, never sent to the browser.
/// </summary>
internal sealed class MailboxCredentials(MailServer server, string userName, string password)
{
    public MailServer Server { get; } = server;

    public string UserName { get; } = userName;

    public string Password { get; } = password;

    /// <summary>The registry's key for this mailbox: server and user name, case-insensitively.</summary>
    public string MailboxKey => MailboxKeyFor(Server.Id, UserName);

    public static string MailboxKeyFor(string serverId, string userName) => serverId + "\n" + userName.ToUpperInvariant();

    /// <summary>Whether <paramref name="password"/> is this visit's password, compared in constant time.</summary>
    public bool Matches(string password)
    {
        ArgumentNullException.ThrowIfNull(password);
        return CryptographicOperations.FixedTimeEquals(
            SHA256.HashData(Encoding.UTF8.GetBytes(Password)),
            SHA256.HashData(Encoding.UTF8.GetBytes(password)));
    }
}
