using System.Globalization;

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

    /// <summary>The message grid (MessageList): it scrolls itself and renders only the rows around its visible window.</summary>
    public const string InboxGrid = ".inbox-grid";

    /// <summary>Message rows of the grid (the header row has no data-key).</summary>
    public const string InboxRow = ".inbox-row[data-key]";
    public const string InboxRowSubject = ".inbox-row[data-key] .col-subject";
    public const string InboxStatistics = ".inbox-stat";

    /// <summary>Shown while the inbox is still listing the mailbox (summaries arrive in the background).</summary>
    public const string InboxLoading = ".inbox-progress";
    public const string PendingDeletionsNotice = ".inbox-pending";
    public const string PendingRow = ".inbox-row.pending";

    /// <summary>The open message (beside the list on a wide screen, instead of it on a narrow one).</summary>
    public const string MessageView = ".message-view";

    /// <summary>The subject of the message as read from the server (while it loads, the view shows the list's subject without headers).</summary>
    public const string MessageSubject = ".message-view .message-headers .message-subject";
    public const string MessageFrom = ".message-view .message-from";
    public const string MessageDelete = ".message-view .message-delete";
    public const string MessageBack = ".message-view .message-back";

    public const string SignOut = ".app-sign-out";

    /// <summary>The grid row of the message with this key (the app's message key, <c>u:</c> and the POP3 UIDL).</summary>
    public static string Row(string key) => $".inbox-row[data-key=\"{key}\"]";

    /// <summary>The grid row at this 0-based position of the list (the header is the grid's first row).</summary>
    public static string RowAt(int index) => string.Create(CultureInfo.InvariantCulture, $".inbox-row[aria-rowindex=\"{index + 2}\"]");

    public static string RowSubject(string key) => Row(key) + " .col-subject";

    public static string RowUndo(string key) => Row(key) + " .inbox-undo";
}
