using Microsoft.AspNetCore.Components.Server.Circuits;

namespace Pop3Webmail.Web.Session;

/// <summary>
/// Tells the circuit's mailbox session as soon as the circuit closes (tab closed, reloaded, navigated away, or the
/// disconnected circuit's retention ran out), rather than waiting for the scope's disposal: the session cancels a
/// sign-in on its way and keeps its visit for the resume grace period.
/// </summary>
internal sealed class MailboxCircuitHandler(MailboxSession session) : CircuitHandler
{
    public override Task OnCircuitClosedAsync(Circuit circuit, CancellationToken cancellationToken) => session.OnCircuitClosedAsync();
}
