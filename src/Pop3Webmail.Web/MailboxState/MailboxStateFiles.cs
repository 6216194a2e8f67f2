using System.Security.Cryptography;
using Pop3Webmail.Web.Configuration;

namespace Pop3Webmail.Web.MailboxState;

/// <summary>
/// The SQLite store's folder and the files in it, all owner-only (0700 / 0600 on Unix; on Windows the default folder
/// is inside the user's own profile). The folder is created on first use, never earlier.
/// </summary>
internal static class MailboxStateFiles
{
    public const string DatabaseFileName = "mailbox-state.db";
    public const string SecretFileName = "installation-secret";

    private const UnixFileMode OwnerOnlyFolder = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    private const UnixFileMode OwnerOnlyFile = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>The configured folder, or Pop3Webmail/state under the local application data folder.</summary>
    public static string ResolveDirectory(MailStateOptions options)
    {
        if (!string.IsNullOrWhiteSpace(options.DataDirectory))
        {
            return Path.GetFullPath(options.DataDirectory);
        }

        // ~/.local/share (or $XDG_DATA_HOME) on Linux, which is /home/app/.local/share in the Docker image;
        // %LOCALAPPDATA% on Windows. Empty only without a home folder: then beside the app.
        var root = Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.DoNotVerify);
        return Path.Combine(string.IsNullOrEmpty(root) ? AppContext.BaseDirectory : root, "Pop3Webmail", "state");
    }

    /// <summary>Creates the folder (and missing parents) owner-only; an existing folder is left as the admin made it.</summary>
    public static void EnsureDirectory(string directory)
    {
        if (Directory.Exists(directory))
        {
            return;
        }

        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(directory);
        }
        else
        {
            Directory.CreateDirectory(directory, OwnerOnlyFolder);
        }
    }

    /// <summary>Creates an empty owner-only file unless it exists (SQLite then gives its -wal and -shm files the same mode).</summary>
    public static void EnsureOwnerOnlyFile(string path)
    {
        try
        {
            using var _ = new FileStream(path, NewOwnerOnlyFile(FileMode.CreateNew));
        }
        catch (IOException) when (File.Exists(path))
        {
            // Already there (or created by another process a moment ago).
        }
    }

    private static readonly Lock SecretCreation = new();

    /// <summary>
    /// The installation secret from <see cref="MailStateOptions.InstallationSecret"/>, or else from the secret file in
    /// <paramref name="directory"/>, generated (32 random bytes, base64, owner-only) on first use.
    /// </summary>
    public static byte[] LoadOrCreateSecret(MailStateOptions options, string directory)
    {
        if (ConfiguredSecret(options) is { } configured)
        {
            return configured;
        }

        var path = Path.Combine(directory, SecretFileName);

        // Stores of one process agree through this lock; processes sharing the folder, through the no-overwrite move.
        lock (SecretCreation)
        {
            return File.Exists(path) ? ReadSecretFile(path) : CreateSecretFile(path);
        }
    }

    private static byte[] CreateSecretFile(string path)
    {
        // Written aside and moved into place without overwriting, so a reader never sees a half-written file and two
        // processes starting together agree on one secret.
        var secret = RandomNumberGenerator.GetBytes(MailboxIdentity.MinimumSecretLength);
        var temporary = path + "." + Convert.ToHexString(RandomNumberGenerator.GetBytes(8)) + ".tmp";
        using (var stream = new FileStream(temporary, NewOwnerOnlyFile(FileMode.CreateNew)))
        using (var writer = new StreamWriter(stream))
        {
            writer.Write(Convert.ToBase64String(secret));
        }

        try
        {
            File.Move(temporary, path, overwrite: false);
            return secret;
        }
        catch (IOException) when (File.Exists(path))
        {
            File.Delete(temporary);
            return ReadSecretFile(path);
        }
    }

    /// <summary><see cref="MailStateOptions.InstallationSecret"/> decoded (startup validation checked it), or null when not set.</summary>
    public static byte[]? ConfiguredSecret(MailStateOptions options) =>
        string.IsNullOrWhiteSpace(options.InstallationSecret) ? null : Convert.FromBase64String(options.InstallationSecret.Trim());

    private static byte[] ReadSecretFile(string path)
    {
        try
        {
            var secret = Convert.FromBase64String(File.ReadAllText(path).Trim());
            if (secret.Length >= MailboxIdentity.MinimumSecretLength)
            {
                return secret;
            }
        }
        catch (FormatException)
        {
            // Reported below with the file's name.
        }

        throw new IOException($"The installation secret file {path} is damaged (it must hold base64 of at least {MailboxIdentity.MinimumSecretLength} bytes). "
            + "Delete it to start the mailbox state afresh.");
    }

    private static FileStreamOptions NewOwnerOnlyFile(FileMode mode)
    {
        var options = new FileStreamOptions { Mode = mode, Access = FileAccess.Write, Share = FileShare.None };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = OwnerOnlyFile;
        }

        return options;
    }
}
