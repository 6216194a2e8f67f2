using System.Diagnostics;
using System.Globalization;

namespace Pop3Webmail.Testing;

/// <summary>
/// Finds PostgreSQL's server programs on this machine and runs them as a user the server accepts: initdb and postgres
/// refuse to run as root, so under root they run as the OS user <c>postgres</c> (created by Debian's package) through
/// runuser. Debian keeps the programs in /usr/lib/postgresql/&lt;major&gt;/bin (not on PATH); the newest major is used,
/// and other systems' PATH is searched as a fallback.
/// </summary>
public static class PostgreSqlInstallation
{
    public const string ServiceUser = "postgres";

    private const string DebianRoot = "/usr/lib/postgresql";
    private static readonly string[] RunUserPaths = ["/usr/sbin/runuser", "/sbin/runuser", "/usr/bin/runuser"];

    /// <summary>The folder holding initdb and pg_ctl, or null when none was found.</summary>
    public static string? BinDirectory { get; } = FindBinDirectory();

    // Before UnavailableReason, which reads it: static initializers run in textual order.
    /// <summary>uid and gid of <see cref="ServiceUser"/>, to hand it the instance folder; null when we are not root.</summary>
    internal static (int UserId, int GroupId)? ServiceUserIds { get; } = RunsAsServiceUser ? FindUserIds(ServiceUser) : null;

    /// <summary>Why a private PostgreSQL cannot run here, or null when it can.</summary>
    public static string? UnavailableReason { get; } = FindUnavailableReason();

    /// <summary>True when the programs must run as <see cref="ServiceUser"/> (we are root).</summary>
    internal static bool RunsAsServiceUser => Environment.IsPrivilegedProcess;

    /// <summary>
    /// Runs one of the programs (initdb, pg_ctl) to completion and returns its exit code and output. The programs
    /// started this way never hold our pipes (pg_ctl sends the server's output to its log file).
    /// </summary>
    internal static async Task<(int ExitCode, string Output)> RunAsync(string program, IEnumerable<string> arguments, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        var path = Path.Combine(BinDirectory ?? throw new InvalidOperationException(UnavailableReason), program);
        if (RunsAsServiceUser)
        {
            start.FileName = RunUserPaths.First(File.Exists);
            foreach (var argument in new[] { "-u", ServiceUser, "--", path })
            {
                start.ArgumentList.Add(argument);
            }
        }
        else
        {
            start.FileName = path;
        }

        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {path}.");
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var errors = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        return (process.ExitCode, (await output) + (await errors));
    }

    private static string? FindUnavailableReason()
    {
        if (!OperatingSystem.IsLinux())
        {
            return "The private PostgreSQL test server runs on Linux only.";
        }

        if (BinDirectory is null)
        {
            return $"PostgreSQL is not installed (no initdb and pg_ctl in {DebianRoot}/<version>/bin or on PATH; apt-get install postgresql).";
        }

        if (RunsAsServiceUser && ServiceUserIds is null)
        {
            return $"The private PostgreSQL test server must run as the OS user '{ServiceUser}' when tests run as root, and there is none.";
        }

        return RunsAsServiceUser && !RunUserPaths.Any(File.Exists)
            ? "runuser (util-linux) is missing: the tests run as root and cannot start PostgreSQL as its own user."
            : null;
    }

    private static string? FindBinDirectory()
    {
        if (Directory.Exists(DebianRoot))
        {
            var newest = Directory.EnumerateDirectories(DebianRoot)
                .Select(d => (Path: Path.Combine(d, "bin"), Major: decimal.TryParse(Path.GetFileName(d), NumberStyles.Number, CultureInfo.InvariantCulture, out var major) ? major : -1))
                .Where(d => d.Major >= 0 && HasServerPrograms(d.Path))
                .OrderByDescending(d => d.Major)
                .Select(d => d.Path)
                .FirstOrDefault();
            if (newest is not null)
            {
                return newest;
            }
        }

        return (Environment.GetEnvironmentVariable("PATH") ?? string.Empty)
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .FirstOrDefault(HasServerPrograms);
    }

    private static bool HasServerPrograms(string directory) =>
        File.Exists(Path.Combine(directory, "initdb")) && File.Exists(Path.Combine(directory, "pg_ctl"));

    /// <summary>Reads /etc/passwd (name:x:uid:gid:...); enough for the system users Debian packages create.</summary>
    private static (int, int)? FindUserIds(string name)
    {
        const string passwd = "/etc/passwd";
        if (!File.Exists(passwd))
        {
            return null;
        }

        foreach (var line in File.ReadLines(passwd))
        {
            var fields = line.Split(':');
            if (fields.Length >= 4 && fields[0] == name
                && int.TryParse(fields[2], NumberStyles.None, CultureInfo.InvariantCulture, out var uid)
                && int.TryParse(fields[3], NumberStyles.None, CultureInfo.InvariantCulture, out var gid))
            {
                return (uid, gid);
            }
        }

        return null;
    }
}
