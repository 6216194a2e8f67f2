namespace Pop3Webmail.Testing.Circuits.Webmail;

/// <summary>
/// Where the webmail's controls are, for every scenario (circuit clients and real browsers alike). The one place to
/// change when the UI changes: the classes come from the .razor files under src/Pop3Webmail.Web/Components.
/// </summary>
public static class WebmailSelectors
{
    /// <summary>MainLayout renders this only once the circuit is interactive (a click before that would be lost).</summary>
    public const string Interactive = "[data-interactive]";

    public const string UserName = ".login-user input";
    public const string Password = ".login-password input";
    public const string SignIn = ".login-submit";
    public const string SignedOutNotice = ".login-signed-out";
    public const string SignInError = ".login-error";

    /// <summary>Message rows of the inbox (the header row has no data-key).</summary>
    public const string InboxRow = ".inbox-row[data-key]";
    public const string InboxRowSubject = ".inbox-row[data-key] .col-subject";
    public const string InboxStatistics = ".inbox-stat";

    /// <summary>Shown while the inbox is still listing the mailbox (summaries arrive in the background).</summary>
    public const string InboxLoading = ".inbox-progress";
    public const string PendingDeletionsNotice = ".inbox-pending";
    public const string PendingRow = ".inbox-row.pending";

    public const string MessageSubject = ".message-view .message-subject";
    public const string MessageFrom = ".message-from";
    public const string MessageDelete = ".message-delete";
    public const string MessageBack = ".message-back";

    public const string SignOut = ".app-sign-out";

    /// <summary>The inbox row of the message with this key (its POP3 UIDL).</summary>
    public static string Row(string key) => $".inbox-row[data-key=\"{key}\"]";

    public static string RowSubject(string key) => Row(key) + " .col-subject";

    public static string RowUndo(string key) => Row(key) + " .inbox-undo";

    public static string PendingRowUndo(string key) => Row(key) + ".pending .inbox-undo";
}
