using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Pop3Webmail.Web.Health;
using Pop3Webmail.Web.Hosting;

namespace Pop3Webmail.Web.Tests.Deployment;

/// <summary>
/// The facts the Kubernetes example must agree on with the app (paths, ports, shutdown timing) and with itself (names
/// that refer to each other). The API schema check is deploy/check, run by .ci/run.
/// </summary>
public sealed class KubernetesManifestTests
{
    private static readonly KubernetesManifest Deployment = KubernetesManifest.Load("deployment.yaml");
    private static readonly KubernetesManifest Container = Deployment.Items("spec.template.spec.containers")[0];

    [Fact]
    public void TheDeploymentRunsTwoReplicasProbedOnTheAppsOwnHealthEndpoints()
    {
        Assert.Equal(2, Deployment.Number("spec.replicas"));
        Assert.Equal(HealthEndpoints.LivenessPath, Container.Text("livenessProbe.httpGet.path"));
        Assert.Equal(HealthEndpoints.ReadinessPath, Container.Text("readinessProbe.httpGet.path"));
        Assert.Equal(HealthEndpoints.LivenessPath, Container.Text("startupProbe.httpGet.path"));
        Assert.All(new[] { "livenessProbe", "readinessProbe", "startupProbe" }, probe => Assert.Equal("http", Container.Text(probe + ".httpGet.port")));
        Assert.Equal(("http", 8080), PortNamed("http"));
    }

    /// <summary>
    /// On SIGTERM the app QUITs every POP3 session inside the host's shutdown timeout; Kubernetes must not SIGKILL it
    /// before: the grace period covers the preStop pause, the whole host shutdown timeout, and a margin.
    /// </summary>
    [Fact]
    public async Task TheGracePeriodCoversThePreStopPauseAndTheAppsWholeShutdownTimeout()
    {
        await using var app = WebmailHost.CreateBuilder(["--applicationName", "Pop3Webmail.Web"]).Build();
        var shutdown = app.Services.GetRequiredService<IOptions<HostOptions>>().Value.ShutdownTimeout;

        var grace = TimeSpan.FromSeconds(Deployment.Number("spec.template.spec.terminationGracePeriodSeconds"));
        var preStop = TimeSpan.FromSeconds(Container.Number("lifecycle.preStop.sleep.seconds"));

        Assert.InRange(preStop, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(15));
        Assert.True(grace >= preStop + shutdown + TimeSpan.FromSeconds(5), $"grace {grace} < preStop {preStop} + shutdown timeout {shutdown} + 5 s");
    }

    [Fact]
    public void TheIngressKeepsEachBrowserOnOneReplicaByCookieAndKeepsCircuitsOpen()
    {
        var ingress = KubernetesManifest.Load("ingress.yaml");
        var annotations = ingress.Map("metadata.annotations");

        Assert.Equal("cookie", annotations["nginx.ingress.kubernetes.io/affinity"]);
        Assert.Equal("persistent", annotations["nginx.ingress.kubernetes.io/affinity-mode"]);
        Assert.Equal("true", annotations["nginx.ingress.kubernetes.io/session-cookie-secure"]);
        Assert.True(int.Parse(annotations["nginx.ingress.kubernetes.io/proxy-read-timeout"], System.Globalization.CultureInfo.InvariantCulture) >= 60);
        Assert.Equal("nginx", ingress.Text("spec.ingressClassName"));
    }

    [Fact]
    public void OnlyThePublicPortIsRoutedFromOutsideAndTheMetricsPortIsTheAppsManagementPort()
    {
        var ingress = KubernetesManifest.Load("ingress.yaml");
        var service = KubernetesManifest.Load("service.yaml");
        var config = KubernetesManifest.Load("configmap.yaml").Map("data");

        var backends = ingress.Items("spec.rules").SelectMany(r => r.Items("http.paths")).Select(p => (p.Text("backend.service.name"), p.Text("backend.service.port.name")));
        Assert.All(backends, backend => Assert.Equal((service.Text("metadata.name"), "http"), backend));
        Assert.All(service.Items("spec.ports"), port => Assert.Equal(PortNamed(port.Text("targetPort")).Port, port.Number("port")));
        Assert.Equal("true", config["Telemetry__Prometheus__Enabled"]);
        Assert.Equal(config["Telemetry__Prometheus__Port"], PortNamed("metrics").Port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(config["Telemetry__Prometheus__Port"], Deployment.Map("spec.template.metadata.annotations")["prometheus.io/port"]);
    }

    [Fact]
    public void EveryNameTheDeploymentRefersToIsDefined()
    {
        var selector = Deployment.Map("spec.selector.matchLabels");
        var labels = Deployment.Map("spec.template.metadata.labels");
        var serviceSelector = KubernetesManifest.Load("service.yaml").Map("spec.selector");

        Assert.All(selector, label => Assert.Equal(label.Value, labels[label.Key]));
        Assert.All(serviceSelector, label => Assert.Equal(label.Value, labels[label.Key]));
        Assert.Equal(KubernetesManifest.Load("configmap.yaml").Text("metadata.name"), Container.Text("envFrom[0].configMapRef.name"));
        Assert.Equal(KubernetesManifest.Load("secret.example.yaml").Text("metadata.name"), Container.Text("envFrom[1].secretRef.name"));
        Assert.Equal(
            KubernetesManifest.Load("dataprotection-pvc.yaml").Text("metadata.name"),
            Deployment.Items("spec.template.spec.volumes").Single(v => v.Text("name") == "dataprotection").Text("persistentVolumeClaim.claimName"));
        Assert.Equal("/home/app/.aspnet/DataProtection-Keys", Container.Items("volumeMounts").Single(m => m.Text("name") == "dataprotection").Text("mountPath"));
    }

    [Fact]
    public void TheKustomizationListsEveryManifest()
    {
        var listed = ((YamlDotNet.RepresentationModel.YamlSequenceNode)KubernetesManifest.Load("kustomization.yaml").Node("resources"))
            .Children.Select(c => c.ToString()).Order();

        Assert.Equal(KubernetesManifest.Files().Where(f => f != "kustomization.yaml"), listed);
    }

    private static (string Name, int Port) PortNamed(string name)
    {
        var port = Container.Items("ports").Single(p => p.Text("name") == name);
        return (name, port.Number("containerPort"));
    }
}
