namespace Pop3Webmail.Testing.Circuits.Webmail;

/// <summary>
/// Single steps of a visit, for tabs that sign in and then stay (a crowd held open, visits a shutdown must end) rather
/// than make the whole <see cref="WebmailScenario"/>.
/// </summary>
public static class WebmailSteps
{
    /// <summary>The delete button of the first message row (MessageList: each row has its own).</summary>
    private const string TopRowDelete = WebmailSelectors.InboxRow + " .inbox-delete";

    /// <summary>Opens the login page, signs in and waits for the first inbox rows; throws when the app refuses.</summary>
    public static async Task SignInAsync(IBrowserTab tab, Uri app, string userName, string password, CancellationToken cancellationToken = default)
    {
        await OpenLoginAsync(tab, app, cancellationToken);
        await SubmitSignInAsync(tab, userName, password, cancellationToken);
    }

    /// <summary>Loads the login page and waits until its circuit is interactive (a click before that is lost).</summary>
    public static async Task OpenLoginAsync(IBrowserTab tab, Uri app, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tab);
        ArgumentNullException.ThrowIfNull(app);
        await tab.GotoAsync(new Uri(app, "login"), cancellationToken);
        await tab.WaitForAsync(WebmailSelectors.Interactive, cancellationToken);
    }

    /// <summary>Fills in and submits the login form, then waits for the first inbox rows; throws when the app refuses.</summary>
    public static async Task SubmitSignInAsync(IBrowserTab tab, string userName, string password, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tab);
        await tab.FillAsync(WebmailSelectors.UserName, userName, cancellationToken);
        await tab.FillAsync(WebmailSelectors.Password, password, cancellationToken);
        await tab.ClickAsync(WebmailSelectors.SignIn, cancellationToken);
        await tab.WaitForAsync(WebmailSelectors.InboxRow + ", " + WebmailSelectors.SignInError, cancellationToken);
        if (await tab.TextsAsync(WebmailSelectors.SignInError, cancellationToken) is [var refusal, ..])
        {
            throw new InvalidOperationException($"The app refused the sign-in of {userName}: {refusal}");
        }
    }

    /// <summary>Waits until the whole mailbox is listed (the background listing has finished).</summary>
    public static Task WaitUntilListedAsync(IBrowserTab tab, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tab);
        return tab.WaitForAbsentAsync(WebmailSelectors.InboxLoading, cancellationToken);
    }

    /// <summary>Marks the top row of the inbox for deletion (its row button) and waits for the pending-deletion notice.</summary>
    public static async Task MarkTopRowForDeletionAsync(IBrowserTab tab, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tab);
        await tab.ClickAsync(TopRowDelete, cancellationToken);
        await tab.WaitForAsync(WebmailSelectors.PendingDeletionsNotice, cancellationToken);
    }
}
