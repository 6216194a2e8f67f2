using Pop3Webmail.Testing;

namespace Pop3Webmail.Pop3.Tests.Integration;

/// <summary>
/// The skip-or-fail policy every real-server test relies on: CI must never go green by skipping. What the policy throws
/// is recorded, so an available server that made it skip or fail would show here. (A missing server's skip cannot be
/// asserted: xunit reports an Assert.Skip as the test's own outcome even when it is caught.)
/// </summary>
public sealed class RealServersTests
{
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void AvailableServerNeitherSkipsNorFails(bool required) =>
        Assert.Null(Record.Exception(() => RealServers.RequireOrSkip(null, required)));

    [Fact]
    public void MissingServerFailsWhenServersAreRequired()
    {
        var error = Assert.Throws<InvalidOperationException>(() => RealServers.RequireOrSkip("Dovecot is not installed.", required: true));

        Assert.Contains("Dovecot is not installed.", error.Message, StringComparison.Ordinal);
        Assert.Contains(RealServers.RequireVariable, error.Message, StringComparison.Ordinal);
    }
}
