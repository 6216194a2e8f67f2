using System.Security.Cryptography;
using System.Text;

namespace Pop3Webmail.DemoServer;

/// <summary>What the demo server's logins check, apart from the conversation: the APOP digest and the SASL PLAIN message.</summary>
internal static class DemoCredentials
{
    /// <summary>RFC 1939 §7: the digest is MD5(timestamp + shared secret), as hex; compared in constant time.</summary>
    public static bool ApopMatches(string timestamp, string password, string digest)
    {
#pragma warning disable CA5351 // APOP is defined with MD5; the demo offers it because the RFC does.
        var expected = MD5.HashData(Encoding.UTF8.GetBytes(timestamp + password));
#pragma warning restore CA5351
        return TryParseHex(digest) is { } given && CryptographicOperations.FixedTimeEquals(expected, given);
    }

    /// <summary>
    /// Reads a SASL PLAIN response (RFC 4616 §2: [authzid] NUL authcid NUL passwd, base64 as RFC 5034 §4 sends it,
    /// "=" for an empty one). False for invalid base64 or a malformed message; acting as another user is not supported.
    /// </summary>
    public static bool TryReadPlain(string response, out bool invalidBase64, out string userName, out string password)
    {
        userName = password = string.Empty;
        var decoded = response == "=" ? [] : TryParseBase64(response);
        invalidBase64 = decoded is null;
        if (decoded is null)
        {
            return false;
        }

        var fields = Encoding.UTF8.GetString(decoded).Split('\0');
        if (fields.Length != 3 || (fields[0].Length != 0 && fields[0] != fields[1]))
        {
            return false;
        }

        (userName, password) = (fields[1], fields[2]);
        return true;
    }

    private static byte[]? TryParseHex(string text)
    {
        try
        {
            return Convert.FromHexString(text);
        }
        catch (FormatException)
        {
            return null;
        }
    }

    private static byte[]? TryParseBase64(string text)
    {
        var buffer = new byte[(text.Length * 3 / 4) + 3];
        return Convert.TryFromBase64String(text, buffer, out var written) ? buffer[..written] : null;
    }
}
