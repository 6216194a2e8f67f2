using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Pop3Webmail.Testing;

/// <summary>
/// A private nginx for tests: its own main config, pid file, logs and temp folders in a temp directory, listening on a
/// free 127.0.0.1 port. The main config is a tiny wrapper whose http block includes the site file under test (the
/// repository's deploy/nginx/pop3webmail.conf, not a copy); files the site includes relative to the configuration
/// directory (its upstreams, its listen directive) are written by the caller for the chosen port. Started as
/// <c>nginx -p DIR -c DIR/nginx.conf -e DIR/error.log -g 'daemon off;'</c>, so the PID we hold is the master; stopped
/// with SIGTERM to that PID only (nginx's fast shutdown, which ends its workers).
/// </summary>
public sealed class NginxServer : IAsyncDisposable
{
    public const string NginxPath = "/usr/sbin/nginx";

    private const int StartAttempts = 5;
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(20);
    private static readonly ConcurrentDictionary<NginxServer, Process> Running = new();
    private static int _hookInstalled;

    private Process? _process;

    private NginxServer(string root) => RootDirectory = root;

    /// <summary>Why nginx cannot run here, or null when it can.</summary>
    public static string? UnavailableReason { get; } =
        !OperatingSystem.IsLinux() ? "The private nginx test server runs on Linux only."
        : !File.Exists(NginxPath) ? $"nginx is not installed ({NginxPath} is missing; apt-get install nginx)."
        : null;

    public int Port { get; private set; }

    /// <summary>http://127.0.0.1:PORT/</summary>
    public Uri Address => new($"http://127.0.0.1:{Port}/");

    /// <summary>The folder holding config, pid file, logs and temp files; deleted on dispose.</summary>
    public string RootDirectory { get; }

    public string ErrorLogPath => Path.Combine(RootDirectory, "error.log");

    public string AccessLogPath => Path.Combine(RootDirectory, "access.log");

