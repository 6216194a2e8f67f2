using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace Pop3Webmail.Testing.Circuits.Webmail;

/// <summary>
/// One visit to the webmail, as a user makes it: open the login page, sign in and wait for the first message rows,
/// wait for the whole mailbox to be listed, scroll the list to its end and back to the top, open the newest message,
/// delete it from the message's toolbar (the app moves on to the next message), go back to the list, undo the
/// deletion in the row, sign out. Each step waits for what the user would wait for and is timed. Selectors come from
/// <see cref="WebmailSelectors"/>; the same code drives a <see cref="CircuitClient"/> or a real browser.
/// </summary>
public static class WebmailScenario
{
    public const string Load = "load";
    public const string SignIn = "sign-in";
    public const string List = "list";
    public const string Scroll = "scroll";
    public const string Open = "open";
    public const string Delete = "delete";
    public const string Back = "back";
    public const string Undo = "undo";
    public const string SignOut = "sign-out";

    /// <summary>The steps in order, as they appear in <see cref="WebmailVisit.Timings"/>.</summary>
    public static IReadOnlyList<string> Steps { get; } = [Load, SignIn, List, Scroll, Open, Delete, Back, Undo, SignOut];

    /// <summary>Further down than any list goes: a browser scrolls as far as the content allows.</summary>
    private const double FarBelow = 1e9;

    /// <summary>Runs the visit on <paramref name="tab"/> against the app at <paramref name="app"/>; throws <see cref="WebmailScenarioException"/> naming the step that failed.</summary>
    public static async Task<WebmailVisit> RunAsync(IBrowserTab tab, Uri app, string userName, string password, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tab);
        ArgumentNullException.ThrowIfNull(app);
        var timings = new List<StepTiming>();
        async Task<T> StepAsync<T>(string step, Func<Task<T>> action)
        {
            var clock = Stopwatch.StartNew();
            try
            {
                var result = await action();
                timings.Add(new StepTiming(step, clock.Elapsed));
                return result;
            }
            catch (Exception ex) when (ex is not WebmailScenarioException)
            {
                throw new WebmailScenarioException(step, timings, tab.Location, ex);
            }
        }

        await StepAsync(Load, async () =>
        {
            await WebmailSteps.OpenLoginAsync(tab, app, cancellationToken);
            return true;
        });

        var firstRows = await StepAsync(SignIn, async () =>
        {
            await WebmailSteps.SubmitSignInAsync(tab, userName, password, cancellationToken);
            return (await tab.TextsAsync(WebmailSelectors.InboxRow, cancellationToken)).Count;
        });

        // What the first rows show is a moment of a list still filling in; what is compared is the listed inbox.
        var (subjects, keys, statistics) = await StepAsync(List, async () =>
        {
            await tab.WaitForAbsentAsync(WebmailSelectors.InboxLoading, cancellationToken);
            await tab.WaitForSettledAsync(cancellationToken);
            return (await tab.TextsAsync(WebmailSelectors.InboxRowSubject, cancellationToken),
                await tab.AttributesAsync(WebmailSelectors.InboxRow, "data-key", cancellationToken),
                await FirstTextAsync(tab, WebmailSelectors.InboxStatistics, cancellationToken));
        });
        if (keys.Count < 2 || keys[0] is not { } key)
        {
            throw new WebmailScenarioException(List, timings, tab.Location, new InvalidOperationException(
                $"The scenario needs a mailbox of at least two messages; the inbox shows {keys.Count} rows."));
        }

        // The grid renders the rows around what it shows; the last ones arrive only once it is scrolled to them.
        var (subjectsAtEnd, keysAtEnd) = await StepAsync(Scroll, async () =>
        {
            var total = int.Parse((await tab.AttributesAsync(WebmailSelectors.InboxGrid, "data-total", cancellationToken))[0] ?? "0", CultureInfo.InvariantCulture);
            await tab.ScrollToAsync(WebmailSelectors.InboxGrid, FarBelow, cancellationToken);
            await tab.WaitForAsync(WebmailSelectors.RowAt(total - 1), cancellationToken);
            await tab.WaitForSettledAsync(cancellationToken);
            var atEnd = (await tab.TextsAsync(WebmailSelectors.InboxRowSubject, cancellationToken),
                await tab.AttributesAsync(WebmailSelectors.InboxRow, "data-key", cancellationToken));
            await tab.ScrollToAsync(WebmailSelectors.InboxGrid, 0, cancellationToken);
            await tab.WaitForAsync(WebmailSelectors.Row(key), cancellationToken);
            await tab.WaitForSettledAsync(cancellationToken);
            return atEnd;
        });

