using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;

namespace Pop3Webmail.Web.Security;

/// <summary>
/// The keys <see cref="SignInThrottle"/> counts under: keyed hashes (HMAC-SHA-256 with a random key that lives only in
/// this process, cut to 128 bits), so its tables hold no user name, client address or cookie in plain form, and
/// nobody can precompute which entry belongs to whom.
/// </summary>
internal sealed class SignInThrottleKeys
{
    private readonly byte[] _secret = RandomNumberGenerator.GetBytes(32);

    /// <summary>The keys of one attempt.</summary>
    public Keys For(SignInAttempt attempt)
    {
        ArgumentNullException.ThrowIfNull(attempt);
        var network = NetworkOf(attempt.ClientAddress);
        var user = attempt.UserName.Trim().ToUpperInvariant();
        return new Keys(
            Network: Hash("network", network),
            Browser: Hash("browser", network, attempt.BrowserKey),
            User: Hash("user", attempt.ServerId, user),
            KnownBrowser: Hash("known", attempt.ServerId, user, attempt.BrowserKey));
    }

    /// <summary>
    /// The network a client address stands for: an IPv4 address itself, an IPv6 address by its /64, the unit a
    /// single subscriber or host gets (RFC 6177), so the 2^64 addresses of one client count as one. Anything that is
    /// not an address (e.g. "unknown") is its own group.
    /// </summary>
    internal static string NetworkOf(string clientAddress)
    {
        ArgumentNullException.ThrowIfNull(clientAddress);
        if (!IPAddress.TryParse(clientAddress, out var address))
        {
            return clientAddress;
        }

        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return address.ToString();
        }

        Span<byte> bytes = stackalloc byte[16];
        address.TryWriteBytes(bytes, out _);
        bytes[8..].Clear();
        return new IPAddress(bytes) + "/64";
    }

    private UInt128 Hash(params ReadOnlySpan<string> fields)
    {
        // NUL cannot occur in a user name (sign-in refuses it), a cookie or an address, so the join is unambiguous.
        var input = Encoding.UTF8.GetBytes(string.Join('\0', fields));
        Span<byte> mac = stackalloc byte[HMACSHA256.HashSizeInBytes];
        HMACSHA256.HashData(_secret, input, mac);
        return BinaryPrimitives.ReadUInt128LittleEndian(mac);
    }

    public readonly record struct Keys(UInt128 Network, UInt128 Browser, UInt128 User, UInt128 KnownBrowser);
}
