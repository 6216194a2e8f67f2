using Microsoft.AspNetCore.Authentication;

namespace Pop3Webmail.Web.Security;

/// <summary>
/// The sign-in lives inside the circuit, in server memory, never in a cookie (nothing about the user stays in a
/// kiosk browser). So every plain HTTP request is anonymous, and a request for a page that needs a mailbox is sent
/// to the login page.
/// </summary>
internal sealed class CircuitOnlyAuthenticationHandler : IAuthenticationHandler
{
    public const string SchemeName = "Circuit";
    private HttpContext? _context;

    public Task InitializeAsync(AuthenticationScheme scheme, HttpContext context)
    {
        _context = context;
        return Task.CompletedTask;
    }

    public Task<AuthenticateResult> AuthenticateAsync() => Task.FromResult(AuthenticateResult.NoResult());

    public Task ChallengeAsync(AuthenticationProperties? properties)
    {
        var request = _context!.Request;
        // Relative to the path base, like every URL the login page navigates to.
        var returnUrl = request.Path + request.QueryString;
        _context.Response.Redirect(request.PathBase + "/login?returnUrl=" + Uri.EscapeDataString(returnUrl));
        return Task.CompletedTask;
    }

    public Task ForbidAsync(AuthenticationProperties? properties)
    {
        _context!.Response.StatusCode = StatusCodes.Status403Forbidden;
        return Task.CompletedTask;
    }
}
