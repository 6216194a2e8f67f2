using System.Text;

namespace Pop3Webmail.DemoServer.Tests;

public sealed class DemoCredentialsTests
{
    [Fact]
    public void AnApopDigestMatchesOnlyTheTimestampAndPasswordItWasMadeFrom()
    {
        // RFC 1939 §7's own example.
        const string timestamp = "<1896.697170952@dbc.mtview.ca.us>";

        Assert.True(DemoCredentials.ApopMatches(timestamp, "tanstaaf", "c4c9334bac560ecc979e58001b3e22fb"));
        Assert.False(DemoCredentials.ApopMatches(timestamp, "other", "c4c9334bac560ecc979e58001b3e22fb"));
        Assert.False(DemoCredentials.ApopMatches(timestamp, "tanstaaf", "not hex"));
    }

    [Theory]
    [InlineData("\0demo\0secret", true)]
    [InlineData("demo\0demo\0secret", true)]
    [InlineData("admin\0demo\0secret", false)]
    [InlineData("demo\0secret", false)]
    public void APlainMessageNamesItsUserAndPasswordAndNoOneElse(string message, bool valid)
    {
        var response = Convert.ToBase64String(Encoding.UTF8.GetBytes(message));

        Assert.Equal(valid, DemoCredentials.TryReadPlain(response, out var invalidBase64, out var userName, out var password));
        Assert.False(invalidBase64);
        Assert.Equal(valid ? ("demo", "secret") : (string.Empty, string.Empty), (userName, password));
    }

    [Fact]
    public void InvalidBase64IsToldApartFromAMalformedMessage()
    {
        Assert.False(DemoCredentials.TryReadPlain("***", out var invalidBase64, out _, out _));
        Assert.True(invalidBase64);
        Assert.False(DemoCredentials.TryReadPlain("=", out invalidBase64, out _, out _)); // empty: no fields
        Assert.False(invalidBase64);
    }
}