    /// <summary>
    /// Starts nginx with <paramref name="siteConfigPath"/> included in its http block. <paramref name="filesForPort"/>
    /// gives, for the port nginx will listen on, the files to write relative to the configuration directory (e.g.
    /// <c>pop3webmail/listen.conf</c> with <c>listen 127.0.0.1:PORT;</c>). A port taken between picking and binding is
    /// retried on a new one.
    /// </summary>
    public static async Task<NginxServer> StartAsync(
        string siteConfigPath, Func<int, IReadOnlyDictionary<string, string>> filesForPort, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(filesForPort);
        if (UnavailableReason is { } reason)
        {
            throw new InvalidOperationException(reason);
        }

        if (!File.Exists(siteConfigPath))
        {
            throw new FileNotFoundException("The nginx site config to test does not exist.", siteConfigPath);
        }

        InstallExitHook();
        var server = new NginxServer(Directory.CreateTempSubdirectory("p3w-nginx-").FullName);
        try
        {
            for (var attempt = 1; attempt <= StartAttempts; attempt++)
            {
                server.Port = LoopbackPorts.PickFree()[0];
                server.WriteConfig(Path.GetFullPath(siteConfigPath), filesForPort(server.Port));
                if (await server.LaunchAsync(cancellationToken))
                {
                    return server;
                }
            }

            throw new InvalidOperationException($"nginx found its port taken {StartAttempts} times in a row.\n{server.ReadErrorLog()}");
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    public string ReadErrorLog() => File.Exists(ErrorLogPath) ? File.ReadAllText(ErrorLogPath) : string.Empty;

    /// <summary>Every request nginx has finished so far, with the upstream that answered it (a WebSocket once it closed).</summary>
    public IReadOnlyList<NginxAccess> ReadAccessLog()
    {
        if (!File.Exists(AccessLogPath))
        {
            return [];
        }

        using var stream = new FileStream(AccessLogPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var reader = new StreamReader(stream);
        var entries = new List<NginxAccess>();
        while (reader.ReadLine() is { } line)
        {
            if (NginxAccess.Parse(line) is { } entry)
            {
                entries.Add(entry);
            }
        }

        return entries;
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        try
        {
            Directory.Delete(RootDirectory, recursive: true);
        }
        catch (IOException)
        {
            // A worker still closing a log file; the temp folder is cleaned by the OS eventually.
        }
    }

    private async Task StopAsync()
    {
        var process = _process;
        _process = null;
        if (process is null)
        {
            return;
        }

        try
        {
            if (!process.HasExited)
            {
                PosixNative.Signal(process.Id, PosixNative.SigTerm);
                using var timeout = new CancellationTokenSource(StopTimeout);
                try
                {
                    await process.WaitForExitAsync(timeout.Token);
                }
                catch (OperationCanceledException)
                {
                    PosixNative.Signal(process.Id, PosixNative.SigKill);
                    await process.WaitForExitAsync(CancellationToken.None);
                }
            }
        }
        finally
        {
            Running.TryRemove(this, out _);
            process.Dispose();
        }
    }

    private void WriteConfig(string siteConfigPath, IReadOnlyDictionary<string, string> siteFiles)
    {
        var temp = Path.Combine(RootDirectory, "temp");
        Directory.CreateDirectory(temp);
        var config = new StringBuilder();

        // As root, nginx would switch its workers to "nobody", who cannot write the temp folders here.
        if (Environment.IsPrivilegedProcess)
        {
            config.AppendLine("user root;");
        }

        config.AppendLine("worker_processes 1;");
        config.AppendLine(CultureInfo.InvariantCulture, $"pid {RootDirectory}/nginx.pid;");
        config.AppendLine(CultureInfo.InvariantCulture, $"error_log {ErrorLogPath} info;");
        config.AppendLine("events { worker_connections 256; }");
        config.AppendLine("http {");

        // Debian's build puts these under /var/lib/nginx; a private instance keeps its own.
        foreach (var kind in new[] { "client_body", "proxy", "fastcgi", "uwsgi", "scgi" })
        {
            config.AppendLine(CultureInfo.InvariantCulture, $"    {kind}_temp_path {temp}/{kind};");
        }

        config.AppendLine(CultureInfo.InvariantCulture, $"    include {siteConfigPath};");

        // Which upstream answered each request (tab-separated; nginx escapes control characters inside values).
        config.AppendLine(@"    log_format p3w_upstream ""$upstream_addr\t$status\t$request_method\t$request_uri\t$http_cookie"";");
        config.AppendLine(CultureInfo.InvariantCulture, $"    access_log {AccessLogPath} p3w_upstream;");
        config.AppendLine("}");
        File.WriteAllText(Path.Combine(RootDirectory, "nginx.conf"), config.ToString());

        foreach (var (relativePath, content) in siteFiles)
        {
            var path = Path.Combine(RootDirectory, relativePath);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, content);
        }
    }

    /// <summary>Starts nginx and waits (bounded) until its port accepts; false when it exited because the port was taken.</summary>
    private async Task<bool> LaunchAsync(CancellationToken cancellationToken)
    {
        File.Delete(ErrorLogPath);
        var start = new ProcessStartInfo(NginxPath)
        {
            ArgumentList = { "-p", RootDirectory + "/", "-c", Path.Combine(RootDirectory, "nginx.conf"), "-e", ErrorLogPath, "-g", "daemon off;" },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        var process = Process.Start(start) ?? throw new InvalidOperationException("nginx did not start.");
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _process = process;
        Running[this] = process;

        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < StartTimeout)
        {
            if (process.HasExited)
            {
                await StopAsync();
                var log = ReadErrorLog();
                return log.Contains("Address already in use", StringComparison.Ordinal)
                    ? false
                    : throw new InvalidOperationException($"nginx exited with status {process.ExitCode} while starting.\n{log}");
            }

            if (await AcceptsAsync(Port, cancellationToken))
            {
                return true;
            }

            await Task.Delay(PollInterval, cancellationToken);
        }

        await StopAsync();
        throw new InvalidOperationException($"nginx did not accept connections on port {Port} within {StartTimeout.TotalSeconds} s.\n{ReadErrorLog()}");
    }

    private static async Task<bool> AcceptsAsync(int port, CancellationToken cancellationToken)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port), cancellationToken);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private static void InstallExitHook()
    {
        if (Interlocked.Exchange(ref _hookInstalled, 1) != 0)
        {
            return;
        }

        // A test run that ends without disposing its fixtures must not leave nginx behind.
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            foreach (var process in Running.Values)
            {
                try
                {
                    PosixNative.Signal(process.Id, PosixNative.SigTerm);
                    process.WaitForExit(StopTimeout);
                }
                catch (InvalidOperationException)
                {
                    // Already disposed by a StopAsync that raced us.
                }
            }
        };
    }
}

/// <summary>
/// One line of <see cref="NginxServer.AccessLogPath"/>. <see cref="Upstream"/> is the address that answered ("-" when
/// nginx answered itself); when nginx had to try several (one refused), the last of them.
/// </summary>
public sealed record NginxAccess(string Upstream, int Status, string Method, string Uri, string Cookies)
{
    /// <summary>The value of cookie <paramref name="name"/> the request carried, or null.</summary>
    public string? Cookie(string name) =>
        Cookies.Split(';', StringSplitOptions.TrimEntries)
            .Select(pair => pair.Split('=', 2))
            .FirstOrDefault(pair => pair.Length == 2 && pair[0] == name)?[1];

    internal static NginxAccess? Parse(string line)
    {
        var fields = line.Split('\t');
        if (fields.Length != 5 || !int.TryParse(fields[1], NumberStyles.None, CultureInfo.InvariantCulture, out var status))
        {
            return null;
        }

        var upstream = fields[0].Split(',', StringSplitOptions.TrimEntries)[^1];
        return new NginxAccess(upstream, status, fields[2], fields[3], fields[4] == "-" ? string.Empty : fields[4]);
    }
}
