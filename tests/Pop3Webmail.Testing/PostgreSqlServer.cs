using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;

namespace Pop3Webmail.Testing;

/// <summary>
/// A private PostgreSQL cluster for tests: initdb into a temp folder (under /dev/shm when there is one), then pg_ctl
/// starts it on a free loopback port with TCP only (no Unix socket), password authentication (SCRAM-SHA-256) for the
/// superuser <see cref="UserName"/>, and durability off (fsync, synchronous_commit), which tests do not need. Started
/// and stopped like <see cref="DovecotServer"/>: the PID we hold is the postmaster's (from postmaster.pid), and only it
/// is signalled (SIGINT, PostgreSQL's fast shutdown; SIGKILL if it outlives the grace). See
/// <see cref="PostgreSqlInstallation"/> for where the programs come from and which user runs them.
/// </summary>
public sealed class PostgreSqlServer : IAsyncDisposable
{
    public const string UserName = "p3w";

    private const string DirectoryPrefix = "p3w-pg-";
    private const string SharedMemory = "/dev/shm";
    private const int StartAttempts = 5;
    private const int SigInt = 2;
    private static readonly TimeSpan StopGrace = TimeSpan.FromSeconds(10);
    private static readonly ConcurrentDictionary<PostgreSqlServer, int> Running = new();
    private static int _hooksInstalled;

    private PostgreSqlServer(string root)
    {
        RootDirectory = root;
    }

    public string Host { get; } = "127.0.0.1";

    public int Port { get; private set; }

    /// <summary>The superuser's password: random per instance.</summary>
    public string Password { get; } = Convert.ToHexString(RandomNumberGenerator.GetBytes(16));

    /// <summary>Everything of this instance (cluster, log); deleted on dispose.</summary>
    public string RootDirectory { get; }

    public string DataDirectory => Path.Combine(RootDirectory, "data");

    /// <summary>The server's log (pg_ctl -l): startup failures and errors land here.</summary>
    public string LogPath => Path.Combine(RootDirectory, "postgresql.log");

    /// <summary>The postmaster's PID while it runs.</summary>
    public int? ProcessId { get; private set; }

