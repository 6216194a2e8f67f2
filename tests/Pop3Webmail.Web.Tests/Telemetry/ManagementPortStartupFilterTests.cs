using System.Net;
using Pop3Webmail.Testing;
using Pop3Webmail.Web.Session;

namespace Pop3Webmail.Web.Tests.Telemetry;

public sealed class ManagementPortStartupFilterTests
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task TheScrapePathOnTheAppsOwnPortServesItsMetricsWhenNoManagementPortIsSet()
    {
        await using var app = await RunningWebmail.StartAsync("Telemetry:Prometheus:Enabled=true");
        using var signIn = app.Telemetry.StartSignIn(default);
        signIn.Complete(SignInError.None);
        using var client = new HttpClient();

        var text = await client.GetStringAsync(new Uri(app.Address, "/metrics"), Cancellation);

        Assert.Contains("# TYPE pop3webmail_signins_total counter", text, StringComparison.Ordinal);
        // At least this one: the exporter listens to meters by name across the process, so sessions of tests running
        // alongside are counted too (one app per process in production).
        Assert.Matches("pop3webmail_signins_total\\{[^}]*outcome=\"success\"[^}]*\\} [1-9]", text);
        Assert.Contains("# TYPE pop3webmail_signin_duration_seconds histogram", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WithAManagementPortOnlyThatPortAnswersTheScrapeAndNothingElse()
    {
        var managementPort = LoopbackPorts.PickFree()[0];
        await using var app = await RunningWebmail.StartAsync(
            "Telemetry:Prometheus:Enabled=true", $"Telemetry:Prometheus:Port={managementPort}", "Telemetry:Prometheus:BindAddress=127.0.0.1");
        app.Telemetry.RecordTakeOver();
        var management = new Uri($"http://127.0.0.1:{managementPort}");
        using var client = new HttpClient();

        using var scrape = await client.GetAsync(new Uri(management, "/metrics"), Cancellation);
        using var publicScrape = await client.GetAsync(new Uri(app.Address, "/metrics"), Cancellation);
        using var managementLogin = await client.GetAsync(new Uri(management, "/login"), Cancellation);
        using var managementHealth = await client.GetAsync(new Uri(management, "/healthz"), Cancellation);
        using var publicHealth = await client.GetAsync(new Uri(app.Address, "/healthz"), Cancellation);

        Assert.Equal(HttpStatusCode.OK, scrape.StatusCode);
        Assert.Contains("pop3webmail_takeovers_total", await scrape.Content.ReadAsStringAsync(Cancellation), StringComparison.Ordinal);
        Assert.DoesNotContain("pop3webmail_", await publicScrape.Content.ReadAsStringAsync(Cancellation), StringComparison.Ordinal);
        Assert.NotEqual(HttpStatusCode.OK, publicScrape.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, managementLogin.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, managementHealth.StatusCode);
        Assert.Equal(HttpStatusCode.OK, publicHealth.StatusCode);
    }

    [Fact]
    public async Task AHostHeaderNamingTheManagementPortDoesNotOpenTheScrapeOnThePublicPort()
    {
        var managementPort = LoopbackPorts.PickFree()[0];
        await using var app = await RunningWebmail.StartAsync(
            "Telemetry:Prometheus:Enabled=true", $"Telemetry:Prometheus:Port={managementPort}", "Telemetry:Prometheus:BindAddress=127.0.0.1");
        app.Telemetry.RecordTakeOver();
        using var client = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(app.Address, "/metrics"));
        request.Headers.Host = $"127.0.0.1:{managementPort}";

        using var response = await client.SendAsync(request, Cancellation);

        Assert.NotEqual(HttpStatusCode.OK, response.StatusCode);
        Assert.DoesNotContain("pop3webmail_", await response.Content.ReadAsStringAsync(Cancellation), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AManagementPortThatIsAlsoTheAppsOwnPortStopsTheAppAtStartup()
    {
        var port = LoopbackPorts.PickFree()[0];

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => RunningWebmail.StartOnAsync(
            $"http://127.0.0.1:{port}", "Telemetry:Prometheus:Enabled=true", $"Telemetry:Prometheus:Port={port}"));

        Assert.Contains("Telemetry:Prometheus:Port", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WithTelemetryOffTheScrapePathServesNoMetrics()
    {
        await using var app = await RunningWebmail.StartAsync();
        app.Telemetry.RecordTakeOver();
        using var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false });

        using var response = await client.GetAsync(new Uri(app.Address, "/metrics"), Cancellation);

        Assert.NotEqual(HttpStatusCode.OK, response.StatusCode);
        Assert.DoesNotContain("pop3webmail_", await response.Content.ReadAsStringAsync(Cancellation), StringComparison.Ordinal);
    }
}
