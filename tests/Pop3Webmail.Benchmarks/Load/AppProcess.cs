using System.Globalization;
using Pop3Webmail.Testing;

namespace Pop3Webmail.Benchmarks.Load;

/// <summary>
/// The web app for the load runs: its own process (<see cref="WebmailProcess"/>, so its memory is measured apart from
/// the load's clients), configured as an operator would configure it for the benchmark's Dovecot.
/// </summary>
internal static class AppProcess
{
    public static Task<WebmailProcess> StartAsync(DovecotServer dovecot, IReadOnlyDictionary<string, string>? extraSettings = null)
    {
        var settings = Settings(dovecot);
        foreach (var (key, value) in extraSettings ?? new Dictionary<string, string>())
        {
            settings[key] = value;
        }

        return WebmailProcess.StartAsync(settings);
    }

    /// <summary>How an operator would configure this Dovecot: implicit TLS, its certificate pinned.</summary>
    private static Dictionary<string, string> Settings(DovecotServer dovecot) => new()
    {
        ["Mail__Servers__0__Name"] = "Dovecot",
        ["Mail__Servers__0__Host"] = dovecot.Host,
        ["Mail__Servers__0__Port"] = dovecot.TlsPort.ToString(CultureInfo.InvariantCulture),
        ["Mail__Servers__0__Security"] = "Tls",
        ["Mail__Servers__0__CertificateThumbprint"] = dovecot.CertificateThumbprint,

        // Every simulated user signs in from 127.0.0.1 within a minute: a crowd here, not an attack.
        ["Mail__RateLimits__AttemptsPerUser"] = "10000",
        ["Mail__RateLimits__AttemptsPerClient"] = "100000",
    };
}