        var subject = subjects[0];
        var from = await StepAsync(Open, async () =>
        {
            await tab.ClickAsync(WebmailSelectors.RowSubject(key), cancellationToken);
            await tab.WaitForTextAsync(WebmailSelectors.MessageSubject, Exactly(subject), cancellationToken);
            return await FirstTextAsync(tab, WebmailSelectors.MessageFrom, cancellationToken);
        });

        var next = await StepAsync(Delete, async () =>
        {
            await tab.ClickAsync(WebmailSelectors.MessageDelete, cancellationToken);
            return await tab.WaitForTextAsync(WebmailSelectors.MessageSubject, AnythingBut(subject), cancellationToken);
        });

        var pending = await StepAsync(Back, async () =>
        {
            await tab.ClickAsync(WebmailSelectors.MessageBack, cancellationToken);
            await tab.WaitForAbsentAsync(WebmailSelectors.MessageView, cancellationToken);

            // The list takes the whole width again and shows the highlighted row; a click before that may land elsewhere.
            await tab.WaitForSettledAsync(cancellationToken);
            return await FirstTextAsync(tab, WebmailSelectors.PendingDeletionsNotice, cancellationToken);
        });

        var stillPending = await StepAsync(Undo, async () =>
        {
            await tab.ClickAsync(WebmailSelectors.RowUndo(key), cancellationToken);
            await tab.WaitForAbsentAsync(WebmailSelectors.PendingDeletionsNotice, cancellationToken);
            return (await tab.TextsAsync(WebmailSelectors.PendingRow, cancellationToken)).Count;
        });

        var signedOut = await StepAsync(SignOut, async () =>
        {
            await tab.ClickAsync(WebmailSelectors.SignOut, cancellationToken);
            await tab.WaitForAsync(WebmailSelectors.SignedOutNotice, cancellationToken);
            return await FirstTextAsync(tab, WebmailSelectors.SignedOutNotice, cancellationToken);
        });

        return new WebmailVisit
        {
            FirstRowCount = firstRows,
            Subjects = subjects,
            Keys = [.. keys.Select(k => k ?? string.Empty)],
            Statistics = statistics,
            SubjectsAtEnd = subjectsAtEnd,
            KeysAtEnd = [.. keysAtEnd.Select(k => k ?? string.Empty)],
            OpenedKey = key,
            OpenedSubject = subject,
            OpenedFrom = from,
            SubjectAfterDelete = next,
            PendingNotice = pending,
            PendingRowsAfterUndo = stillPending,
            SignedOutNotice = signedOut,
            Timings = timings,
        };
    }

    private static async Task<string> FirstTextAsync(IBrowserTab tab, string selector, CancellationToken cancellationToken)
    {
        var texts = await tab.TextsAsync(selector, cancellationToken);
        return texts.Count > 0 ? texts[0] : string.Empty;
    }

    private static Regex Exactly(string text) => new("^" + Regex.Escape(text) + "$");

    /// <summary>Some non-empty text other than <paramref name="text"/> (a loading page shows no subject at all).</summary>
    private static Regex AnythingBut(string text) => new("^(?!" + Regex.Escape(text) + "$).+$");
}

/// <summary>A step of the scenario failed: which one, after which completed steps, where the tab was.</summary>
public sealed class WebmailScenarioException : Exception
{
    public WebmailScenarioException()
    {
    }

    public WebmailScenarioException(string message)
        : base(message)
    {
    }

    public WebmailScenarioException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public WebmailScenarioException(string step, IReadOnlyList<StepTiming> completed, Uri location, Exception innerException)
        : base($"Step '{step}' failed at {location}: {innerException?.Message}", innerException)
    {
        Step = step;
        Completed = [.. completed];
    }

    public string Step { get; } = string.Empty;

    public IReadOnlyList<StepTiming> Completed { get; } = [];
}
