using Microsoft.AspNetCore.Components.Server.Circuits;

namespace Pop3Webmail.Web.Session;

/// <summary>
/// Ends the mailbox session with QUIT as soon as the circuit closes (tab closed, navigated away, or the
/// disconnected circuit's retention ran out), rather than waiting for the scope's disposal.
/// </summary>
internal sealed class MailboxCircuitHandler(IMailboxSession session) : CircuitHandler
{
    public override Task OnCircuitClosedAsync(Circuit circuit, CancellationToken cancellationToken) =>
        session.EndAsync(SignOutReason.CircuitClosed);
}
