using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Pop3Webmail.Web.Configuration;
using Pop3Webmail.Web.MailboxState;

namespace Pop3Webmail.Web.Tests.MailboxState;

public sealed class MailboxStateServiceCollectionExtensionsTests
{
    [Fact]
    public async Task TheStoreIsOneSingletonBehindItsInterfaceWithThePurgeService()
    {
        await using var provider = Build([]);

        var store = provider.GetRequiredService<IMailboxStateStore>();

        Assert.Same(provider.GetRequiredService<MailboxStateStore>(), store);
        Assert.Same(store, provider.CreateScope().ServiceProvider.GetRequiredService<IMailboxStateStore>());
        Assert.Contains(provider.GetServices<IHostedService>(), s => s is MailboxStatePurgeService);
    }

    [Fact]
    public async Task TheConfigurationKeysReachTheOptions()
    {
        await using var provider = Build(new Dictionary<string, string?>
        {
            ["Mail:RememberMailbox"] = "false",
            ["Mail:State:Provider"] = "PostgreSql",
            ["Mail:State:ConnectionString"] = "Host=db.internal;Database=webmail",
            ["Mail:State:InstallationSecret"] = Convert.ToBase64String(new byte[32]),
            ["Mail:State:RetentionDays"] = "30",
            ["Mail:State:KeyDerivationIterations"] = "500000",
            ["Mail:State:Timeout"] = "00:00:03",
            ["Mail:State:DataDirectory"] = "/var/lib/pop3webmail",
        });

        var options = provider.GetRequiredService<IOptions<MailOptions>>().Value;

        Assert.False(options.RememberMailbox);
        Assert.Equal(MailStateProvider.PostgreSql, options.State.Provider);
        Assert.Equal("Host=db.internal;Database=webmail", options.State.ConnectionString);
        Assert.Equal(30, options.State.RetentionDays);
        Assert.Equal(500_000, options.State.KeyDerivationIterations);
        Assert.Equal(TimeSpan.FromSeconds(3), options.State.Timeout);
        Assert.Equal("/var/lib/pop3webmail", options.State.DataDirectory);
    }

    [Fact]
    public async Task AnUnusableStateSectionFailsOptionsValidation()
    {
        await using var provider = Build(new Dictionary<string, string?> { ["Mail:State:Provider"] = "PostgreSql" });

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<MailOptions>>().Value);

        Assert.Contains(error.Failures, f => f.Contains("Mail:State:ConnectionString", StringComparison.Ordinal));
    }

    private static ServiceProvider Build(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        services.AddLogging(b => b.ClearProviders());
        services.AddOptions<MailOptions>().Bind(configuration.GetSection(MailOptions.SectionName));
        services.AddMailboxState();
        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateScopes = true, ValidateOnBuild = true });
    }
}
