using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Pop3Webmail.EndToEnd.Tests.Support;
using Pop3Webmail.Testing;

namespace Pop3Webmail.EndToEnd.Tests.Browser;

/// <summary>
/// Coming back to a mailbox (issue 11): each test runs its own app, whose mailbox state store (SQLite) lives in a folder
/// of its own. The first visit reads two messages and signs out; two new messages are then delivered into the Maildir,
/// and the second visit, from another browser context (the memory is the server's, never the browser's), shows what
/// was read and what is new. Dovecot's logout lines say how many headers (TOP) and messages (RETR) each visit read.
/// </summary>
[Collection(BrowserCollectionDefinition.Name)]
public sealed class RevisitTests(WebmailFixture fixture)
{
    /// <summary>More than the first page (50), so some remembered messages lie beyond it.</summary>
    private const int KnownMessages = 70;

    /// <summary>The first page the session reads in its listing flight, whatever it remembers (InboxLoader.FirstPageSize).</summary>
    private const int FirstPage = 50;

    [Fact(Timeout = 120_000)]
    public async Task ARevisitKeepsWhatWasReadMarksTheMailDeliveredSinceAsNewAndReadsNoHeaderBeyondTheFirstPage()
    {
        fixture.Require();
        var state = fixture.NewStateDirectory();
        await using var app = WebmailApp.Start(Settings(state));
        var visits = new TwoVisits(fixture, app, "revisit");

        var first = await visits.FirstVisitAsync();
        var second = await visits.SecondVisitAsync();

        Assert.Empty(first.NewMarks);
        Assert.Equal(KnownMessages, first.Session.Top);
        Assert.Equal(2, first.Session.Retrieved);
        Assert.Equal(visits.Delivered.Select(m => m.Subject).Reverse(), second.NewMarks);
        Assert.Equal(visits.Opened.Order(StringComparer.Ordinal), second.Read.Order(StringComparer.Ordinal));

        // Only the first page, read in the listing flight (it holds the new mail, and checks the remembered rows it
        // shows by UIDL); the 22 remembered messages below it are shown from the store without a TOP.
        Assert.Equal(FirstPage, second.Session.Top);
        Assert.Equal(0, second.Session.Retrieved);
        Assert.True(Directory.Exists(state));
    }

    [Fact(Timeout = 120_000)]
    public async Task TheKioskProfileRemembersOnTheServerAndKeepsNothingInTheBrowserAcrossTwoVisits()
    {
        fixture.Require();
        var state = fixture.NewStateDirectory();
        await using var app = WebmailApp.Start(Settings(state).Append(new("Mail:Kiosk", "true")));
        var visits = new TwoVisits(fixture, app, "kiosk-revisit");

        var first = await visits.FirstVisitAsync();
        var second = await visits.SecondVisitAsync();

        Assert.Equal(0, first.StorageEntries);
        Assert.Equal(0, second.StorageEntries);
        Assert.All(first.Cookies.Concat(second.Cookies), cookie => Assert.Equal(-1, cookie.Expires)); // session cookies only
        Assert.Equal(visits.Delivered.Select(m => m.Subject).Reverse(), second.NewMarks);
        Assert.Equal(visits.Opened.Order(StringComparer.Ordinal), second.Read.Order(StringComparer.Ordinal));
    }

    [Fact(Timeout = 120_000)]
    public async Task WithRememberMailboxOffARevisitShowsEverythingUnreadWithoutNewMarksAndWritesNoStore()
    {
        fixture.Require();
        var state = fixture.NewStateDirectory();
        await using var app = WebmailApp.Start(Settings(state).Append(new("Mail:RememberMailbox", "false")));
        var visits = new TwoVisits(fixture, app, "forgetful");

        await visits.FirstVisitAsync();
        var second = await visits.SecondVisitAsync();

        Assert.Empty(second.NewMarks);
        Assert.Empty(second.Read);
        Assert.Equal(KnownMessages + 2, second.Session.Top); // every header read again
        Assert.False(Directory.Exists(state));
    }

    private IEnumerable<KeyValuePair<string, string?>> Settings(string stateDirectory) =>
        WebmailFixture.ServerSettings(0, WebmailFixture.DovecotServerName, fixture.Dovecot)
            .Append(new("Mail:State:DataDirectory", stateDirectory));

