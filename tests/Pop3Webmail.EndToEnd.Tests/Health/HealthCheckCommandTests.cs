using Pop3Webmail.EndToEnd.Tests.Support;
using Pop3Webmail.Web.Health;

namespace Pop3Webmail.EndToEnd.Tests.Health;

/// <summary>The container HEALTHCHECK probe (<c>dotnet Pop3Webmail.Web.dll --healthcheck</c>), run in-process.</summary>
public sealed class HealthCheckCommandTests
{
    [Theory]
    [InlineData(null, null, "http://127.0.0.1:8080/healthz")]
    [InlineData(null, "8081;8082", "http://127.0.0.1:8081/healthz")]
    [InlineData("http://+:5000", "8081", "http://127.0.0.1:5000/healthz")]
    [InlineData("https://*:5001;http://*:5000", null, "http://127.0.0.1:5000/healthz")]
    [InlineData("http://0.0.0.0:5000/", null, "http://127.0.0.1:5000/healthz")]
    [InlineData("http://[::]:5000", null, "http://127.0.0.1:5000/healthz")]
    [InlineData("http://localhost:5000", null, "http://127.0.0.1:5000/healthz")]
    [InlineData("http://10.1.2.3:5000", null, "http://10.1.2.3:5000/healthz")]
    [InlineData("http://[::1]:5000", null, "http://[::1]:5000/healthz")]
    [InlineData("http://127.0.0.1", null, "http://127.0.0.1/healthz")]
    public void TheProbeTargetsWhereKestrelListens(string? urls, string? httpPorts, string expected)
    {
        var target = HealthCheckCommand.ResolveTarget([HealthCheckCommand.Switch], Environment(urls, httpPorts));

        Assert.Equal(new Uri(expected), target);
    }

    [Fact]
    public void AnExplicitUrlWins()
    {
        var target = HealthCheckCommand.ResolveTarget([HealthCheckCommand.Switch, "http://127.0.0.1:9000/readyz"], Environment("http://+:5000", "8081"));

        Assert.Equal(new Uri("http://127.0.0.1:9000/readyz"), target);
    }

    [Fact]
    public void OnlyHttpsAddressesLeaveNothingToProbe()
    {
        Assert.Null(HealthCheckCommand.ResolveTarget([HealthCheckCommand.Switch], Environment("https://+:443", null)));
    }

    [Fact]
    public async Task ARunningAppIsHealthy()
    {
        await using var app = WebmailApp.Start([]);
        using var output = new StringWriter();

        var exitCode = await HealthCheckCommand.RunAsync([HealthCheckCommand.Switch], Environment(app.BaseAddress.ToString(), null), output, TestContext.Current.CancellationToken);

        Assert.Equal(0, exitCode);
        Assert.StartsWith("healthy: " + new Uri(app.BaseAddress, "healthz"), output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task NothingListeningIsUnhealthy()
    {
        using var closed = ReadinessTests.BoundButNotListening();
        using var output = new StringWriter();

        var exitCode = await HealthCheckCommand.RunAsync([HealthCheckCommand.Switch], Environment(null, ReadinessTests.PortOf(closed).ToString(System.Globalization.CultureInfo.InvariantCulture)), output, TestContext.Current.CancellationToken);

        Assert.Equal(1, exitCode);
        Assert.StartsWith("unhealthy: ", output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnErrorStatusIsUnhealthy()
    {
        using var closed = ReadinessTests.BoundButNotListening();
        await using var app = WebmailApp.Start(ReadinessTests.Server("Down", "127.0.0.1", ReadinessTests.PortOf(closed), "StartTls"));
        using var output = new StringWriter();

        var exitCode = await HealthCheckCommand.RunAsync([HealthCheckCommand.Switch, new Uri(app.BaseAddress, "readyz").ToString()], Environment(null, null), output, TestContext.Current.CancellationToken);

        Assert.Equal(1, exitCode);
        Assert.Contains("answered 503", output.ToString(), StringComparison.Ordinal);
    }

    private static Func<string, string?> Environment(string? urls, string? httpPorts) => name => name switch
    {
        "ASPNETCORE_URLS" => urls,
        "ASPNETCORE_HTTP_PORTS" => httpPorts,
        _ => null,
    };
}
