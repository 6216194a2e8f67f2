using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;

namespace Pop3Webmail.Testing;

/// <summary>
/// A private Dovecot 2.3 POP3 server for tests: its own config, passwd-file, self-signed certificate, Maildirs and
/// log in a temp folder, listening on free loopback ports (plaintext with STLS, and implicit TLS). It is started as
/// a child process (<c>dovecot -c CONFIG -F</c>, so the PID we hold is the master) and stopped with SIGTERM to that
/// PID only. Mail is stored as uid/gid <see cref="MailUserId"/>, which needs root (see <see cref="RealServers"/>).
/// </summary>
public sealed partial class DovecotServer : IAsyncDisposable
{
    /// <summary>The static uid and gid that owns every Maildir (no /etc/passwd entry needed).</summary>
    public const int MailUserId = 5000;

    private const string DirectoryPrefix = "p3w-dovecot-";
    private const string SharedMemory = "/dev/shm";
    private const int StartAttempts = 5;
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(20);
    private static readonly TimeSpan ProcessGrace = TimeSpan.FromSeconds(5);
    private static readonly ConcurrentDictionary<DovecotServer, Process> Running = new();
    private static int _hooksInstalled;

    private readonly DovecotServerOptions _options;
    private readonly Dictionary<string, string> _passwords = new(StringComparer.Ordinal);
    private readonly Lock _usersLock = new();
    private Process? _process;

    private DovecotServer(string root, DovecotServerOptions options)
    {
        RootDirectory = root;
        _options = options;
        Certificate = SelfSignedCertificate.Create(root);
        Directory.CreateDirectory(HomesDirectory);
        PosixNative.SetMode(HomesDirectory, Mode755);
    }

    /// <summary>Always the IPv4 loopback: network tests talk to 127.0.0.1 only.</summary>
    public string Host { get; } = "127.0.0.1";

    /// <summary>The plaintext POP3 port (STLS offered).</summary>
    public int Port { get; private set; }

    /// <summary>The implicit-TLS POP3 port (RFC 8314).</summary>
    public int TlsPort { get; private set; }

    /// <summary>The server certificate: self-signed, SAN DNS:localhost and IP:127.0.0.1, not trusted by the machine.</summary>
    public SelfSignedCertificate Certificate { get; }

    /// <summary>The SHA-256 thumbprint of <see cref="Certificate"/>, for pinning.</summary>
    public string CertificateThumbprint => Certificate.Sha256Thumbprint;

    /// <summary>The folder (under /dev/shm, or the temp folder) holding everything of this instance; deleted on dispose.</summary>
    public string RootDirectory { get; }

    public string ConfigPath => Path.Combine(RootDirectory, "dovecot.conf");

    /// <summary>Dovecot's log (log_path and info_log_path): logins, logouts with their counters, errors.</summary>
    public string LogPath => Path.Combine(RootDirectory, "dovecot.log");

    /// <summary>The master's stdout and stderr (early startup failures land here, not in the log).</summary>
    public string OutputPath => Path.Combine(RootDirectory, "dovecot.out");

    /// <summary>The PID of the master process while it runs.</summary>
    public int? ProcessId => _process is { HasExited: false } process ? process.Id : null;

    public bool IsRunning => ProcessId is not null;

    /// <summary>The accounts, in the order they were added.</summary>
    public IReadOnlyList<string> UserNames
    {
        get
        {
            lock (_usersLock)
            {
                return [.. _passwords.Keys];
            }
        }
    }

    private static UnixFileMode Mode755 =>
        UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead
        | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute;

    private string BaseDirectory => Path.Combine(RootDirectory, "run");

    private string HomesDirectory => Path.Combine(RootDirectory, "home");

    private string UsersDirectory => Path.Combine(RootDirectory, "users");

