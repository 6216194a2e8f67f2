namespace Pop3Webmail.Web.Session;

/// <summary>Temporary files for large messages: private to this process's user, unlinked when closed.</summary>
internal static class MessageSpool
{
    private static readonly Lazy<string> Directory = new(CreateDirectory);

    public static string Path => Directory.Value;

    public static FileStream Create() =>
        new(System.IO.Path.Combine(Directory.Value, System.IO.Path.GetRandomFileName()),
            FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 81920,
            FileOptions.DeleteOnClose | FileOptions.Asynchronous);

    private static string CreateDirectory()
    {
        var path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "pop3webmail-spool");
        if (OperatingSystem.IsWindows())
        {
            System.IO.Directory.CreateDirectory(path);
        }
        else
        {
            // Mail is private: only this user may list or read the spool.
            System.IO.Directory.CreateDirectory(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        return path;
    }
}
