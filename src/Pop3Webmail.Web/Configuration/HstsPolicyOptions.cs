namespace Pop3Webmail.Web.Configuration;

/// <summary>
/// The <c>Hsts</c> section: HTTP Strict Transport Security (RFC 6797), sent on responses served over HTTPS (as the
/// app sees it, after trusted forwarded headers) and never over plain HTTP, where browsers ignore it (§8.1).
/// </summary>
public sealed class HstsPolicyOptions
{
    public const string SectionName = "Hsts";

    /// <summary>How long browsers keep to HTTPS for this host (<c>max-age</c>); zero turns the header off.</summary>
    public TimeSpan MaxAge { get; init; } = TimeSpan.FromDays(365);

    /// <summary>Adds <c>includeSubDomains</c>: every subdomain of this host is HTTPS-only too.</summary>
    public bool IncludeSubDomains { get; init; }
}
