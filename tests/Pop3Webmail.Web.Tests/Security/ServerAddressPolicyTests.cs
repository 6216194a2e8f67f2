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
    public void PublicAddressesAreNot(string address)
    {
        Assert.False(ServerAddressPolicy.IsPrivate(IPAddress.Parse(address)));
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
