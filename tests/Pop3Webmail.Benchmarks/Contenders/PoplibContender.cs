using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace Pop3Webmail.Benchmarks.Contenders;

/// <summary>
/// Python's poplib (one round trip per message), run as a subprocess. The script times itself from connect to QUIT,
/// so interpreter start-up is not counted. The password goes over stdin, never on the command line.
/// </summary>
internal static class PoplibContender
{
    private static readonly string Script = Path.Combine(AppContext.BaseDirectory, "poplib_list.py");

    public static async Task<(double Seconds, int Count)> ListAllSummariesAsync(PopEndpoint endpoint, string certificatePemPath)
    {
        var start = new ProcessStartInfo("python3")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { Script, endpoint.Host, endpoint.Port.ToString(CultureInfo.InvariantCulture), endpoint.Tls ? "tls" : "plain", certificatePemPath, endpoint.User, "-" })
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("python3 could not be started.");
        try
        {
            await process.StandardInput.WriteLineAsync(endpoint.Password);
            process.StandardInput.Close();
            var output = process.StandardOutput.ReadToEndAsync();
            var error = process.StandardError.ReadToEndAsync();
            using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
            await process.WaitForExitAsync(timeout.Token);
            if (process.ExitCode != 0)
            {
                throw new InvalidOperationException($"poplib_list.py failed ({process.ExitCode}): {await error}");
            }

            using var result = JsonDocument.Parse(await output);
            return (result.RootElement.GetProperty("elapsed_s").GetDouble(), result.RootElement.GetProperty("count").GetInt32());
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(); // only this PID: the python3 we started
                await process.WaitForExitAsync();
            }
        }
    }
}
