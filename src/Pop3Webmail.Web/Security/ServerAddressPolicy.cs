using System.Net;
using System.Net.Sockets;

namespace Pop3Webmail.Web.Security;

/// <summary>
/// Decides whether a host a user typed may be connected to. Without it the login form would let anyone make this
/// server open TCP connections into the network it sits in (server-side request forgery).
/// </summary>
public static class ServerAddressPolicy
{
    /// <summary>Custom servers are POP3 over TLS (995) or POP3 with mandatory STLS (110); no other port is dialled.</summary>
    public static bool IsAllowedPort(int port) => port is 995 or 110;

    /// <summary>True for addresses inside an organisation or the machine itself (loopback, RFC 1918, link-local, ...).</summary>
    public static bool IsPrivate(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (IPAddress.IsLoopback(address) || address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any)
            || address.Equals(IPAddress.Broadcast) || address.Equals(IPAddress.IPv6None))
        {
            return true;
        }

        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            Span<byte> b = stackalloc byte[4];
            address.TryWriteBytes(b, out _);
            return b[0] == 0 // "this" network
                || b[0] == 10 // RFC 1918
                || (b[0] == 100 && (b[1] & 0xC0) == 64) // RFC 6598 shared address space
                || (b[0] == 169 && b[1] == 254) // RFC 3927 link-local
                || (b[0] == 172 && (b[1] & 0xF0) == 16) // RFC 1918
                || (b[0] == 192 && b[1] == 168) // RFC 1918
                || (b[0] == 192 && b[1] == 0 && b[2] == 0) // RFC 6890 IETF protocol assignments
                || (b[0] == 198 && (b[1] & 0xFE) == 18) // RFC 2544 benchmarking
                || b[0] >= 224; // multicast and reserved
        }

        return address.IsIPv6LinkLocal || address.IsIPv6SiteLocal || address.IsIPv6Multicast || address.IsIPv6UniqueLocal;
    }

    /// <summary>
    /// Resolves <paramref name="host"/> once and returns the address to dial, so a DNS answer cannot change between
    /// the check and the connection (DNS rebinding). Throws <see cref="SocketException"/> when the name does not
    /// resolve and <see cref="UnauthorizedAccessException"/> when every address is a refused private one.
    /// </summary>
    public static async Task<IPAddress> ResolveAsync(string host, bool allowPrivateNetworks, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(host);
        IPAddress[] addresses;
        if (IPAddress.TryParse(host, out var literal))
        {
            addresses = [literal];
        }
        else
        {
            addresses = await Dns.GetHostAddressesAsync(host, cancellationToken);
        }

        return addresses.FirstOrDefault(a => allowPrivateNetworks || !IsPrivate(a))
            ?? throw new UnauthorizedAccessException("The server address is on a private network, which custom servers may not use.");
    }
}
