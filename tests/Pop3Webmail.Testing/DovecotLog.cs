using System.Globalization;
using System.Text.RegularExpressions;

namespace Pop3Webmail.Testing;

/// <summary>
/// One POP3 session as the server logged it: the login line of pop3-login joined with the logout line of the
/// pop3 process (default pop3_logout_format). This is what the server saw, for tests that must prove the client
/// sent QUIT, committed deletions or used TLS.
/// </summary>
public sealed record DovecotSession
{
    public required string User { get; init; }

    /// <summary>Dovecot's session id, which ties the login line to the logout line.</summary>
    public required string SessionId { get; init; }

    /// <summary>The authentication method as Dovecot names it: PLAIN (also for USER/PASS), LOGIN, CRAM-MD5, APOP.</summary>
    public string? Method { get; init; }

    /// <summary>The TLS protocol and cipher of the login connection (e.g. "TLSv1.3 with cipher ..."), or null without TLS.</summary>
    public string? Tls { get; init; }

    /// <summary>True once the session's pop3 process logged its end.</summary>
    public bool Ended { get; init; }

    /// <summary>
    /// True when the client ended the session with QUIT ("Disconnected: Logged out"), false when the connection
    /// was dropped without it ("Connection closed") or the session is still open.
    /// </summary>
    public bool LoggedOut { get; init; }

    /// <summary>The reason in the logout line, e.g. "Logged out" or "Connection closed".</summary>
    public string? DisconnectReason { get; init; }

    /// <summary>Messages deleted by this session's QUIT (the d of del=d/m; 0 when deletions were not committed).</summary>
    public int Deleted { get; init; }

    /// <summary>Messages in the mailbox when the session started (the m of del=d/m).</summary>
    public int MessageCount { get; init; }

    /// <summary>RETR commands served (the r of retr=r/bytes).</summary>
    public int Retrieved { get; init; }

    /// <summary>TOP commands served (the t of top=t/bytes).</summary>
    public int Top { get; init; }
}

/// <summary>A failed login as pop3-login logged it.</summary>
public sealed record DovecotFailedLogin(string User, string? Method, string Line);

/// <summary>Parses the log lines of the private Dovecot (see <see cref="DovecotServer.LogPath"/>).</summary>
internal static partial class DovecotLog
{
    public static IReadOnlyList<DovecotSession> ParseSessions(IEnumerable<string> lines)
    {
        var sessions = new List<DovecotSession>();
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var line in lines)
        {
            if (LoginLine().Match(line) is { Success: true } login)
            {
                var elements = login.Groups["elements"].Value;
                var tls = TlsElement().Match(elements);
                index[login.Groups["session"].Value] = sessions.Count;
                sessions.Add(new DovecotSession
                {
                    User = login.Groups["user"].Value,
                    SessionId = login.Groups["session"].Value,
                    Method = login.Groups["method"].Value,
                    Tls = tls.Success ? tls.Value : null,
                });
            }
            else if (LogoutLine().Match(line) is { Success: true } logout)
            {
                var ended = new DovecotSession
                {
                    User = logout.Groups["user"].Value,
                    SessionId = logout.Groups["session"].Value,
                    Ended = true,
                    DisconnectReason = logout.Groups["reason"].Value.Trim(),
                    LoggedOut = logout.Groups["reason"].Value.StartsWith("Logged out", StringComparison.Ordinal),
                    Top = Number(logout, "top"),
                    Retrieved = Number(logout, "retr"),
                    Deleted = Number(logout, "del"),
                    MessageCount = Number(logout, "messages"),
                };
                if (index.TryGetValue(ended.SessionId, out var at))
                {
                    sessions[at] = ended with { Method = sessions[at].Method, Tls = sessions[at].Tls };
                }
                else
                {
                    index[ended.SessionId] = sessions.Count;
                    sessions.Add(ended);
                }
            }
        }

        return sessions;
    }

    public static IReadOnlyList<DovecotFailedLogin> ParseFailedLogins(IEnumerable<string> lines)
    {
        var failures = new List<DovecotFailedLogin>();
        foreach (var line in lines)
        {
            if (FailedLoginLine().Match(line) is { Success: true } failed)
            {
                var method = failed.Groups["method"];
                failures.Add(new DovecotFailedLogin(failed.Groups["user"].Value, method.Success ? method.Value : null, line));
            }
        }

        return failures;
    }

    private static int Number(Match match, string group) => int.Parse(match.Groups[group].ValueSpan, CultureInfo.InvariantCulture);

    // login_log_format_elements = user=<%u> method=%m rip=%r lip=%l mpid=%e %c %k session=<%{session}>
    [GeneratedRegex(@"pop3-login: Info: Login: user=<(?<user>[^>]*)>, method=(?<method>[^,]+), (?<elements>.*)session=<(?<session>[^>]+)>")]
    private static partial Regex LoginLine();

    [GeneratedRegex(@"TLSv[0-9.]+ with cipher [^,]*")]
    private static partial Regex TlsElement();

    // mail_log_prefix "%s(%u)<%{pid}><%{session}>: " and pop3_logout_format "top=%t/%p, retr=%r/%b, del=%d/%m, size=%s".
    [GeneratedRegex(@"pop3\((?<user>[^)]*)\)<\d+><(?<session>[^>]+)>: Info: Disconnected: (?<reason>.*?)top=(?<top>\d+)/\d+, retr=(?<retr>\d+)/\d+, del=(?<del>\d+)/(?<messages>\d+), size=\d+")]
    private static partial Regex LogoutLine();

    [GeneratedRegex(@"pop3-login: Info: .*\(auth failed, .*user=<(?<user>[^>]*)>(?:, method=(?<method>[^,]+))?")]
    private static partial Regex FailedLoginLine();
}
