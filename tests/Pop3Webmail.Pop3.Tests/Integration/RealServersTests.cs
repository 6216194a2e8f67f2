using Pop3Webmail.Testing;

namespace Pop3Webmail.Pop3.Tests.Integration;

/// <summary>
/// The fail half of the skip-or-fail policy every real-server test relies on: CI must never go green by skipping.
/// (The skip half cannot be asserted here: xunit records Assert.Skip as this test's own outcome.)
/// </summary>
public sealed class RealServersTests
{
    [Fact]
    public void AvailableServerNeitherSkipsNorFails() => RealServers.RequireOrSkip(null, required: true);

    [Fact]
    public void MissingServerFailsWhenServersAreRequired()
    {
        var error = Assert.Throws<InvalidOperationException>(() => RealServers.RequireOrSkip("Dovecot is not installed.", required: true));

        Assert.Contains("Dovecot is not installed.", error.Message, StringComparison.Ordinal);
        Assert.Contains(RealServers.RequireVariable, error.Message, StringComparison.Ordinal);
    }
}
