using Pop3Webmail.Web.Security;

namespace Pop3Webmail.Web.Tests.Security;

public sealed class SignInThrottleKeysTests
{
    [Theory]
    [InlineData("198.51.100.7", "198.51.100.7")]
    [InlineData("::ffff:198.51.100.7", "198.51.100.7")] // a dual-stack socket's view of an IPv4 client
    [InlineData("2001:db8:1:2:3:4:5:6", "2001:db8:1:2::/64")]
    [InlineData("2001:db8:1:2::", "2001:db8:1:2::/64")]
    [InlineData("2001:DB8:1:2:ffff:ffff:ffff:ffff", "2001:db8:1:2::/64")]
    [InlineData("fe80::1%3", "fe80::/64")]
    [InlineData("unknown", "unknown")]
    public void AClientIsCountedByItsIPv4AddressOrItsIPv6SlashSixtyFour(string clientAddress, string network)
    {
        Assert.Equal(network, SignInThrottleKeys.NetworkOf(clientAddress));
    }

    [Fact]
    public void UserNamesCountWithoutRegardToCaseAndSurroundingSpace()
    {
        var keys = new SignInThrottleKeys();

        var typed = keys.For(new SignInAttempt("198.51.100.7", "browser", "server", " Alice "));
        var other = keys.For(new SignInAttempt("198.51.100.7", "browser", "server", "ALICE"));

        Assert.Equal(typed, other);
    }

    [Fact]
    public void EachPurposeAndEachFieldGivesADifferentKey()
    {
        var keys = new SignInThrottleKeys();
        var attempt = new SignInAttempt("198.51.100.7", "browser", "server", "alice");

        var all = new[]
        {
            keys.For(attempt),
            keys.For(attempt with { ClientAddress = "198.51.100.8" }),
            keys.For(attempt with { BrowserKey = "other-browser" }),
            keys.For(attempt with { ServerId = "other-server" }),
            keys.For(attempt with { UserName = "bob" }),
        };

        var each = all.SelectMany(k => new[] { k.Network, k.Browser, k.User, k.KnownBrowser }).Distinct().Count();
        // Network: 2 distinct; browser: 3; user: 3; known browser: 4.
        Assert.Equal(2 + 3 + 3 + 4, each);
    }

    [Fact]
    public void TheKeysDifferFromOneProcessToTheNext()
    {
        var attempt = new SignInAttempt("198.51.100.7", "browser", "server", "alice");

        Assert.NotEqual(new SignInThrottleKeys().For(attempt), new SignInThrottleKeys().For(attempt));
    }
}
