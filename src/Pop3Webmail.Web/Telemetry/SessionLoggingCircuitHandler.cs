using Microsoft.AspNetCore.Components.Server.Circuits;

namespace Pop3Webmail.Web.Telemetry;

/// <summary>
/// Puts everything a circuit does (each event handler, render and JS call it dispatches) inside the visit's
/// <see cref="SessionLogScope"/>, and logs where the visit starts and ends, so one visit's log lines read as a story.
/// </summary>
internal sealed partial class SessionLoggingCircuitHandler(SessionCorrelation correlation, ILogger<SessionLoggingCircuitHandler> logger) : CircuitHandler
{
    public override Func<CircuitInboundActivityContext, Task> CreateInboundActivityHandler(Func<CircuitInboundActivityContext, Task> next) =>
        async context =>
        {
            using (logger.BeginSessionScope(correlation.Id))
            {
                await next(context);
            }
        };

    public override Task OnCircuitOpenedAsync(Circuit circuit, CancellationToken cancellationToken)
    {
        using (logger.BeginSessionScope(correlation.Id))
        {
            LogVisitStarted();
        }

        return Task.CompletedTask;
    }

    public override Task OnCircuitClosedAsync(Circuit circuit, CancellationToken cancellationToken)
    {
        using (logger.BeginSessionScope(correlation.Id))
        {
            LogVisitEnded();
        }

        return Task.CompletedTask;
    }

    [LoggerMessage(EventId = 600, Level = LogLevel.Information, Message = "Visit started (circuit opened)")]
    private partial void LogVisitStarted();

    [LoggerMessage(EventId = 601, Level = LogLevel.Information, Message = "Visit ended (circuit closed)")]
    private partial void LogVisitEnded();
}
