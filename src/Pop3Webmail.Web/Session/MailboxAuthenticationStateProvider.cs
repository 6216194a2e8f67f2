using System.Security.Claims;
using Microsoft.AspNetCore.Components.Authorization;

namespace Pop3Webmail.Web.Session;

/// <summary>Reports the circuit's signed-in mailbox as the user, so AuthorizeRouteView guards the mail pages.</summary>
public sealed class MailboxAuthenticationStateProvider : AuthenticationStateProvider, IDisposable
{
    public const string ServerClaimType = "pop3:server";
    private readonly IMailboxSession _session;
    private MailboxAccount? _reported;

    public MailboxAuthenticationStateProvider(IMailboxSession session)
    {
        ArgumentNullException.ThrowIfNull(session);
        _session = session;
        _reported = session.Account;
        _session.Changed += OnSessionChanged;
    }

    public override Task<AuthenticationState> GetAuthenticationStateAsync() => Task.FromResult(Create(_session.Account));

    public void Dispose() => _session.Changed -= OnSessionChanged;

    private void OnSessionChanged(object? sender, EventArgs e)
    {
        var account = _session.Account;
        if (!Equals(account, _reported))
        {
            _reported = account;
            NotifyAuthenticationStateChanged(Task.FromResult(Create(account)));
        }
    }

    private static AuthenticationState Create(MailboxAccount? account)
    {
        if (account is null)
        {
            return new AuthenticationState(new ClaimsPrincipal(new ClaimsIdentity()));
        }

        var identity = new ClaimsIdentity(
            [new Claim(ClaimTypes.Name, account.UserName), new Claim(ServerClaimType, account.ServerName)],
            authenticationType: "pop3");
        return new AuthenticationState(new ClaimsPrincipal(identity));
    }
}
