using Xunit;

namespace Pop3Webmail.Testing;

/// <summary>
/// The policy for tests that need a real server on this machine. With <c>POP3WEBMAIL_REQUIRE_SERVERS=1</c>
/// (set by <c>./test.sh</c> and CI) a missing server fails the test, so CI can never go green by skipping;
/// without it (a developer machine) such tests are skipped with the reason.
/// </summary>
public static class RealServers
{
    public const string RequireVariable = "POP3WEBMAIL_REQUIRE_SERVERS";

    public const string DovecotPath = "/usr/sbin/dovecot";

    /// <summary>True when the environment demands real servers (missing ones are failures, not skips).</summary>
    public static bool Required => Environment.GetEnvironmentVariable(RequireVariable) == "1";

    /// <summary>Why a private Dovecot cannot run here, or null when it can.</summary>
    public static string? DovecotUnavailableReason { get; } = FindDovecotUnavailableReason();

    /// <summary>Skips (or, when servers are required, fails) the current test unless Dovecot can run here.</summary>
    public static void RequireDovecot() => RequireOrSkip(DovecotUnavailableReason);

    /// <summary>
    /// Skips the current test with <paramref name="unavailableReason"/> (xunit v3 dynamic skip), or throws when
    /// <see cref="Required"/> is set. Does nothing when the reason is null. Usable for any real server (Chromium too).
    /// </summary>
    public static void RequireOrSkip(string? unavailableReason) => RequireOrSkip(unavailableReason, Required);

    /// <summary>The policy itself, with <paramref name="required"/> given instead of read from the environment.</summary>
    public static void RequireOrSkip(string? unavailableReason, bool required)
    {
        if (unavailableReason is null)
        {
            return;
        }

        if (required)
        {
            throw new InvalidOperationException(
                $"{unavailableReason} {RequireVariable}=1 demands real servers, so this is a failure, not a skip. Run ./test.sh (it installs them).");
        }

        Assert.Skip(unavailableReason);
    }

    private static string? FindDovecotUnavailableReason()
    {
        if (!OperatingSystem.IsLinux())
        {
            return "The private Dovecot test server runs on Linux only.";
        }

        if (!File.Exists(DovecotPath))
        {
            return $"Dovecot is not installed ({DovecotPath} is missing; apt-get install dovecot-core dovecot-pop3d).";
        }

        // Dovecot drops privileges to its own users and serves mail as the static uid, which needs root.
        return Environment.IsPrivilegedProcess ? null : "The private Dovecot test server must be started as root.";
    }
}
