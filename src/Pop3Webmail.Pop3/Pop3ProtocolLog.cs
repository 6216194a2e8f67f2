using Microsoft.Extensions.Logging;

namespace Pop3Webmail.Pop3;

/// <summary>
/// The protocol log: every command and reply at Debug. Secrets never reach it: sensitive command arguments (PASS,
/// APOP, AUTH, SASL lines) are written as asterisks by <see cref="Pop3Command.ToString"/>, a reply that echoes the
/// secret has it masked, and SASL challenges are not logged at all.
/// </summary>
internal sealed partial class Pop3ProtocolLog(ILogger logger)
{
    private readonly ILogger _logger = logger;

    public void Command(Pop3Command command) => LogCommand(command);

    public void Reply(Pop3Response response, string? secret)
    {
        if (response.Kind == Pop3ResponseKind.Continuation)
        {
            // SASL challenges can carry account details; only their presence is logged.
            LogChallenge();
        }
        else
        {
            // A server may echo the password it was sent (e.g. "-ERR bad password hunter2"): never log it.
            var text = secret is not null && response.Text.Contains(secret, StringComparison.Ordinal)
                ? response.Text.Replace(secret, "********", StringComparison.Ordinal)
                : response.Text;
            LogServer(response.Kind == Pop3ResponseKind.Ok ? "+OK" : "-ERR", response.Code, text);
        }
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Debug, Message = "C: {Command}")]
    private partial void LogCommand(Pop3Command command);

    [LoggerMessage(EventId = 2, Level = LogLevel.Debug, Message = "S: {Indicator} [{Code}] {Text}")]
    private partial void LogServer(string indicator, Pop3ResponseCode code, string text);

    [LoggerMessage(EventId = 3, Level = LogLevel.Debug, Message = "S: + (challenge)")]
    private partial void LogChallenge();
}
