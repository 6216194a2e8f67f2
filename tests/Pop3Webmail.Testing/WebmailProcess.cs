using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace Pop3Webmail.Testing;

/// <summary>
/// The web app as an operator runs it: its own process (<c>dotnet Pop3Webmail.Web.dll</c>, the build of the same
/// configuration as the caller), Production environment, configured through environment variables only, on a loopback
/// port. Its own process, so it can be measured apart from the clients, stopped with SIGTERM as a host stops it, or
/// killed with SIGKILL — a crash, in which none of the app's shutdown hooks run. Only this process's PID is signalled.
/// </summary>
public sealed partial class WebmailProcess : IAsyncDisposable
{
    private const int OutputLinesKept = 400;
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(40);

    private readonly Process _process;
    private readonly Queue<string> _output;

    private WebmailProcess(Process process, Uri baseAddress, Queue<string> output)
    {
        _process = process;
        _output = output;
        BaseAddress = baseAddress;
        ProcessId = process.Id;
    }

    /// <summary>src/Pop3Webmail.Web/bin/{Release|Debug}/net10.0/Pop3Webmail.Web.dll, matching the caller's own build.</summary>
    public static string AppPath { get; } = FindAppPath();

    /// <summary>http://127.0.0.1:PORT/</summary>
    public Uri BaseAddress { get; }

    public int ProcessId { get; }

    public bool HasExited => _process.HasExited;

    /// <summary>The last lines the app wrote to stdout and stderr (for failure messages).</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return string.Join(Environment.NewLine, _output);
            }
        }
    }

    /// <summary>
    /// Starts the app with <paramref name="environment"/> as its environment variables (<c>Section__Key</c> names) and
    /// waits until it listens. <paramref name="port"/> 0 lets the OS pick; a fixed port lets a restarted instance come
    /// back at the address a proxy knows.
    /// </summary>
    public static async Task<WebmailProcess> StartAsync(IReadOnlyDictionary<string, string> environment, int port = 0, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(environment);
        if (!File.Exists(AppPath))
        {
            throw new FileNotFoundException($"The app is not built at {AppPath}; build the solution first.", AppPath);
        }

        var start = new ProcessStartInfo("dotnet", [AppPath, "--urls", string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{port}")])
        {
            WorkingDirectory = Path.GetDirectoryName(AppPath)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };

        // Nothing the caller's own host was given may leak into the app (its URLs, its environment, a tracer attached to
        // the caller): it is configured by what is passed here only.
        foreach (var inherited in start.Environment.Keys.Where(IsHostSetting).ToList())
        {
            start.Environment.Remove(inherited);
        }

        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["DOTNET_NOLOGO"] = "1";
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        // The listening address is read from the host's start-up line.
        start.Environment["Logging__LogLevel__Microsoft.Hosting.Lifetime"] = "Information";

        var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start.");
        var output = new Queue<string>();
        var listening = new TaskCompletionSource<Uri>(TaskCreationOptions.RunContinuationsAsynchronously);
        void OnLine(object sender, DataReceivedEventArgs e)
        {
            if (e.Data is not { } line)
            {
                return;
            }

            lock (output)
            {
                output.Enqueue(line);
                if (output.Count > OutputLinesKept)
                {
                    output.Dequeue();
                }
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
            await Task.WhenAny(listening.Task, process.WaitForExitAsync(cancellationToken)).WaitAsync(StartTimeout, cancellationToken);
        }
        catch (TimeoutException)
        {
            // reported below with what the app printed
        }

        if (listening.Task.IsCompletedSuccessfully)
        {
            return new WebmailProcess(process, listening.Task.Result, output);
        }

        if (!process.HasExited)
        {
            process.Kill();
            await process.WaitForExitAsync(CancellationToken.None);
        }

        process.Dispose();
        lock (output)
        {
            throw new InvalidOperationException($"The app did not report a listening address:{Environment.NewLine}{string.Join(Environment.NewLine, output)}");
        }
    }

    /// <summary>SIGKILL: the process ends at once, without its shutdown hooks (no QUIT, no RSET reaches any server).</summary>
    public async Task KillAsync()
    {
        if (!_process.HasExited)
        {
            PosixNative.Signal(ProcessId, PosixNative.SigKill);
        }

        await _process.WaitForExitAsync(CancellationToken.None);
    }

    /// <summary>SIGTERM, as Docker and Kubernetes stop a container; waits for the exit and returns its status.</summary>
    public async Task<int> StopAsync(CancellationToken cancellationToken = default)
    {
        if (!_process.HasExited)
        {
            PosixNative.Signal(ProcessId, PosixNative.SigTerm);
        }

        await _process.WaitForExitAsync(cancellationToken).WaitAsync(StopTimeout, cancellationToken);
        return _process.ExitCode;
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
        foreach (var line in File.ReadLines($"/proc/{ProcessId}/status"))
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
            try
            {
                await StopAsync();
            }
            catch (TimeoutException)
            {
                await KillAsync();
            }
        }

        _process.Dispose();
    }

    private static bool IsHostSetting(string name) =>
        name.StartsWith("ASPNETCORE_", StringComparison.Ordinal)
        || name is "DOTNET_ENVIRONMENT" or "DOTNET_DiagnosticPorts" or "DOTNET_STARTUP_HOOKS" or "DOTNET_URLS";

    private static string FindAppPath()
    {
        var build = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        return Path.Combine(RepositoryFiles.Root, "src", "Pop3Webmail.Web", "bin", build.Parent!.Name, build.Name, "Pop3Webmail.Web.dll");
    }

    [GeneratedRegex(@"Now listening on: (?<address>http://\S+)")]
    private static partial Regex Listening();
}
