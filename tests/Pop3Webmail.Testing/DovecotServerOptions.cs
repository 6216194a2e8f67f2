namespace Pop3Webmail.Testing;

/// <summary>
/// A mail account of the private Dovecot. The password is stored in plain (scheme PLAIN), which CRAM-MD5 and APOP
/// need. Names are restricted to [a-z0-9._-] (they become folder names and passwd-file keys).
/// </summary>
public sealed record DovecotUser(string Name, string Password, MailboxBuilder? Mailbox = null);

public sealed class DovecotServerOptions
{
    public IReadOnlyList<DovecotUser> Users { get; init; } = [];

    /// <summary>pop3_lock_session: a second login to a mailbox in use fails with -ERR [IN-USE].</summary>
    public bool LockSession { get; init; }

    /// <summary>mail_max_userip_connections (Dovecot's default of 10 is too few for parallel tests).</summary>
    public int MaxUserIpConnections { get; init; } = 1000;

    /// <summary>pop3_no_flag_updates: RETR does not mark \Seen (rename files), so shared mailboxes stay unchanged.</summary>
    public bool NoFlagUpdates { get; init; } = true;

    /// <summary>auth_mechanisms. "apop" also puts the APOP timestamp into the greeting.</summary>
    public string AuthMechanisms { get; init; } = "plain login cram-md5 apop";

    /// <summary>
    /// How many POP3 sessions may be open at once; null keeps Dovecot's limits (1024 pop3 processes, 1000 clients per
    /// service process). A crowd of a thousand open sessions needs more.
    /// </summary>
    public int? MaxSessions { get; init; }

    /// <summary>Longest wait for the greeting after starting (and for the exit after stopping).</summary>
    public TimeSpan StartTimeout { get; init; } = TimeSpan.FromSeconds(20);
}
