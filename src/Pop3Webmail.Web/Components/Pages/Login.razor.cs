using System.Globalization;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Options;
using MudBlazor;
using Pop3Webmail.Web.Configuration;
using Pop3Webmail.Web.Security;
using Pop3Webmail.Web.Session;

namespace Pop3Webmail.Web.Components.Pages;

public sealed partial class Login
{
    internal const string CustomServerId = "\u0001custom";

    private readonly LoginModel _model = new();
    private bool _busy;
    private SignInResult? _result;

    [Inject]
    private MailServerCatalog Catalog { get; set; } = default!;

    [Inject]
    private IOptions<MailOptions> MailOptions { get; set; } = default!;

    [Inject]
    private NavigationManager Navigation { get; set; } = default!;

    [Inject]
    private IStringLocalizer<Login> L { get; set; } = default!;

    [SupplyParameterFromQuery(Name = "returnUrl")]
    public string? ReturnUrl { get; set; }

    private MailOptions Options => MailOptions.Value;

    private bool ShowServerPicker => Catalog.Servers.Count > 1 || Options.AllowCustomServer;

    // On a shared PC the browser must not offer to remember the password (nothing of the user stays behind).
    private Dictionary<string, object?> UserNameAttributes => new() { ["autocomplete"] = Options.Kiosk ? "off" : "username", ["autocapitalize"] = "none", ["spellcheck"] = "false" };

    private Dictionary<string, object?> PasswordAttributes => new() { ["autocomplete"] = Options.Kiosk ? "off" : "current-password" };

    private static Dictionary<string, object?> NoAutocomplete => new() { ["autocomplete"] = "off" };

    private string? ErrorMessage => _result is { Succeeded: false } result ? Describe(result) : null;

    private string? SignOutMessage => _result is null && Session.LastSignOut is { } info ? DescribeSignOut(info) : null;

    /// <summary>Green only for what the user chose and what went as planned; anything else is worth a second look.</summary>
    private Severity SignOutSeverity => Session.LastSignOut is { Reason: SignOutReason.UserSignedOut, DeletionsFailed: false, DeletionsKept: 0 }
        ? Severity.Success
        : Severity.Warning;

    /// <summary>
    /// The page follows the session: a sign-out that is still committing when the router has already brought the user
    /// here (the session stops being signed in as its end begins) says why once the end is known.
    /// </summary>
    protected override void OnInitialized()
    {
        base.OnInitialized();
        if (Session.Account is not null)
        {
            Navigation.NavigateTo(SafeReturnUrl, replace: true);
            return;
        }

        _model.ServerId = Catalog.Servers.Count > 0 ? Catalog.Servers[0].Id : CustomServerId;
    }

    private string SafeReturnUrl =>
        LocalUrl.TryGetSafe(ReturnUrl, out var url) && url.Length > 1 && !url.StartsWith("/login", StringComparison.OrdinalIgnoreCase)
            ? url[1..]
            : "inbox";

    private void FillDemo()
    {
        if (Catalog.DemoCredentials is { } demo)
        {
            _model.UserName = demo.UserName;
            _model.Password = demo.Password;
        }
    }

    private async Task SignInAsync()
    {
        // A second submit (a double click, Enter pressed twice) while the first is on its way is the same request.
        if (_busy)
        {
            return;
        }

        _busy = true;
        _result = null;
        var password = _model.Password;

        // The password is not kept in the form: a failed attempt asks for it again.
        _model.Password = string.Empty;
        try
        {
            var request = _model.ServerId == CustomServerId
                ? new SignInRequest(_model.UserName, password, string.Empty, _model.CustomHost?.Trim(), _model.CustomPort)
                : new SignInRequest(_model.UserName, password, _model.ServerId);
            _result = await Session.SignInAsync(request);
        }
        finally
        {
            _busy = false;
        }

        if (_result.Succeeded)
        {
            // In place of the login page: Back from the inbox should not lead to a form that only forwards again.
            Navigation.NavigateTo(SafeReturnUrl, replace: true);
        }
    }

    private string Describe(SignInResult result)
    {
        var seconds = result.RetryAfter is { } wait ? Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds)) : 0;
        return result.Error switch
        {
            SignInError.InvalidCredentials => L["ErrorInvalidCredentials"],
            SignInError.MailboxInUse => L["ErrorInUse", seconds],
            SignInError.LoginDelay when seconds > 0 => L["ErrorLoginDelayFor", seconds],
            SignInError.LoginDelay => L["ErrorLoginDelay"],
            SignInError.TemporaryFailure => L["ErrorTemporary"],
            SignInError.PermanentFailure => L["ErrorPermanent"],
            SignInError.SecureConnectionFailed => L["ErrorSecurity"],
            SignInError.ServerUnreachable => L["ErrorUnreachable"],
            SignInError.ServerNotAllowed => L["ErrorServerNotAllowed"],
            SignInError.RateLimited => L["ErrorRateLimited", seconds],
            SignInError.InvalidInput => L["ErrorInvalidInput"],
            SignInError.NoCommonMechanism => L["ErrorNoMechanism"],
            _ => L["ErrorProtocol"],
        };
    }

    /// <summary>Why the session ended, and what became of the messages marked for deletion.</summary>
    private string DescribeSignOut(SignOutInfo info)
    {
        string why = info.Reason switch
        {
            SignOutReason.TakenOver => L["SignedOutTakenOver"],
            SignOutReason.IdleTimeout => L["SignedOutIdle"],
            SignOutReason.ApplicationStopping => L["SignedOutStopping"],
            SignOutReason.ServerRestarted => L["SignedOutServerRestarted"],
            SignOutReason.UnexpectedError => L["SignedOutUnexpectedError"],
            SignOutReason.CircuitClosed => L["SignedOutSessionEnded"],
            _ => L["SignedOut"],
        };
        string? deletions = info switch
        {
            { DeletionsFailed: true } => L["DeletionsFailed"].Value,
            { DeletionsKept: > 0 } => L["DeletionsKept", info.DeletionsKept.ToString("N0", CultureInfo.CurrentCulture)].Value,
            { DeletedCount: > 0 } => L["DeletionsDone", info.DeletedCount.ToString("N0", CultureInfo.CurrentCulture)].Value,
            _ => null,
        };
        return deletions is null ? why : why + " " + deletions;
    }

    private sealed class LoginModel
    {
        public string UserName { get; set; } = string.Empty;

        public string Password { get; set; } = string.Empty;

        public string ServerId { get; set; } = string.Empty;

        public string? CustomHost { get; set; }

        public int CustomPort { get; set; } = 995;
    }
}
