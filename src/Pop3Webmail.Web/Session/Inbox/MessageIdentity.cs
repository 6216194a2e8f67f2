using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Pop3Webmail.Pop3;

namespace Pop3Webmail.Web.Session.Inbox;

/// <summary>
/// What proves which message on the server a pending deletion means. A UIDL is unique and permanent (RFC 1939 §7),
/// so it proves a message on any connection. Without one (no UIDL, or a server that repeats a UIDL) the message
/// number proves it only on the connection that listed it; on a new connection the message has to be found again
/// by its <see cref="Fingerprint"/> (size and header fields, read with TOP). Both are kept when known, so a message
/// whose UIDL stops being usable (the server starts repeating it) can still be found by fingerprint.
/// </summary>
/// <param name="Uid">The unique UIDL, or null.</param>
/// <param name="Fingerprint">The fingerprint of the summary, or null when the summary was never read.</param>
/// <param name="Size">The size in octets LIST reported.</param>
internal readonly record struct MessageIdentity(string? Uid, string? Fingerprint, long Size)
{
    /// <summary>A fingerprint of a listed message: its size and the header fields a summary holds, hashed.</summary>
    public static string FingerprintOf(Pop3MessageSummary summary)
    {
        ArgumentNullException.ThrowIfNull(summary);
        var text = string.Join(
            '\n',
            summary.Size.ToString(CultureInfo.InvariantCulture),
            summary.MessageId ?? string.Empty,
            summary.Date?.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture) ?? string.Empty,
            summary.From,
            summary.FromAddress,
            summary.To,
            summary.Subject);
        return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
    }
}