    /// <summary>
    /// Creates the cluster and starts it. Should another process take the free port before the server binds it, the
    /// start is retried on a new port.
    /// </summary>
    public static async Task<PostgreSqlServer> StartAsync(CancellationToken cancellationToken = default)
    {
        if (PostgreSqlInstallation.UnavailableReason is { } reason)
        {
            throw new InvalidOperationException(reason);
        }

        InstallProcessHooks();
        var server = new PostgreSqlServer(CreateRootDirectory());
        try
        {
            await server.InitializeClusterAsync(cancellationToken);
            for (var attempt = 1; attempt <= StartAttempts; attempt++)
            {
                server.Port = PickFreePort();
                if (await server.LaunchAsync(cancellationToken))
                {
                    return server;
                }
            }

            throw new InvalidOperationException($"PostgreSQL found its port taken {StartAttempts} times in a row.\n{server.ReadLogTail()}");
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    /// <summary>An Npgsql connection string for <paramref name="database"/> as the superuser (no pooling across tests is implied).</summary>
    public string ConnectionString(string database = "postgres") =>
        string.Create(CultureInfo.InvariantCulture, $"Host={Host};Port={Port};Username={UserName};Password={Password};Database={database}");

    /// <summary>Stops the server (fast shutdown: open sessions are cut) and waits until the postmaster has exited.</summary>
    public async Task StopAsync()
    {
        if (ProcessId is not { } pid)
        {
            return;
        }

        ProcessId = null;
        Running.TryRemove(this, out _);
        await Task.Run(() => Stop(pid));
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        try
        {
            Directory.Delete(RootDirectory, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
            // Never created, or already gone.
        }
    }

    public string ReadLogTail(int lines = 30) =>
        File.Exists(LogPath) ? string.Join('\n', File.ReadLines(LogPath).TakeLast(lines)) : "(no PostgreSQL log)";

    private async Task InitializeClusterAsync(CancellationToken cancellationToken)
    {
        var passwordFile = Path.Combine(RootDirectory, "password");
        await File.WriteAllTextAsync(passwordFile, Password, cancellationToken);
        GiveToServiceUser(passwordFile);
        var (exitCode, output) = await PostgreSqlInstallation.RunAsync("initdb",
        [
            "--pgdata", DataDirectory, "--username", UserName, "--pwfile", passwordFile,
            "--auth-host", "scram-sha-256", "--auth-local", "scram-sha-256", "--encoding", "UTF8", "--no-locale", "--no-sync",
        ], cancellationToken);
        File.Delete(passwordFile);
        if (exitCode != 0)
        {
            throw new InvalidOperationException($"initdb exited with code {exitCode}.\n{output}");
        }
    }

    /// <summary>Starts the postmaster and waits until it accepts connections; false when the port was taken.</summary>
    private async Task<bool> LaunchAsync(CancellationToken cancellationToken)
    {
        var settings = string.Create(CultureInfo.InvariantCulture,
            $"-c listen_addresses={Host} -p {Port} -c unix_socket_directories='' -c fsync=off -c synchronous_commit=off -c full_page_writes=off");
        var (exitCode, output) = await PostgreSqlInstallation.RunAsync("pg_ctl",
            ["--pgdata", DataDirectory, "--log", LogPath, "--wait", "--timeout", "60", "--options", settings, "start"], cancellationToken);
        if (exitCode != 0)
        {
            var log = ReadLogTail();
            if (log.Contains("could not bind", StringComparison.Ordinal) || log.Contains("Address already in use", StringComparison.Ordinal))
            {
                return false;
            }

            throw new InvalidOperationException($"pg_ctl start exited with code {exitCode}.\n{output}\n{log}");
        }

        ProcessId = ReadPostmasterPid(DataDirectory) ?? throw new InvalidOperationException($"PostgreSQL started but wrote no postmaster.pid.\n{ReadLogTail()}");
        Running[this] = ProcessId.Value;
        return true;
    }

    /// <summary>SIGINT to the postmaster (fast shutdown), SIGKILL if it is still there after the grace.</summary>
    private static void Stop(int pid)
    {
        PosixNative.Signal(pid, SigInt);
        if (!PosixNative.WaitForExit(pid, StopGrace))
        {
            PosixNative.Signal(pid, PosixNative.SigKill);
            PosixNative.WaitForExit(pid, StopGrace);
        }
    }

    private static int? ReadPostmasterPid(string dataDirectory)
    {
        var path = Path.Combine(dataDirectory, "postmaster.pid");
        return File.Exists(path) && int.TryParse(File.ReadLines(path).FirstOrDefault(), NumberStyles.None, CultureInfo.InvariantCulture, out var pid)
            ? pid
            : null;
    }

    /// <summary>True when <paramref name="pid"/> is a postgres process serving <paramref name="dataDirectory"/> (not a reused PID).</summary>
    private static bool IsPostmasterOf(int pid, string dataDirectory)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/cmdline").Split('\0').Contains(dataDirectory, StringComparer.Ordinal);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    private static int PickFreePort()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)socket.LocalEndPoint!).Port;
    }

    private static string CreateRootDirectory()
    {
        var parent = Directory.Exists(SharedMemory) ? SharedMemory : Path.GetTempPath();
        var root = Path.Combine(parent, DirectoryPrefix + Guid.NewGuid().ToString("N")[..10]);
        Directory.CreateDirectory(root);
        PosixNative.SetMode(root, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        File.WriteAllText(Path.Combine(root, "owner.pid"), Environment.ProcessId.ToString(CultureInfo.InvariantCulture));
        GiveToServiceUser(root);
        return root;
    }

    /// <summary>Under root the cluster belongs to the postgres user, who must own its folder (initdb insists on 0700).</summary>
    private static void GiveToServiceUser(string path)
    {
        if (PostgreSqlInstallation.ServiceUserIds is var (uid, gid))
        {
            PosixNative.ChangeOwner(path, uid, gid);
        }
    }

    private static void InstallProcessHooks()
    {
        if (Interlocked.Exchange(ref _hooksInstalled, 1) != 0)
        {
            return;
        }

        SweepStaleInstances();

        // A test run that ends without disposing its fixtures must not leave servers behind.
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            foreach (var pid in Running.Values)
            {
                Stop(pid);
            }
        };
    }

    /// <summary>
    /// Removes clusters left by a test process that died without cleaning up (killed by a hang timeout): folders whose
    /// owner.pid names a process that no longer exists. Only a postmaster serving that very folder is signalled.
    /// </summary>
    private static void SweepStaleInstances()
    {
        foreach (var parent in new[] { SharedMemory, Path.GetTempPath() }.Where(Directory.Exists).Distinct(StringComparer.Ordinal))
        {
            foreach (var folder in Directory.EnumerateDirectories(parent, DirectoryPrefix + "*").ToArray())
            {
                try
                {
                    var owner = Path.Combine(folder, "owner.pid");
                    if (!File.Exists(owner) || Directory.Exists("/proc/" + File.ReadAllText(owner).Trim()))
                    {
                        continue; // Being created right now, or its test process is alive.
                    }

                    var data = Path.Combine(folder, "data");
                    if (ReadPostmasterPid(data) is { } pid && IsPostmasterOf(pid, data))
                    {
                        Stop(pid);
                    }

                    Directory.Delete(folder, recursive: true);
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
                {
                    // In use or not ours: the next sweep retries.
                }
            }
        }
    }
}