    /// <summary>
    /// Creates and starts a server with <paramref name="options"/>. Free ports are picked by binding port 0; should
    /// another process take one before Dovecot binds it, the start is retried on new ports.
    /// </summary>
    public static async Task<DovecotServer> StartAsync(DovecotServerOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (RealServers.DovecotUnavailableReason is { } reason)
        {
            throw new InvalidOperationException(reason);
        }

        InstallProcessHooks();
        var server = new DovecotServer(CreateRootDirectory(), options);
        try
        {
            foreach (var user in options.Users)
            {
                server.AddUser(user);
            }

            for (var attempt = 1; attempt <= StartAttempts; attempt++)
            {
                (server.Port, server.TlsPort) = PickFreePorts();
                server.WriteConfig();
                if (await server.LaunchAsync(cancellationToken))
                {
                    return server;
                }
            }

            throw new InvalidOperationException($"Dovecot found its ports taken {StartAttempts} times in a row.\n{server.ReadDiagnostics()}");
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    /// <summary>Starts the stopped server again on the same ports (for reconnect tests).</summary>
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        if (IsRunning)
        {
            throw new InvalidOperationException("The Dovecot server is already running.");
        }

        if (!await LaunchAsync(cancellationToken))
        {
            throw new InvalidOperationException($"Dovecot could not get its ports {Port}/{TlsPort} back.\n{ReadDiagnostics()}");
        }
    }

    /// <summary>
    /// Stops the server: SIGTERM to the master we started, then waits for it to exit; if it outlives
    /// <see cref="DovecotServerOptions.StartTimeout"/> it is killed. Processes of this instance that are still serving
    /// a client afterwards are ended as well, so a stopped server has cut every session.
    /// </summary>
    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        var process = _process;
        if (process is null)
        {
            return;
        }

        _process = null;
        try
        {
            if (!process.HasExited)
            {
                PosixNative.Signal(process.Id, PosixNative.SigTerm);
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                timeout.CancelAfter(_options.StartTimeout);
                try
                {
                    await process.WaitForExitAsync(timeout.Token);
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    PosixNative.Signal(process.Id, PosixNative.SigKill);
                    await process.WaitForExitAsync(CancellationToken.None);
                }
            }

            await Task.Run(() => DovecotProcesses.End(OutputPath, ProcessGrace), CancellationToken.None);
        }
        finally
        {
            Running.TryRemove(this, out _);
            process.Dispose();
        }
    }

    /// <summary>Stops and starts again on the same ports: every open session is cut.</summary>
    public async Task RestartAsync(CancellationToken cancellationToken = default)
    {
        await StopAsync(cancellationToken);
        await StartAsync(cancellationToken);
    }

    /// <summary>
    /// Adds an account and writes its mailbox, or an empty one. Works while the server runs: the next login sees it.
    /// </summary>
    public void AddUser(DovecotUser user)
    {
        ArgumentNullException.ThrowIfNull(user);
        if (!UserNamePattern().IsMatch(user.Name))
        {
            throw new ArgumentException($"User name '{user.Name}' must match [a-z0-9][a-z0-9._-]*.", nameof(user));
        }

        if (string.IsNullOrEmpty(user.Password) || user.Password.AsSpan().IndexOfAny(":\r\n\0") >= 0)
        {
            throw new ArgumentException("The password must be non-empty without ':', CR, LF or NUL (passwd-file fields).", nameof(user));
        }

        lock (_usersLock)
        {
            if (!_passwords.TryAdd(user.Name, user.Password))
            {
                throw new InvalidOperationException($"User '{user.Name}' already exists.");
            }

            var home = Path.Combine(HomesDirectory, user.Name);
            Directory.CreateDirectory(home);
            (user.Mailbox ?? new MailboxBuilder()).WriteMaildir(MaildirPath(user.Name));
            MailboxBuilder.ChangeOwnerRecursively(home, MailUserId, MailUserId);
            WritePasswd(user.Name, user.Password);
        }
    }

    /// <summary>
    /// Adds accounts that all hold the same messages: <paramref name="mailbox"/> is written once, and every other
    /// account's Maildir names the same message files (hard links) with a dovecot-uidlist of its own, so a crowd of
    /// thousand-message mailboxes costs one set of files. Each account still has its own Maildir: its indexes, its
    /// deletions (an unlink removes only that account's name for a file).
    /// </summary>
    public void AddUsersSharingMessages(IReadOnlyList<DovecotUser> users, MailboxBuilder mailbox)
    {
        ArgumentNullException.ThrowIfNull(users);
        ArgumentNullException.ThrowIfNull(mailbox);
        if (users.Count == 0)
        {
            return;
        }

        AddUser(users[0] with { Mailbox = mailbox });
        var template = MaildirPath(users[0].Name);
        var files = Directory.GetFiles(Path.Combine(template, "cur"));
        foreach (var user in users.Skip(1))
        {
            AddUser(user with { Mailbox = null });
            var maildir = MaildirPath(user.Name);
            foreach (var file in files)
            {
                PosixNative.CreateHardLink(file, Path.Combine(maildir, "cur", Path.GetFileName(file)));
            }

            var uidlist = Path.Combine(maildir, "dovecot-uidlist");
            File.Copy(Path.Combine(template, "dovecot-uidlist"), uidlist, overwrite: true);
            PosixNative.ChangeOwner(uidlist, MailUserId, MailUserId);
        }
    }