    /// <summary>
    /// What one visit showed (subjects of the rendered rows, newest first, marked new or shown read), what the browser
    /// kept, and the POP3 session the server logged for it.
    /// </summary>
    private sealed record Visit(
        IReadOnlyList<string> NewMarks,
        IReadOnlyList<string> Read,
        int StorageEntries,
        IReadOnlyList<BrowserContextCookiesResult> Cookies,
        DovecotSession Session);

    /// <summary>
    /// A mailbox of <see cref="KnownMessages"/>, visited twice with two messages delivered in between. The first visit
    /// waits for every row (so every one is remembered), opens two of the newest, and signs out with QUIT.
    /// </summary>
    private sealed class TwoVisits(WebmailFixture fixture, WebmailApp app, string purpose)
    {
        private static readonly Regex Unread = new(@"\bunread\b", RegexOptions.None, TimeSpan.FromSeconds(1));
        private readonly MailAccount _account = fixture.CreateAccount(purpose, [.. Enumerable.Range(1, KnownMessages).Select(Known)]);

        /// <summary>The subjects the first visit opened: the two newest messages known before the second visit.</summary>
        public IReadOnlyList<string> Opened { get; } = [Known(KnownMessages).Subject, Known(KnownMessages - 1).Subject];

        /// <summary>The messages delivered between the visits, oldest first.</summary>
        public IReadOnlyList<TestMessage> Delivered { get; } =
        [
            MessageFactory.Plain("Arrived later: minutes", "The minutes of today's meeting.", DateOf(KnownMessages + 1)),
            MessageFactory.Plain("Arrived later: invoice", "Invoice 2026-114.", DateOf(KnownMessages + 2)),
        ];

        public async Task<Visit> FirstVisitAsync()
        {
            return await VisitAsync(KnownMessages, async tab =>
            {
                foreach (var subject in Opened)
                {
                    await tab.OpenMessageAsync(subject);
                    await Assertions.Expect(tab.Row(subject)).Not.ToHaveClassAsync(Unread);
                }
            });
        }

        public async Task<Visit> SecondVisitAsync()
        {
            fixture.Dovecot.Deliver(_account.Name, [.. Delivered]);
            return await VisitAsync(KnownMessages + Delivered.Count, static _ => Task.CompletedTask);
        }

        private async Task<Visit> VisitAsync(int expectedRows, Func<WebmailTab, Task> act)
        {
            var ended = _account.Sessions.Where(s => s.Ended).Select(s => s.SessionId).ToHashSet(StringComparer.Ordinal);
            await using var tab = await WebmailTab.OpenAsync(fixture.Browser, app.BaseAddress);
            await tab.SignInAsync(_account);

            // Every row loaded (the grid counts them all, though it renders only those in view): all remembered at sign-out.
            await Assertions.Expect(tab.Page.Locator(".inbox-grid"))
                .ToHaveAttributeAsync("aria-rowcount", (expectedRows + 1).ToString(CultureInfo.InvariantCulture));
            await act(tab);
            var newMarks = await SubjectsAsync(tab.InboxRows.Filter(new LocatorFilterOptions { Has = tab.Page.Locator(".new-mark") }));
            var read = await SubjectsAsync(tab.Page.Locator(".inbox-row[data-key]:not(.unread)"));
            await tab.SignOutAsync();
            var storage = await tab.BrowserStorageEntriesAsync();
            var cookies = await tab.Context.CookiesAsync();
            var session = await fixture.Dovecot.WaitForSessionAsync(
                s => s.User == _account.Name && s.Ended && !ended.Contains(s.SessionId), cancellationToken: TestContext.Current.CancellationToken);
            Assert.True(session.LoggedOut, session.DisconnectReason);
            return new Visit(newMarks, read, storage, cookies, session);
        }

        /// <summary>The subjects of the rendered rows <paramref name="rows"/> selects (the list renders the rows in view, newest first).</summary>
        private static async Task<IReadOnlyList<string>> SubjectsAsync(ILocator rows) =>
            [.. (await rows.Locator(".col-subject").AllInnerTextsAsync()).Select(static s => s.Trim())];

        private static TestMessage Known(int number) =>
            MessageFactory.Plain(string.Create(CultureInfo.InvariantCulture, $"Known {number:D2}: weekly status"), "Status as usual.", DateOf(number));

        private static DateTimeOffset DateOf(int number) => WebmailFixture.FirstDate.AddHours(number);
    }
}
