using System.Runtime.InteropServices;

namespace Pop3Webmail.Testing;

/// <summary>
/// The POSIX calls .NET has no API for: sending SIGTERM (Process.Kill sends SIGKILL), chown, and waiting for a process
/// that is not our child to end (a pidfd becomes readable when its process exits, zombie or not; Linux 5.3+).
/// </summary>
internal static partial class PosixNative
{
    public const int SigTerm = 15;
    public const int SigKill = 9;

    /// <summary>Sends <paramref name="signal"/> to one process id; false when it no longer exists.</summary>
    public static bool Signal(int processId, int signal) => Kill(processId, signal) == 0;

    public static void ChangeOwner(string path, int userId, int groupId)
    {
        if (LChown(path, (uint)userId, (uint)groupId) != 0)
        {
            throw new IOException($"chown {userId}:{groupId} {path} failed (errno {Marshal.GetLastPInvokeError()}).");
        }
    }

    /// <summary>
    /// Waits until process <paramref name="processId"/> has exited or <paramref name="timeout"/> has passed; true once it
    /// is gone (also when it was gone already).
    /// </summary>
    public static bool WaitForExit(int processId, TimeSpan timeout)
    {
        var descriptor = PidFdOpen(processId, 0);
        if (descriptor < 0)
        {
            return true; // ESRCH: no such process any more.
        }

        try
        {
            var poll = new PollFd { Fd = descriptor, Events = PollIn };
            return Poll(ref poll, 1, (int)Math.Clamp(timeout.TotalMilliseconds, 0, int.MaxValue)) > 0;
        }
        finally
        {
            _ = Close(descriptor);
        }
    }

    /// <summary>link(2): a second name for the file at <paramref name="existing"/> (.NET has symbolic links only).</summary>
    public static void CreateHardLink(string existing, string newPath)
    {
        if (Link(existing, newPath) != 0)
        {
            throw new IOException($"link {existing} {newPath} failed (errno {Marshal.GetLastPInvokeError()}).");
        }
    }

    /// <summary>chmod; the test servers run on Linux only, where Unix modes exist.</summary>
    public static void SetMode(string path, UnixFileMode mode)
    {
        if (OperatingSystem.IsWindows())
        {
            throw new PlatformNotSupportedException("Unix file modes do not exist on Windows.");
        }

        File.SetUnixFileMode(path, mode);
    }

    private const short PollIn = 0x0001;

    [StructLayout(LayoutKind.Sequential)]
    private struct PollFd
    {
        public int Fd;
        public short Events;
        public short Revents;
    }

    [LibraryImport("libc", EntryPoint = "pidfd_open", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static partial int PidFdOpen(int pid, uint flags);

    [LibraryImport("libc", EntryPoint = "poll", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static partial int Poll(ref PollFd fds, nuint count, int timeoutMilliseconds);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static partial int Close(int fd);

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static partial int Kill(int pid, int signal);

    [LibraryImport("libc", EntryPoint = "link", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static partial int Link(string existing, string newPath);

    [LibraryImport("libc", EntryPoint = "lchown", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static partial int LChown(string path, uint owner, uint group);
}
