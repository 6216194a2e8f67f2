using Microsoft.Extensions.Options;
using Pop3Webmail.Pop3;
using Pop3Webmail.Web.Security;

namespace Pop3Webmail.Web.Configuration;

/// <summary>Rejects a <c>Mail</c> section that would be unsafe or could not work, at startup rather than at first sign-in.</summary>
internal sealed class MailOptionsValidator : IValidateOptions<MailOptions>
{
    public ValidateOptionsResult Validate(string? name, MailOptions options)
    {
        var failures = new List<string>();

        // RFC 1939 §3: the autologout timer is at least 10 minutes; a NOOP must come well before it.
        if (options.KeepAliveInterval < TimeSpan.FromSeconds(10) || options.KeepAliveInterval >= TimeSpan.FromMinutes(10))
        {
            failures.Add("Mail:KeepAliveInterval must be between 10 seconds and 10 minutes (RFC 1939 §3 autologout).");
        }

        if (options.EffectiveIdleSignOut is { } idle)
        {
            if (idle < TimeSpan.FromMinutes(1))
            {
                failures.Add("Mail:IdleSignOut must be at least one minute.");
            }

            if (options.IdleWarning <= TimeSpan.Zero || options.IdleWarning >= idle)
            {
                failures.Add("Mail:IdleWarning must be positive and shorter than Mail:IdleSignOut.");
            }
        }

        if (options.DownloadLinkLifetime <= TimeSpan.Zero)
        {
            failures.Add("Mail:DownloadLinkLifetime must be positive.");
        }

        var limits = options.RateLimits;
        if (limits.FailuresPerBrowser < 1 || limits.FailuresPerNetwork < 1 || limits.FailuresPerUser < 1
            || limits.Window <= TimeSpan.Zero || limits.UserBackoff <= TimeSpan.Zero
            || limits.MaxUserBackoff < limits.UserBackoff || limits.KnownBrowserLifetime <= TimeSpan.Zero)
        {
            failures.Add("Mail:RateLimits needs positive FailuresPerBrowser, FailuresPerNetwork, FailuresPerUser, Window, "
                + "UserBackoff and KnownBrowserLifetime, and MaxUserBackoff no shorter than UserBackoff.");
        }

        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var server in options.Servers)
        {
            var label = string.IsNullOrWhiteSpace(server.Name) ? server.Host : server.Name;
            if (string.IsNullOrWhiteSpace(server.Name) || string.IsNullOrWhiteSpace(server.Host))
            {
                failures.Add($"Mail:Servers entry '{label}' needs a Name and a Host.");
            }
            else if (!names.Add(server.Name))
            {
                failures.Add($"Mail:Servers has two entries named '{server.Name}'.");
            }

            if (server.Port is < 0 or > 65535)
            {
                failures.Add($"Mail:Servers '{label}': Port must be 0-65535.");
            }

            if (server.CertificateThumbprint is { } pin
                && (pin.Count(Uri.IsHexDigit) is not (40 or 64) || pin.Any(c => !Uri.IsHexDigit(c) && c is not (':' or ' '))))
            {
                failures.Add($"Mail:Servers '{label}': CertificateThumbprint must be a SHA-256 (64 hex digits) or SHA-1 (40) thumbprint.");
            }

            if (server.Security == Pop3Security.None && server.CertificateThumbprint is not null)
            {
                failures.Add($"Mail:Servers '{label}': a CertificateThumbprint needs Security Tls or StartTls.");
            }

            // Without TLS the mail itself crosses the network in the clear, whatever the sign-in mechanism; only a
            // connection that never leaves this machine may do without.
            if (server.Security == Pop3Security.None && !ServerAddressPolicy.IsLoopbackHost(server.Host))
            {
                failures.Add($"Mail:Servers '{label}': Security None (no encryption) is only allowed for a loopback host "
                    + "(localhost, 127.0.0.0/8, ::1); use Tls or StartTls.");
            }

            if (server.AllowPlaintextAuthentication && !ServerAddressPolicy.IsLoopbackHost(server.Host))
            {
                failures.Add($"Mail:Servers '{label}': AllowPlaintextAuthentication is only allowed for a loopback host.");
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
