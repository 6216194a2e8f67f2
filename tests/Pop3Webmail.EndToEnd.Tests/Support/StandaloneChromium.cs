using System.Diagnostics;
using System.Globalization;
using Microsoft.Playwright;

namespace Pop3Webmail.EndToEnd.Tests.Support;

/// <summary>
/// A Chromium this test starts itself (so it holds the PID and may kill it), driven by Playwright over the DevTools
/// protocol. Killing it is what a crashed or force-closed browser does to the app: the WebSocket drops without a
/// goodbye, so the circuit is only "disconnected" and waits out its retention period.
/// </summary>
internal sealed class StandaloneChromium : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);
    private readonly Process _process;
    private readonly string _profile;

    private StandaloneChromium(Process process, string profile, IBrowser browser)
    {
        _process = process;
        _profile = profile;
        Browser = browser;
    }

    public IBrowser Browser { get; }

    public static async Task<StandaloneChromium> StartAsync(IPlaywright playwright, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(playwright);
        var profile = Directory.CreateTempSubdirectory("p3w-chromium-").FullName;
        var start = new ProcessStartInfo(Chromium.ExecutablePath)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in Chromium.Arguments.Concat(["--headless", "--remote-debugging-port=0", "--user-data-dir=" + profile, "about:blank"]))
        {
            start.ArgumentList.Add(argument);
        }

        // /usr/bin/chromium is a launcher script that execs the browser, so this PID becomes the browser's.
        var process = Process.Start(start) ?? throw new InvalidOperationException("Chromium did not start.");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            var port = await ReadDevToolsPortAsync(process, profile, cancellationToken);
            var browser = await playwright.Chromium.ConnectOverCDPAsync(
                string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{port}"),
                new BrowserTypeConnectOverCDPOptions { Timeout = (float)StartTimeout.TotalMilliseconds });
            return new StandaloneChromium(process, profile, browser);
        }
        catch
        {
            Kill(process);
            process.Dispose();
            throw;
        }
    }

    /// <summary>SIGKILL to the browser and the processes it started, all of them ours; no page gets to say goodbye.</summary>
    public async Task KillAsync()
    {
        Kill(_process);
        await _process.WaitForExitAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        _process.Dispose();
        try
        {
            Directory.Delete(_profile, recursive: true);
        }
        catch (IOException)
        {
            // A child still closing a file; the temp folder is cleaned by the system eventually.
        }
    }

    private static void Kill(Process process)
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
        }
    }

    /// <summary>Chromium writes the port it picked for --remote-debugging-port=0 to DevToolsActivePort in the profile.</summary>
    private static async Task<int> ReadDevToolsPortAsync(Process process, string profile, CancellationToken cancellationToken)
    {
        var file = Path.Combine(profile, "DevToolsActivePort");
        var waited = Stopwatch.StartNew();
        while (true)
        {
            if (File.Exists(file)
                && (await File.ReadAllLinesAsync(file, cancellationToken)) is [var first, ..]
                && int.TryParse(first, NumberStyles.None, CultureInfo.InvariantCulture, out var port))
            {
                return port;
            }

            if (process.HasExited || waited.Elapsed > StartTimeout)
            {
                throw new InvalidOperationException($"Chromium did not open its DevTools port within {StartTimeout.TotalSeconds:0} s.");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(50), cancellationToken);
        }
    }
}
