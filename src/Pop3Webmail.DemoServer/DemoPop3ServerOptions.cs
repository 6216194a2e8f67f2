namespace Pop3Webmail.DemoServer;

/// <summary>How an account's server answers UIDL (RFC 1939 §7), to play servers that lack it or get it wrong.</summary>
public enum DemoUidlMode
{
    /// <summary>A unique, permanent id per message, as the RFC requires.</summary>
    Unique,

    /// <summary>No UIDL: not in CAPA, and the command is refused.</summary>
    None,

    /// <summary>A broken server: ids so short (one hex digit) that different messages share them.</summary>
    Colliding,
}

/// <summary>One login of the demo server and the mailbox its maildrop starts with.</summary>
public sealed class DemoPop3Account
{
    public DemoPop3Account(string userName, string password, DemoMailbox mailbox)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(userName);
        ArgumentException.ThrowIfNullOrEmpty(password);
        ArgumentNullException.ThrowIfNull(mailbox);
        if (userName.AsSpan().IndexOfAny(' ', '\r', '\n') >= 0)
        {
            throw new ArgumentException("A POP3 user name has no spaces or line breaks.", nameof(userName));
        }

        UserName = userName;
        Password = password;
        Mailbox = mailbox;
    }

    public string UserName { get; }

    public string Password { get; }

    public DemoMailbox Mailbox { get; }

    /// <summary>How this account's sessions answer UIDL.</summary>
    public DemoUidlMode Uidl { get; init; }

    /// <summary>Never the password: accounts end up in logs and test output.</summary>
    public override string ToString() => UserName;
}

public sealed class DemoPop3ServerOptions
{
    /// <summary>TCP port on 127.0.0.1; 0 (the default) lets the system pick a free one, see <see cref="DemoPop3Server.Port"/>.</summary>
    public int Port { get; init; }

    /// <summary>The logins; null (the default) means one account, <c>demo</c>/<c>demo</c>, with <see cref="DemoMailbox.Sample"/>.</summary>
    public IReadOnlyList<DemoPop3Account>? Accounts { get; init; }

    /// <summary>
    /// RFC 1939 §8 exclusive-access lock: while one session is in the TRANSACTION state, another login to the same
    /// maildrop gets <c>-ERR [IN-USE]</c>. On by default, as on most servers (Dovecot: pop3_lock_session).
    /// </summary>
    public bool ExclusiveLock { get; init; } = true;

    /// <summary>
    /// Inactivity autologout (RFC 1939 §3: at least 10 minutes); the timer runs only while the server waits for a
    /// command. <see cref="Timeout.InfiniteTimeSpan"/> turns it off.
    /// </summary>
    public TimeSpan IdleTimeout { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// Longest command line in octets, CRLF included. RFC 2449 §4 sets 255; a longer line gets -ERR and the
    /// connection is closed, so a client cannot make the server buffer without end.
    /// </summary>
    public int MaxCommandLineLength { get; init; } = 255;

    /// <summary>Sessions open at once; one more is greeted with <c>-ERR [SYS/TEMP]</c> and closed.</summary>
    public int MaxSessions { get; init; } = 100;

    /// <summary>Finished sessions kept in <see cref="DemoPop3Server.Sessions"/> (open ones are always kept).</summary>
    public int SessionHistoryLimit { get; init; } = 256;

    /// <summary>Drives the idle timer and the reply delays; tests pass a FakeTimeProvider.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;
}
