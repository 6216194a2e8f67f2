using System.Runtime.InteropServices;

namespace Pop3Webmail.Testing;

/// <summary>The two POSIX calls .NET has no API for: sending SIGTERM (Process.Kill sends SIGKILL) and chown.</summary>
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

    /// <summary>chmod; the test servers run on Linux only, where Unix modes exist.</summary>
    public static void SetMode(string path, UnixFileMode mode)
    {
        if (OperatingSystem.IsWindows())
        {
            throw new PlatformNotSupportedException("Unix file modes do not exist on Windows.");
        }

        File.SetUnixFileMode(path, mode);
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static partial int Kill(int pid, int signal);

    [LibraryImport("libc", EntryPoint = "lchown", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static partial int LChown(string path, uint owner, uint group);
}