    /// <summary>
    /// Replaces a user's mailbox with <paramref name="mailbox"/> (indexes included). Only while no session of that
    /// user is open. Returns the message file paths in POP3 order.
    /// </summary>
    public IReadOnlyList<string> ReplaceMailbox(string userName, MailboxBuilder mailbox)
    {
        ArgumentNullException.ThrowIfNull(mailbox);
        lock (_usersLock)
        {
            if (!_passwords.ContainsKey(userName))
            {
                throw new ArgumentException($"No user '{userName}'.", nameof(userName));
            }

            return mailbox.WriteMaildir(MaildirPath(userName), MailUserId, MailUserId);
        }
    }

    /// <summary>
    /// New mail for a user, as a delivery agent would drop it into the Maildir while the server runs: the next login
    /// sees it after the messages already there (see <see cref="MailboxBuilder.DeliverToMaildir"/>).
    /// </summary>
    public IReadOnlyList<string> Deliver(string userName, params TestMessage[] messages)
    {
        lock (_usersLock)
        {
            if (!_passwords.ContainsKey(userName))
            {
                throw new ArgumentException($"No user '{userName}'.", nameof(userName));
            }

            return MailboxBuilder.DeliverToMaildir(MaildirPath(userName), messages, MailUserId, MailUserId);
        }
    }

    public string MaildirPath(string userName) => Path.Combine(HomesDirectory, userName, "Maildir");

    /// <summary>Message files in the user's Maildir: drops only when a QUIT committed deletions.</summary>
    public int CountMessageFiles(string userName) => MailboxBuilder.CountMessageFiles(MaildirPath(userName));

    /// <summary>The user's message files in POP3 order (what is left of them), to compare bytes with.</summary>
    public IReadOnlyList<string> MessageFiles(string userName) => MailboxBuilder.ReadMessageFiles(MaildirPath(userName));

    /// <summary>The whole log so far.</summary>
    public string ReadLog() => File.Exists(LogPath) ? ReadShared(LogPath) : string.Empty;

    /// <summary>Every POP3 session the log shows so far, in login order (see <see cref="DovecotSession"/>).</summary>
    public IReadOnlyList<DovecotSession> ReadSessions() => DovecotLog.ParseSessions(ReadLogLines());

    public IReadOnlyList<DovecotFailedLogin> ReadFailedLogins() => DovecotLog.ParseFailedLogins(ReadLogLines());

    /// <summary>
    /// Waits (polling the log, bounded by <paramref name="timeout"/>, default 10 s) for a session matching
    /// <paramref name="predicate"/>, e.g. <c>s =&gt; s.User == "bob" &amp;&amp; s.Ended</c>. Dovecot writes the log
    /// asynchronously, so a test that just sent QUIT waits here rather than reading once.
    /// </summary>
    public Task<DovecotSession> WaitForSessionAsync(Func<DovecotSession, bool> predicate, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(predicate);
        return PollAsync(() => ReadSessions().LastOrDefault(predicate), timeout, "a matching session in the Dovecot log", cancellationToken);
    }

    /// <summary>Waits (polling the log, bounded, default 10 s) for a failed login matching <paramref name="predicate"/>.</summary>
    public Task<DovecotFailedLogin> WaitForFailedLoginAsync(Func<DovecotFailedLogin, bool> predicate, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(predicate);
        return PollAsync(() => ReadFailedLogins().LastOrDefault(predicate), timeout, "a matching failed login in the Dovecot log", cancellationToken);
    }

    /// <summary>
    /// Live POP3 sessions (logged-in pop3 processes of this instance), optionally of one user only
    /// (verbose_proctitle shows "dovecot/pop3 [user ip]").
    /// </summary>
    public int CountPop3Sessions(string? userName = null)
    {
        var count = 0;
        foreach (var (_, commandLine) in DovecotProcesses.Find(OutputPath))
        {
            if (Pop3ProcessTitle().Match(commandLine) is { Success: true } title
                && (userName is null || title.Groups["user"].Value == userName))
            {
                count++;
            }
        }

        return count;
    }

