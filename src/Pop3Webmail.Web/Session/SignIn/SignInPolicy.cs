using System.Globalization;
using Pop3Webmail.Pop3;
using Pop3Webmail.Web.Configuration;
using Pop3Webmail.Web.Security;

namespace Pop3Webmail.Web.Session.SignIn;

/// <summary>What a sign-in may be: well-formed input, and a server the user is allowed to reach.</summary>
internal static class SignInPolicy
{
    public const int MaxUserNameLength = 256;
    public const int MaxPasswordLength = 1024;

    /// <summary>
    /// Null when <paramref name="request"/> is well-formed; else why not. Line breaks, NUL (and, in user names, blanks)
    /// could end a POP3 command early and start another, so they are refused before anything is sent.
    /// </summary>
    public static SignInError? Validate(SignInRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var userName = request.UserName?.Trim() ?? string.Empty;
        var password = request.Password ?? string.Empty;
        return userName.Length is 0 or > MaxUserNameLength || password.Length is 0 or > MaxPasswordLength
            || userName.AsSpan().IndexOfAny(" \r\n\0\t") >= 0 || password.AsSpan().IndexOfAny("\r\n\0") >= 0
            ? SignInError.InvalidInput
            : null;
    }

    /// <summary>The server a request names: a configured one, or (only when allowed) a custom host on a POP3 port.</summary>
    public static MailServer? ResolveServer(SignInRequest request, MailServerCatalog catalog, MailOptions options)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(options);
        if (request.CustomHost is not { Length: > 0 } host)
        {
            return catalog.Find(request.ServerId);
        }

        if (!options.AllowCustomServer || !ServerAddressPolicy.IsAllowedPort(request.CustomPort)
            || host.Length > 253 || Uri.CheckHostName(host) == UriHostNameType.Unknown)
        {
            return null;
        }

        var security = request.CustomPort == Pop3ClientOptions.DefaultTlsPort ? Pop3Security.Tls : Pop3Security.StartTls;
        return new MailServer("custom:" + host.ToUpperInvariant() + ":" + request.CustomPort.ToString(CultureInfo.InvariantCulture),
            host, host, request.CustomPort, security, IsCustom: true);
    }
}
