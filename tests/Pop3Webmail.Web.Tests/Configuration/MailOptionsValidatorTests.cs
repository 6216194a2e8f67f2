using Microsoft.Extensions.Configuration;
using Pop3Webmail.Pop3;
using Pop3Webmail.Web.Configuration;

namespace Pop3Webmail.Web.Tests.Configuration;

public sealed class MailOptionsValidatorTests
{
    private static readonly MailOptionsValidator Validator = new();

    [Fact]
    public void TheDefaultsAreValid()
    {
        Assert.True(Validator.Validate(null, new MailOptions()).Succeeded);
    }

    [Fact]
    public void ASectionBindsWithEnumsAndTimeSpans()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Mail:Servers:0:Name"] = "Office",
            ["Mail:Servers:0:Host"] = "pop.example.test",
            ["Mail:Servers:0:Security"] = "StartTls",
            ["Mail:Servers:0:AllowedMechanisms:0"] = "ScramSha256",
            ["Mail:KeepAliveInterval"] = "00:03:00",
            ["Mail:Kiosk"] = "true",
        }).Build();

        var options = configuration.GetSection(MailOptions.SectionName).Get<MailOptions>()!;

        Assert.Equal(Pop3Security.StartTls, options.Servers[0].Security);
        Assert.Equal(110, options.Servers[0].EffectivePort);
        Assert.Equal([Pop3AuthenticationMechanism.ScramSha256], options.Servers[0].AllowedMechanisms);
        Assert.Equal(TimeSpan.FromMinutes(3), options.KeepAliveInterval);
        Assert.Equal(TimeSpan.FromMinutes(5), options.EffectiveIdleSignOut); // the kiosk default
        Assert.True(Validator.Validate(null, options).Succeeded);
    }

    [Theory]
    [InlineData(10)] // RFC 1939 §3: the server may already have logged us out
    [InlineData(0)]
    public void AKeepAliveThatMissesTheAutologoutTimerIsRejected(int minutes)
    {
        var result = Validator.Validate(null, new MailOptions { KeepAliveInterval = TimeSpan.FromMinutes(minutes) });

        Assert.Contains(result.Failures!, f => f.Contains("KeepAliveInterval", StringComparison.Ordinal));
    }

    [Fact]
    public void PlaintextPasswordsAreOnlyAllowedToLoopback()
    {
        var remote = new MailOptions { Servers = [new MailServerOptions { Name = "a", Host = "pop.example.test", Security = Pop3Security.None, AllowPlaintextAuthentication = true }] };
        var local = new MailOptions { Servers = [new MailServerOptions { Name = "a", Host = "127.0.0.1", Security = Pop3Security.None, AllowPlaintextAuthentication = true }] };

        Assert.False(Validator.Validate(null, remote).Succeeded);
        Assert.True(Validator.Validate(null, local).Succeeded);
    }

    [Theory]
    [InlineData("pop.example.test")]
    [InlineData("10.0.0.5")]
    [InlineData("192.168.1.10")]
    [InlineData("localhost.example.test")]
    public void AnUnencryptedServerIsRefusedUnlessItIsOnLoopback(string host)
    {
        var options = new MailOptions { Servers = [new MailServerOptions { Name = "Office", Host = host, Security = Pop3Security.None }] };

        var failures = Validator.Validate(null, options).Failures!;

        Assert.Contains(failures, f => f.Contains("'Office': Security None (no encryption) is only allowed for a loopback host", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("localhost")]
    [InlineData("127.0.0.1")]
    [InlineData("::1")]
    public void AnUnencryptedLoopbackServerIsAllowed(string host)
    {
        var options = new MailOptions { Servers = [new MailServerOptions { Name = "Local", Host = host, Security = Pop3Security.None }] };

        Assert.True(Validator.Validate(null, options).Succeeded);
    }

    [Fact]
    public void RateLimitsMustBePositiveWithACeilingNoShorterThanTheFirstWait()
    {
        var zero = new MailOptions { RateLimits = new MailRateLimitOptions { FailuresPerNetwork = 0 } };
        var backwards = new MailOptions { RateLimits = new MailRateLimitOptions { UserBackoff = TimeSpan.FromMinutes(5), MaxUserBackoff = TimeSpan.FromMinutes(1) } };

        Assert.Contains(Validator.Validate(null, zero).Failures!, f => f.StartsWith("Mail:RateLimits", StringComparison.Ordinal));
        Assert.Contains(Validator.Validate(null, backwards).Failures!, f => f.StartsWith("Mail:RateLimits", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("not-a-thumbprint")]
    [InlineData("AB:CD")]
    public void AMalformedCertificatePinIsRejected(string pin)
    {
        var options = new MailOptions { Servers = [new MailServerOptions { Name = "a", Host = "pop.example.test", CertificateThumbprint = pin }] };

        Assert.False(Validator.Validate(null, options).Succeeded);
    }

    [Fact]
    public void ASha256PinWithColonsIsAccepted()
    {
        var pin = string.Join(':', Enumerable.Repeat("AB", 32));
        var options = new MailOptions { Servers = [new MailServerOptions { Name = "a", Host = "pop.example.test", CertificateThumbprint = pin }] };

        Assert.True(Validator.Validate(null, options).Succeeded);
    }

    [Fact]
    public void DuplicateServerNamesAndAnIdleWarningLongerThanTheIdleTimeAreRejected()
    {
        var options = new MailOptions
        {
            Servers = [new MailServerOptions { Name = "a", Host = "x.test" }, new MailServerOptions { Name = "A", Host = "y.test" }],
            Kiosk = true,
            IdleSignOut = TimeSpan.FromMinutes(2),
            IdleWarning = TimeSpan.FromMinutes(3),
        };

        var failures = Validator.Validate(null, options).Failures!;

        Assert.Contains(failures, f => f.Contains("two entries named", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.Contains("IdleWarning", StringComparison.Ordinal));
    }
}
