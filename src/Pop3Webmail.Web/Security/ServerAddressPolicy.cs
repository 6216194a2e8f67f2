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

    /// <summary>
    /// True for addresses inside an organisation or the machine itself (loopback, RFC 1918, link-local, ...), and for
    /// IPv6 addresses that carry an IPv4 address a gateway would forward to: NAT64 and 6to4 are judged by the IPv4
    /// address inside them; IPv4-compatible, IPv4-translated, local-use NAT64 and Teredo addresses are refused whole.
    /// </summary>
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
            return IsPrivateIPv4(b);
        }

        return address.IsIPv6LinkLocal || address.IsIPv6SiteLocal || address.IsIPv6Multicast || address.IsIPv6UniqueLocal
            || IsRefusedTransition(address);
    }

    /// <summary>True for "localhost" and loopback address literals (IPv6 with or without brackets): hosts on this machine by name.</summary>
    public static bool IsLoopbackHost(string host)
    {
        ArgumentNullException.ThrowIfNull(host);
        return host.Equals("localhost", StringComparison.OrdinalIgnoreCase)
            || (IPAddress.TryParse(host, out var address) && IPAddress.IsLoopback(address));
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

    private static bool IsPrivateIPv4(ReadOnlySpan<byte> b) =>
        b[0] == 0 // "this" network
        || b[0] == 10 // RFC 1918
        || b[0] == 127 // loopback (reached here when embedded in an IPv6 address)
        || (b[0] == 100 && (b[1] & 0xC0) == 64) // RFC 6598 shared address space
        || (b[0] == 169 && b[1] == 254) // RFC 3927 link-local
        || (b[0] == 172 && (b[1] & 0xF0) == 16) // RFC 1918
        || (b[0] == 192 && b[1] == 168) // RFC 1918
        || (b[0] == 192 && b[1] == 0 && b[2] == 0) // RFC 6890 IETF protocol assignments
        || (b[0] == 198 && (b[1] & 0xFE) == 18) // RFC 2544 benchmarking
        || b[0] >= 224; // multicast, reserved and broadcast

    /// <summary>The IPv6 transition ranges through which an IPv6 address reaches an IPv4 host.</summary>
    private static bool IsRefusedTransition(IPAddress address)
    {
        Span<byte> b = stackalloc byte[16];
        address.TryWriteBytes(b, out _);

        // RFC 6052 §2.1 well-known NAT64 prefix 64:ff9b::/96: a NAT64 gateway connects to the last 32 bits.
        if (b[..12].SequenceEqual((ReadOnlySpan<byte>)[0x00, 0x64, 0xff, 0x9b, 0, 0, 0, 0, 0, 0, 0, 0]))
        {
            return IsPrivateIPv4(b[12..]);
        }

        // RFC 8215 local-use NAT64 prefix 64:ff9b:1::/48: where the IPv4 address sits depends on the prefix length
        // the operator chose (RFC 6052 §2.2), so it cannot be checked; refused whole.
        if (b[..6].SequenceEqual((ReadOnlySpan<byte>)[0x00, 0x64, 0xff, 0x9b, 0x00, 0x01]))
        {
            return true;
        }

        // RFC 3056 6to4 2002::/16: the relay delivers to the IPv4 address in bits 16-47.
        if (b[0] == 0x20 && b[1] == 0x02)
        {
            return IsPrivateIPv4(b[2..6]);
        }

        // RFC 4380 Teredo 2001::/32: the client's IPv4 address is obfuscated in the last 32 bits and the path runs
        // through a Teredo server and relay of someone else's choosing; no mail server lives there. Refused whole.
        if (b[..4].SequenceEqual((ReadOnlySpan<byte>)[0x20, 0x01, 0x00, 0x00]))
        {
            return true;
        }

        // RFC 4291 §2.5.5.1 IPv4-compatible ::a.b.c.d (deprecated) and RFC 2765 IPv4-translated ::ffff:0:a.b.c.d:
        // no legitimate server uses them, and stacks that still route them reach the IPv4 host. Refused whole.
        var upperZero = b[..8].IndexOfAnyExcept((byte)0) < 0;
        return upperZero && ((b[8] | b[9] | b[10] | b[11]) == 0 || (b[8] == 0xff && b[9] == 0xff && b[10] == 0 && b[11] == 0));
    }
}
