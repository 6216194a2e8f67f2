using Pop3Webmail.Pop3;
using Pop3Webmail.Web.Configuration;

namespace Pop3Webmail.Web.Session;

/// <summary>A server a user can sign in to, as the session connects to it.</summary>
public sealed record MailServer(
    string Id,
    string Name,
    string Host,
    int Port,
    Pop3Security Security,
    string? CertificateThumbprint = null,
    IReadOnlyCollection<Pop3AuthenticationMechanism>? AllowedMechanisms = null,
    bool AllowPlaintextAuthentication = false,
    bool IsCustom = false)
{
    public static MailServer FromOptions(MailServerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new MailServer(
            options.Name,
            options.Name,
            options.Host,
            options.EffectivePort,
            options.Security,
            options.CertificateThumbprint,
            options.AllowedMechanisms.Count == 0 ? null : options.AllowedMechanisms.ToArray(),
            options.AllowPlaintextAuthentication);
    }
}

/// <summary>User name and password of the built-in demo mailbox, shown on the login page (they guard nothing real).</summary>
public sealed record DemoCredentials(string UserName, string Password);
