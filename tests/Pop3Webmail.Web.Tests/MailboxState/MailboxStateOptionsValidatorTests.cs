using Pop3Webmail.Web.Configuration;
using Pop3Webmail.Web.MailboxState;

namespace Pop3Webmail.Web.Tests.MailboxState;

public sealed class MailboxStateOptionsValidatorTests
{
    private static readonly string Secret = Convert.ToBase64String(new byte[32]);

    [Fact]
    public void TheDefaultsAreValid() => Assert.True(Validate(new MailStateOptions()).Succeeded);

    [Fact]
    public void PostgreSqlNeedsAConnectionStringAndAnInstallationSecret()
    {
        var result = Validate(new MailStateOptions { Provider = MailStateProvider.PostgreSql });

        Assert.True(result.Failed);
        Assert.Contains(result.Failures!, f => f.Contains("Mail:State:ConnectionString", StringComparison.Ordinal));
        Assert.Contains(result.Failures!, f => f.Contains("Mail:State:InstallationSecret", StringComparison.Ordinal));
        Assert.True(Validate(new MailStateOptions { Provider = MailStateProvider.PostgreSql, ConnectionString = "Host=db", InstallationSecret = Secret }).Succeeded);
    }

    [Theory]
    [InlineData("not base64!")]
    [InlineData("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA==")] // 31 bytes
    public void AWeakOrMalformedInstallationSecretIsRefused(string secret) =>
        Assert.True(Validate(new MailStateOptions { InstallationSecret = secret }).Failed);

    [Theory]
    [InlineData(99_999, 90, 5)]
    [InlineData(10_000_001, 90, 5)]
    [InlineData(400_000, -1, 5)]
    [InlineData(400_000, 90, 0)]
    [InlineData(400_000, 90, 61)]
    public void OutOfRangeNumbersAreRefused(int iterations, int retentionDays, int timeoutSeconds) =>
        Assert.True(Validate(new MailStateOptions
        {
            KeyDerivationIterations = iterations,
            RetentionDays = retentionDays,
            Timeout = TimeSpan.FromSeconds(timeoutSeconds),
        }).Failed);

    [Fact]
    public void ATurnedOffStoreIsNotChecked() =>
        Assert.True(new MailboxStateOptionsValidator().Validate(null, new MailOptions
        {
            RememberMailbox = false,
            State = new MailStateOptions { Provider = MailStateProvider.PostgreSql },
        }).Succeeded);

    private static Microsoft.Extensions.Options.ValidateOptionsResult Validate(MailStateOptions state) =>
        new MailboxStateOptionsValidator().Validate(null, new MailOptions { State = state });
}
