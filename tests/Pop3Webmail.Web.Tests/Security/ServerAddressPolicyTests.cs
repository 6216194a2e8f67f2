using System.Net;
using Pop3Webmail.Web.Security;

namespace Pop3Webmail.Web.Tests.Security;

public sealed class ServerAddressPolicyTests
{
    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("10.0.0.1")]
    [InlineData("172.16.5.4")]
    [InlineData("172.31.255.255")]
    [InlineData("192.168.0.10")]
    [InlineData("169.254.169.254")] // cloud metadata endpoints live here
    [InlineData("100.64.0.1")]
    [InlineData("0.0.0.0")]
    [InlineData("224.0.0.1")]
    [InlineData("::1")]
    [InlineData("fe80::1")]
    [InlineData("fd00::1")]
    [InlineData("::ffff:10.0.0.1")]
    public void InternalAddressesArePrivate(string address)
    {
        Assert.True(ServerAddressPolicy.IsPrivate(IPAddress.Parse(address)));
    }

    [Theory]
    [InlineData("93.184.216.34")]
    [InlineData("172.32.0.1")]
    [InlineData("2606:4700::1111")]
    [InlineData("64:ff9b::5db8:d822")] // NAT64 of 93.184.216.34
    [InlineData("64:ff9b::93.184.216.34")]
    [InlineData("2002:5db8:d822::1")] // 6to4 of 93.184.216.34
    [InlineData("2001:4860:4860::8888")] // ordinary global unicast under 2001::/16, outside Teredo's 2001::/32
    public void PublicAddressesAreNot(string address)
    {
        Assert.False(ServerAddressPolicy.IsPrivate(IPAddress.Parse(address)));
    }

    [Theory]
    [InlineData("64:ff9b::10.0.0.1")] // RFC 6052 well-known NAT64 prefix, embedded RFC 1918
    [InlineData("64:ff9b::a00:1")]
    [InlineData("64:ff9b::127.0.0.1")]
    [InlineData("64:ff9b::169.254.169.254")] // the metadata endpoint through NAT64
    [InlineData("64:ff9b::192.168.1.1")]
    [InlineData("64:ff9b:1::1")] // RFC 8215 local-use NAT64: refused whole
    [InlineData("64:ff9b:1:ffff:ffff::5db8:d822")]
    [InlineData("::10.0.0.1")] // IPv4-compatible (RFC 4291 §2.5.5.1): refused whole
    [InlineData("::93.184.216.34")]
    [InlineData("::127.0.0.1")]
    [InlineData("::ffff:0:10.0.0.1")] // IPv4-translated (RFC 2765): refused whole
    [InlineData("::ffff:0:93.184.216.34")]
    [InlineData("2002:0a00:0001::1")] // 6to4 (RFC 3056) of 10.0.0.1
    [InlineData("2002:7f00:0001::1")] // 6to4 of 127.0.0.1
    [InlineData("2002:a9fe:a9fe::1")] // 6to4 of 169.254.169.254
    [InlineData("2002:c0a8:0101::1")] // 6to4 of 192.168.1.1
    [InlineData("2001:0:4136:e378:8000:63bf:3fff:fdd2")] // Teredo (RFC 4380): refused whole
    [InlineData("2001::1")]
    public void IPv6AddressesThatReachAnInternalOrUncheckableIPv4HostAreRefused(string address)
    {
        Assert.True(ServerAddressPolicy.IsPrivate(IPAddress.Parse(address)));
    }

    [Theory]
    [InlineData("localhost", true)]
    [InlineData("LOCALHOST", true)]
    [InlineData("127.0.0.1", true)]
    [InlineData("127.8.9.10", true)]
    [InlineData("::1", true)]
    [InlineData("[::1]", true)]
    [InlineData("pop.example.test", false)]
    [InlineData("10.0.0.1", false)]
    [InlineData("localhost.example.test", false)]
    public void LoopbackHostsAreRecognisedByNameAndLiteral(string host, bool loopback)
    {
        Assert.Equal(loopback, ServerAddressPolicy.IsLoopbackHost(host));
    }

    [Fact]
    public async Task ALiteralPrivateAddressIsRefusedUnlessAllowed()
    {
        await Assert.ThrowsAsync<UnauthorizedAccessException>(() => ServerAddressPolicy.ResolveAsync("10.1.2.3", allowPrivateNetworks: false, TestContext.Current.CancellationToken));
        Assert.Equal(IPAddress.Parse("10.1.2.3"), await ServerAddressPolicy.ResolveAsync("10.1.2.3", allowPrivateNetworks: true, TestContext.Current.CancellationToken));
    }

    [Theory]
    [InlineData(995, true)]
    [InlineData(110, true)]
    [InlineData(25, false)]
    [InlineData(22, false)]
    public void OnlyPop3PortsMayBeDialled(int port, bool allowed)
    {
        Assert.Equal(allowed, ServerAddressPolicy.IsAllowedPort(port));
    }
}
