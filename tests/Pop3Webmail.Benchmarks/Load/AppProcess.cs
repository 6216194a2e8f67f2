using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Pop3Webmail.Testing;

namespace Pop3Webmail.Benchmarks.Load;

/// <summary>
/// The web app as an operator runs it: its own process (the built Pop3Webmail.Web.dll of the same configuration as
/// this program), Production environment, configured through environment variables, on a free 127.0.0.1 port. Its
/// own process, so its memory is measured apart from the load's clients. Stopped with SIGTERM, as a host stops it.
/// </summary>
internal sealed partial class AppProcess : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(30);

    private readonly Process _process;

    private AppProcess(Process process, Uri baseAddress)
    {
        _process = process;
        BaseAddress = baseAddress;
    }

    public Uri BaseAddress { get; }

    public int ProcessId => _process.Id;

    public static async Task<AppProcess> StartAsync(DovecotServer dovecot)
    {
        var app = AppPath();
        var start = new ProcessStartInfo("dotnet", [app, "--urls", "http://127.0.0.1:0"])
        {
            WorkingDirectory = Path.GetDirectoryName(app)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var (key, value) in Settings(dovecot))
        {
            start.Environment[key] = value;
        }

        // A tracer attached to this program (dotnet-trace) must not make the app wait for it too.
        start.Environment.Remove("DOTNET_DiagnosticPorts");

        var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start.");
        var listening = new TaskCompletionSource<Uri>(TaskCreationOptions.RunContinuationsAsynchronously);
        var output = new List<string>();
        void OnLine(object sender, DataReceivedEventArgs e)
        {
            if (e.Data is not { } line)
            {
                return;
            }

            lock (output)
            {
                output.Add(line);
            }

            if (Listening().Match(line) is { Success: true } match)
            {
                listening.TrySetResult(new Uri(match.Groups["address"].Value.TrimEnd('/') + "/"));
            }
        }

        process.OutputDataReceived += OnLine;
        process.ErrorDataReceived += OnLine;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await Task.WhenAny(listening.Task, process.WaitForExitAsync()).WaitAsync(StartTimeout);
        }
        catch (TimeoutException)
        {
            // reported below with what the app printed
        }

        if (listening.Task.IsCompletedSuccessfully)
        {
            return new AppProcess(process, listening.Task.Result);
        }

        if (!process.HasExited)
        {
            process.Kill();
        }

        lock (output)
        {
            throw new InvalidOperationException($"The app did not report a listening address:{Environment.NewLine}{string.Join(Environment.NewLine, output)}");
        }
    }

    /// <summary>CPU time the app process has used so far (user and system).</summary>
    public TimeSpan ProcessorTime()
    {
        _process.Refresh();
        return _process.TotalProcessorTime;
    }

    /// <summary>Resident set size of the app process (VmRSS), in bytes.</summary>
    public long ResidentBytes()
    {
        foreach (var line in File.ReadLines($"/proc/{_process.Id}/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                return long.Parse(line.AsSpan(6).Trim().TrimEnd("kB").Trim(), CultureInfo.InvariantCulture) * 1024;
            }
        }

        throw new InvalidOperationException("The app process has no VmRSS (has it exited?).");
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            PosixNative.Signal(_process.Id, PosixNative.SigTerm);
            try
            {
                await _process.WaitForExitAsync().WaitAsync(StopTimeout);
            }
            catch (TimeoutException)
            {
                _process.Kill();
            }
        }

        _process.Dispose();
    }

    /// <summary>How an operator would configure this Dovecot: implicit TLS, its certificate pinned.</summary>
    private static Dictionary<string, string> Settings(DovecotServer dovecot) => new()
    {
        ["ASPNETCORE_ENVIRONMENT"] = "Production",
        ["Logging__LogLevel__Default"] = "Warning",
        ["Logging__LogLevel__Microsoft.Hosting.Lifetime"] = "Information",
        ["Mail__Servers__0__Name"] = "Dovecot",
        ["Mail__Servers__0__Host"] = dovecot.Host,
        ["Mail__Servers__0__Port"] = dovecot.TlsPort.ToString(CultureInfo.InvariantCulture),
        ["Mail__Servers__0__Security"] = "Tls",
        ["Mail__Servers__0__CertificateThumbprint"] = dovecot.CertificateThumbprint,

        // Every simulated user signs in from 127.0.0.1 within a minute: a crowd here, not an attack.
        ["Mail__RateLimits__AttemptsPerUser"] = "10000",
        ["Mail__RateLimits__AttemptsPerClient"] = "100000",
    };

    /// <summary>src/Pop3Webmail.Web/bin/{Release|Debug}/net10.0/Pop3Webmail.Web.dll, matching this program's build.</summary>
    private static string AppPath()
    {
        var build = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var path = Path.Combine(Program.RepositoryRoot(), "src", "Pop3Webmail.Web", "bin", build.Parent!.Name, build.Name, "Pop3Webmail.Web.dll");
        return File.Exists(path) ? path : throw new FileNotFoundException($"The app is not built at {path}; build the solution first.", path);
    }

    [GeneratedRegex(@"Now listening on: (?<address>http://\S+)")]
    private static partial Regex Listening();
}