    /// <summary>Waits (bounded, default 10 s) until <see cref="CountPop3Sessions"/> equals <paramref name="expected"/>.</summary>
    public Task WaitForPop3SessionCountAsync(int expected, string? userName = null, TimeSpan? timeout = null, CancellationToken cancellationToken = default) =>
        PollAsync(() => CountPop3Sessions(userName) == expected ? "done" : null, timeout,
            $"{expected} live POP3 session(s){(userName is null ? string.Empty : " of " + userName)}", cancellationToken);

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        try
        {
            Directory.Delete(RootDirectory, recursive: true);
        }
        catch (IOException)
        {
            // A straggling child may still hold a file; the next run's stale-instance sweep removes the folder.
        }
    }

    public override string ToString() => $"Dovecot {Host} pop3:{Port} pop3s:{TlsPort} ({RootDirectory})";

    private async Task<bool> LaunchAsync(CancellationToken cancellationToken)
    {
        // A stale anvil-auth-penalty socket from the previous run of this instance stalls startup for 5 s.
        if (Directory.Exists(BaseDirectory))
        {
            File.Delete(Path.Combine(BaseDirectory, "anvil-auth-penalty"));
        }

        File.WriteAllText(OutputPath, string.Empty);

        // sh only sets up the descriptors and execs, so the PID we hold is Dovecot's master. Output goes to a file:
        // long-lived children must not inherit a pipe of ours (or our stdout).
        var start = new ProcessStartInfo("/bin/sh") { UseShellExecute = false };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add("exec \"$0\" -c \"$1\" -F </dev/null >>\"$2\" 2>&1");
        start.ArgumentList.Add(RealServers.DovecotPath);
        start.ArgumentList.Add(ConfigPath);
        start.ArgumentList.Add(OutputPath);
        var process = Process.Start(start) ?? throw new InvalidOperationException("Dovecot did not start.");
        _process = process;
        Running[this] = process;

        var deadline = Stopwatch.StartNew();
        while (true)
        {
            if (process.HasExited)
            {
                var exitCode = process.ExitCode;
                _process = null;
                Running.TryRemove(this, out _);
                process.Dispose();
                var diagnostics = ReadDiagnostics();
                if (diagnostics.Contains("Address already in use", StringComparison.Ordinal))
                {
                    return false;
                }

                throw new InvalidOperationException($"Dovecot exited with code {exitCode} while starting.\n{diagnostics}");
            }

            if (await AnswersGreetingAsync(cancellationToken) && await AcceptsAsync(TlsPort, cancellationToken))
            {
                return true;
            }

            if (deadline.Elapsed > _options.StartTimeout)
            {
                await StopAsync(CancellationToken.None);
                throw new TimeoutException($"Dovecot did not greet on {Host}:{Port} within {_options.StartTimeout.TotalSeconds:0} s.\n{ReadDiagnostics()}");
            }

            await Task.Delay(PollInterval, cancellationToken);
        }
    }

    private async Task<bool> AnswersGreetingAsync(CancellationToken cancellationToken)
    {
        using var client = new TcpClient();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(2));
        try
        {
            await client.ConnectAsync(IPAddress.Loopback, Port, timeout.Token);
            var stream = client.GetStream();
            var buffer = new byte[512];
            var length = 0;
            while (length < buffer.Length && Array.IndexOf(buffer, (byte)'\n', 0, length) < 0)
            {
                var read = await stream.ReadAsync(buffer.AsMemory(length), timeout.Token);
                if (read == 0)
                {
                    return false;
                }

                length += read;
            }

            var ready = buffer.AsSpan(0, length).StartsWith("+OK"u8);
            if (ready)
            {
                await stream.WriteAsync("QUIT\r\n"u8.ToArray(), timeout.Token);
            }

            return ready;
        }
        catch (Exception ex) when (ex is SocketException or IOException
            || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            return false;
        }
    }

    private static async Task<bool> AcceptsAsync(int port, CancellationToken cancellationToken)
    {
        using var client = new TcpClient();
        try
        {
            await client.ConnectAsync(IPAddress.Loopback, port, cancellationToken);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private void WriteConfig()
    {
        var root = RootDirectory;
        var config = $$"""
            # Private test instance written by Pop3Webmail.Testing.DovecotServer.
            base_dir = {{BaseDirectory}}
            state_dir = {{Path.Combine(root, "state")}}
            log_path = {{LogPath}}
            info_log_path = {{LogPath}}
            protocols = pop3
            listen = {{Host}}
            default_internal_user = dovecot
            default_login_user = dovenull
            verbose_proctitle = yes

            ssl = yes
            ssl_cert = <{{Certificate.CertificatePath}}
            ssl_key = <{{Certificate.KeyPath}}
            ssl_min_protocol = TLSv1.2

            disable_plaintext_auth = no
            auth_mechanisms = {{_options.AuthMechanisms}}
            auth_failure_delay = 0
            login_log_format_elements = user=<%u> method=%m rip=%r lip=%l mpid=%e %c %k session=<%{session}>

            first_valid_uid = {{MailUserId}}
            last_valid_uid = {{MailUserId}}
            first_valid_gid = {{MailUserId}}
            last_valid_gid = {{MailUserId}}
            mail_location = maildir:~/Maildir
            mail_max_userip_connections = {{_options.MaxUserIpConnections}}

            pop3_uidl_format = %08Xu%08Xv
            pop3_lock_session = {{(_options.LockSession ? "yes" : "no")}}
            pop3_no_flag_updates = {{(_options.NoFlagUpdates ? "yes" : "no")}}

            passdb {
              driver = passwd-file
              args = scheme=PLAIN username_format=%u {{UsersDirectory}}/%u
            }

            userdb {
              driver = static
              args = uid={{MailUserId}} gid={{MailUserId}} home={{HomesDirectory}}/%u
            }

            # The auth penalty (2, 4, 8, 15 s after failed logins, also delaying the next good one) is off.
            service anvil {
              unix_listener anvil-auth-penalty {
                mode = 0
              }
            }

            {{SessionLimits()}}
            service pop3-login {
              # One long-lived login process instead of one per connection: ~2 ms per login instead of ~13 ms.
              service_count = 0
              inet_listener pop3 {
                address = {{Host}}
                port = {{Port}}
              }
              inet_listener pop3s {
                address = {{Host}}
                port = {{TlsPort}}
                ssl = yes
              }
            }

            """;
        File.WriteAllText(ConfigPath, config.ReplaceLineEndings("\n"));
    }

    /// <summary>
    /// With <see cref="DovecotServerOptions.MaxSessions"/>: a pop3 process per session, and every service (log, anvil,
    /// auth, the login proxy that holds each TLS connection) taking a client per session, with room to spare.
    /// </summary>
    private string SessionLimits() => _options.MaxSessions is { } sessions
        ? string.Create(CultureInfo.InvariantCulture, $"default_client_limit = {(2 * sessions) + 1000}\nservice pop3 {{\n  process_limit = {sessions + 100}\n}}\n")
        : string.Empty;

    private void WritePasswd(string userName, string password)
    {
        // One passwd-file per user ("users/%u"): Dovecot re-reads a changed passwd-file at most once a second, so
        // a user added right after a login would stay unknown; a file that did not exist before is always read fresh.
        // Format user:{scheme}password:uid:gid:gecos:home:shell:extra; the static userdb supplies the rest.
        Directory.CreateDirectory(UsersDirectory);
        PosixNative.SetMode(UsersDirectory, Mode755);
        var temporary = Path.Combine(UsersDirectory, "." + userName + ".new");
        File.WriteAllText(temporary, $"{userName}:{{PLAIN}}{password}::::::\n");
        // Written beside and renamed, so Dovecot never reads half a file; the auth process (user dovecot) reads it.
        PosixNative.SetMode(temporary, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        File.Move(temporary, Path.Combine(UsersDirectory, userName));
    }

    private async Task<T> PollAsync<T>(Func<T?> probe, TimeSpan? timeout, string what, CancellationToken cancellationToken)
        where T : class
    {
        var limit = timeout ?? TimeSpan.FromSeconds(10);
        var elapsed = Stopwatch.StartNew();
        while (true)
        {
            if (probe() is { } result)
            {
                return result;
            }

            if (elapsed.Elapsed > limit)
            {
                throw new TimeoutException($"Waited {limit.TotalSeconds:0.#} s for {what}.\n{ReadDiagnostics()}");
            }

            await Task.Delay(PollInterval, cancellationToken);
        }
    }

    private string[] ReadLogLines() => ReadLog().Split('\n', StringSplitOptions.RemoveEmptyEntries);

    private string ReadDiagnostics()
    {
        var output = File.Exists(OutputPath) ? ReadShared(OutputPath) : string.Empty;
        var log = ReadLogLines();
        return $"{this}\n--- output ---\n{output}\n--- last log lines ---\n{string.Join('\n', log.TakeLast(30))}";
    }

    private static string ReadShared(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return reader.ReadToEnd();
    }

    private static (int Port, int TlsPort) PickFreePorts()
    {
        // Both listeners are held at once so the two ports differ; the OS hands out each free port only once.
        using var first = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        using var second = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        first.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        second.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return (((IPEndPoint)first.LocalEndPoint!).Port, ((IPEndPoint)second.LocalEndPoint!).Port);
    }

    private static string CreateRootDirectory()
    {
        var root = Path.Combine(PreferredParent(), DirectoryPrefix + Guid.NewGuid().ToString("N")[..10]);
        Directory.CreateDirectory(root);
        // The auth process runs as user dovecot and must read the passwd-files: 0755, not mktemp's 0700.
        PosixNative.SetMode(root, Mode755);
        File.WriteAllText(Path.Combine(root, "owner.pid"), Environment.ProcessId.ToString(CultureInfo.InvariantCulture));
        return root;
    }

    /// <summary>
    /// tmpfs (/dev/shm) when it has room: creating and deleting 10k Maildir files there takes a fraction of a
    /// second, on a busy ext4 mounted with discard tens of seconds. Otherwise the temp folder.
    /// </summary>
    private static string PreferredParent()
    {
        const long needed = 2L * 1024 * 1024 * 1024;
        try
        {
            return Directory.Exists(SharedMemory) && new DriveInfo(SharedMemory).AvailableFreeSpace >= needed ? SharedMemory : TempParent();
        }
        catch (IOException)
        {
            return TempParent();
        }
    }

    /// <summary>Dovecot's sockets live under base_dir and a socket path may have at most 108 bytes: a long TMPDIR gives way to /tmp.</summary>
    private static string TempParent()
    {
        var temp = Path.GetTempPath();
        return temp.Length <= 40 ? temp : "/tmp";
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
            foreach (var server in Running.Keys)
            {
                server.StopNow();
            }
        };
    }

    /// <summary>The synchronous stop of a test process that is exiting without having disposed this server.</summary>
    private void StopNow()
    {
        if (Running.TryGetValue(this, out var process))
        {
            try
            {
                PosixNative.Signal(process.Id, PosixNative.SigTerm);
                process.WaitForExit(ProcessGrace);
            }
            catch (InvalidOperationException)
            {
                // A StopAsync that raced us disposed it; the sweep below still ends whatever is left.
            }
        }

        DovecotProcesses.End(OutputPath, ProcessGrace);
    }

    /// <summary>
    /// Removes instances left by an earlier test process that died without cleaning up (e.g. killed by a hang
    /// timeout): folders whose owner.pid names a process that no longer exists. Only the processes of that very
    /// instance (identified by their stdout, see <see cref="DovecotProcesses"/>) are signalled.
    /// </summary>
    private static void SweepStaleInstances()
    {
        foreach (var parent in new[] { SharedMemory, TempParent() })
        {
            IEnumerable<string> folders;
            try
            {
                folders = Directory.EnumerateDirectories(parent, DirectoryPrefix + "*").ToArray();
            }
            catch (IOException)
            {
                continue;
            }

            foreach (var folder in folders)
            {
                SweepStaleInstance(folder);
            }
        }
    }

    private static void SweepStaleInstance(string folder)
    {
        try
        {
            var ownerFile = Path.Combine(folder, "owner.pid");
            if (!File.Exists(ownerFile))
            {
                if (DateTime.UtcNow - Directory.GetLastWriteTimeUtc(folder) < TimeSpan.FromMinutes(1))
                {
                    return; // Probably being created by a test process right now.
                }
            }
            else if (Directory.Exists("/proc/" + File.ReadAllText(ownerFile).Trim()))
            {
                return; // Its test process is alive: not stale.
            }

            DovecotProcesses.End(Path.Combine(folder, "dovecot.out"), ProcessGrace);
            Directory.Delete(folder, recursive: true);
        }
        catch (IOException)
        {
            // Still shutting down or in use: the next sweep retries.
        }
        catch (UnauthorizedAccessException)
        {
            // Someone else's folder: not ours to remove.
        }
    }

    [GeneratedRegex("^[a-z0-9][a-z0-9._-]*$")]
    private static partial Regex UserNamePattern();

    // verbose_proctitle: "dovecot/pop3 [alice 127.0.0.1]" (also a trailing state such as " RETR"); not pop3-login.
    [GeneratedRegex(@"^dovecot/pop3 \[(?<user>[^ \]]+)")]
    private static partial Regex Pop3ProcessTitle();
}
