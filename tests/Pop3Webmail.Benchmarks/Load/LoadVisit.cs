using Pop3Webmail.Testing.Circuits;
using Pop3Webmail.Testing.Circuits.Webmail;

namespace Pop3Webmail.Benchmarks.Load;

/// <summary>One user's visit in the crowd: the steps it completed with their times, and what went wrong, if anything.</summary>
internal sealed record LoadVisit(string User, IReadOnlyList<StepTiming> Timings, string? FailedStep, IReadOnlyList<string> Errors, IReadOnlyDictionary<string, int> JSCalls)
{
    /// <summary>Makes the whole visit in a fresh tab; a failure is recorded against its step, never thrown.</summary>
    public static async Task<LoadVisit> RunAsync(Uri app, string user, string password, CircuitClientOptions options)
    {
        await using var client = new CircuitClient(options);
        try
        {
            var visit = await WebmailScenario.RunAsync(client, app, user, password);
            return new LoadVisit(user, visit.Timings, null, client.Errors, client.JSCalls);
        }
        catch (WebmailScenarioException ex)
        {
            return new LoadVisit(user, ex.Completed, ex.Step, [.. client.Errors, ex.Message], client.JSCalls);
        }
    }
}
