using System.Diagnostics;
using System.Globalization;

namespace Pop3Webmail.Testing;

/// <summary>
/// Finds and ends the processes of one private Dovecot instance. Every process of an instance inherits the master's
/// stdout, which the launcher points at the instance's own dovecot.out; that link identifies them exactly, including
/// children that outlive their master (Dovecot's master does not wait for a process still serving a client, and such
/// a process goes on serving it after the master is gone).
/// </summary>
internal static class DovecotProcesses
{
    /// <summary>The processes whose stdout is <paramref name="outputPath"/>, with their command lines.</summary>
    public static List<(int ProcessId, string CommandLine)> Find(string outputPath)
    {
        var found = new List<(int, string)>();
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
            {
                continue;
            }

            try
            {
                // A deleted file reads as "<path> (deleted)".
                var stdout = new FileInfo(Path.Combine(directory, "fd", "1")).LinkTarget;
                if (stdout is not null && stdout.StartsWith(outputPath, StringComparison.Ordinal))
                {
                    found.Add((pid, File.ReadAllText(Path.Combine(directory, "cmdline")).Replace('\0', ' ').Trim()));
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // The process ended while we looked, or is a zombie without descriptors: not alive for our purposes.
            }
        }

        return found;
    }

    /// <summary>
    /// Ends every process of the instance: SIGTERM, then SIGKILL for any still there after <paramref name="grace"/>.
    /// Only these PIDs are signalled. Returns once they are gone (bounded by twice the grace).
    /// </summary>
    public static void End(string outputPath, TimeSpan grace)
    {
        var remaining = Find(outputPath);
        if (remaining.Count == 0)
        {
            return;
        }

        Signal(remaining, PosixNative.SigTerm);
        remaining = WaitUntilGone(outputPath, grace);
        Signal(remaining, PosixNative.SigKill);
        WaitUntilGone(outputPath, grace);
    }

    private static void Signal(List<(int ProcessId, string CommandLine)> processes, int signal)
    {
        foreach (var (pid, _) in processes)
        {
            PosixNative.Signal(pid, signal);
        }
    }

    private static List<(int ProcessId, string CommandLine)> WaitUntilGone(string outputPath, TimeSpan limit)
    {
        var clock = Stopwatch.StartNew();
        foreach (var (pid, _) in Find(outputPath))
        {
            var left = limit - clock.Elapsed;
            if (left <= TimeSpan.Zero || !PosixNative.WaitForExit(pid, left))
            {
                break;
            }
        }

        return Find(outputPath);
    }
}
