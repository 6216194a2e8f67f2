using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using Pop3Webmail.Web.Components.Pages;
using Pop3Webmail.Web.Session;
using Pop3Webmail.Web.Tests.Mail;
using Pop3Webmail.Web.Tests.Support;

namespace Pop3Webmail.Web.Tests.Components.Pages;

public sealed class InboxTests : WebmailComponentTest
{
    private static readonly InboxItem[] ThreeMessages =
    [
        FakeMailboxSession.Summary(3, "Budget 2026", from: "Carol", size: 300, attachments: true),
        FakeMailboxSession.Summary(2, "Agenda", from: "Bob", size: 9000),
        FakeMailboxSession.Summary(1, "Welcome", from: "Alice", size: 1500),
    ];

    [Fact]
    public void RowsAreNewestFirstWithUnreadInBoldAndAnAttachmentIcon()
    {
        using var culture = new CultureScope("en");
        SignIn(false, ThreeMessages);
        Session.SetRead("uid-2", true);

        var cut = Render<Inbox>();

        var rows = cut.FindAll(".inbox-rows [role=row]");
        Assert.Equal(["Budget 2026", "Agenda", "Welcome"], rows.Select(r => r.QuerySelector(".col-subject")!.TextContent));
        Assert.Equal([true, false, true], rows.Select(r => r.ClassList.Contains("unread")));
        Assert.NotNull(rows[0].QuerySelector(".col-attachment [aria-label='Has attachments']"));
        Assert.Null(rows[1].QuerySelector(".col-attachment svg"));
        Assert.Equal("Messages: 3, 10.5\u00a0KB", cut.Find(".inbox-stat").TextContent);
    }

    [Fact]
    public void WhileTheFirstPageLoadsItShowsTheLoadingState()
    {
        using var culture = new CultureScope("en");
        SignIn();
        Session.Status = MailboxSessionStatus.SigningIn;
        Session.Progress = new InboxProgress(0, 120);

        var cut = Render<Inbox>();

        Assert.NotNull(cut.Find(".inbox-loading"));
        Assert.Equal("Loaded 0 of 120 messages", cut.Find(".inbox-progress p, .inbox-progress span").TextContent);
        Assert.Empty(cut.FindAll(".inbox-list"));
    }

    [Fact]
    public void BackgroundLoadingShowsProgressAboveTheRowsAlreadyThere()
    {
        using var culture = new CultureScope("en");
        SignIn(false, ThreeMessages);
        Session.Progress = new InboxProgress(3, 10_000);

        var cut = Render<Inbox>();

        Assert.Contains("Loaded 3 of 10,000 messages", cut.Find(".inbox-progress").TextContent, StringComparison.Ordinal);
        Assert.Equal(3, cut.FindAll(".inbox-rows [role=row]").Count);

        Session.Progress = new InboxProgress(10_000, 10_000);
        Session.Raise();
        cut.WaitForAssertion(() => Assert.Empty(cut.FindAll(".inbox-progress")));
    }

    [Fact]
    public void AnEmptyMailboxSaysSo()
    {
        using var culture = new CultureScope("en");
        SignIn();

        var cut = Render<Inbox>();

        Assert.Contains("Your inbox is empty", cut.Find(".inbox-empty").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void ALostConnectionOffersToTryAgain()
    {
        using var culture = new CultureScope("en");
        SignIn(false, ThreeMessages);
        Session.Status = MailboxSessionStatus.ConnectionLost;

        var cut = Render<Inbox>();
        Assert.Contains("The connection to the mail server was lost.", cut.Find(".inbox-connection-lost").TextContent, StringComparison.Ordinal);
        cut.Find(".inbox-retry").Click();

        Assert.Contains("Reconnect", Session.Calls);
        cut.WaitForAssertion(() => Assert.Empty(cut.FindAll(".inbox-connection-lost")));
    }

    [Fact]
    public void AReconnectNoticeSaysHowTheMailboxChanged()
    {
        using var culture = new CultureScope("en");
        SignIn(false, ThreeMessages);
        Session.Notice = new MailboxNotice(MailboxNoticeKind.ConnectionRestored, NewMessages: 2, RemovedMessages: 1, LostDeletions: 0);

        var cut = Render<Inbox>();

        Assert.Equal(
            "The connection was lost and has been restored. New messages: 2. Removed from the server meanwhile: 1.",
            cut.Find(".inbox-notice .mud-alert-message").TextContent.Trim());
    }

    [Fact]
    public void DeletingShowsThePendingBarAndUndoAllRestores()
    {
        using var culture = new CultureScope("en");
        SignIn(false, ThreeMessages);
        var cut = Render<Inbox>();

        cut.FindAll(".inbox-delete")[1].Click();

        Assert.Contains("Delete uid-2", Session.Calls);
        Assert.Contains("To be deleted when you sign out: 1.", cut.Find(".inbox-pending").TextContent, StringComparison.Ordinal);
        Assert.Contains("pending", cut.FindAll(".inbox-rows [role=row]")[1].ClassList);

        cut.Find(".inbox-undo-all").Click();

        Assert.Contains("UndoAll", Session.Calls);
        Assert.Empty(cut.FindAll(".inbox-pending"));
    }

    [Fact]
    public void CheckedRowsAreDeletedTogether()
    {
        using var culture = new CultureScope("en");
        SignIn(false, ThreeMessages);
        var cut = Render<Inbox>();

        cut.FindAll(".inbox-rows [role=row] input[type=checkbox]")[0].Change(true);
        cut.FindAll(".inbox-rows [role=row] input[type=checkbox]")[2].Change(true);
        cut.Find(".inbox-delete-checked").Click();

        Assert.Contains("Delete uid-3,uid-1", Session.Calls);
        Assert.Equal(new HashSet<string> { "uid-1", "uid-3" }, Session.PendingDeletions);
    }

    [Fact]
    public void AReadOnlyMailboxHasNoDeleteControls()
    {
        SignIn(true, ThreeMessages);

        var cut = Render<Inbox>();

        Assert.Empty(cut.FindAll(".inbox-delete"));
        Assert.Empty(cut.FindAll("input[type=checkbox]"));
        cut.Find(".inbox-list").KeyDown("j");
        cut.Find(".inbox-list").KeyDown("Delete");
        Assert.DoesNotContain(Session.Calls, c => c.StartsWith("Delete", StringComparison.Ordinal));
    }

    [Fact]
    public void ColumnsSortAndASecondClickReverses()
    {
        SignIn(false, ThreeMessages);
        var cut = Render<Inbox>();

        cut.Find(".col-subject .inbox-sort").Click();
        Assert.Equal(["Agenda", "Budget 2026", "Welcome"], Subjects(cut));
        Assert.Equal("ascending", cut.Find(".inbox-header .col-subject").GetAttribute("aria-sort"));

        cut.Find(".col-subject .inbox-sort").Click();
        Assert.Equal(["Welcome", "Budget 2026", "Agenda"], Subjects(cut));

        cut.Find(".col-size .inbox-sort").Click();
        Assert.Equal(["Agenda", "Welcome", "Budget 2026"], Subjects(cut));

        cut.Find(".col-from .inbox-sort").Click();
        Assert.Equal(["Welcome", "Agenda", "Budget 2026"], Subjects(cut));
    }

    [Fact]
    public void TheQuickFilterMatchesSenderAndSubject()
    {
        using var culture = new CultureScope("en");
        SignIn(false, ThreeMessages);
        var cut = Render<Inbox>();

        // The filter is debounced on the app's TimeProvider, here a fake clock.
        cut.Find(".inbox-filter input").Input("bob");
        Time.Advance(TimeSpan.FromSeconds(1));
        cut.WaitForAssertion(() => Assert.Equal(["Agenda"], Subjects(cut)));

        cut.Find(".inbox-filter input").Input("BUDGET");
        Time.Advance(TimeSpan.FromSeconds(1));
        cut.WaitForAssertion(() => Assert.Equal(["Budget 2026"], Subjects(cut)));

        cut.Find(".inbox-filter input").Input("nothing like this");
        Time.Advance(TimeSpan.FromSeconds(1));
        cut.WaitForAssertion(() => Assert.Contains("No loaded message matches the filter.", cut.Find(".inbox-no-match").TextContent, StringComparison.Ordinal));
    }

    [Fact]
    public void TheKeyboardMovesOpensDeletesAndUndoes()
    {
        SignIn(false, ThreeMessages);
        var navigation = Services.GetRequiredService<NavigationManager>();
        var cut = Render<Inbox>();
        var list = cut.Find(".inbox-list");

        list.KeyDown("j");
        Assert.Equal("uid-3", cut.Find("[role=row].highlighted").GetAttribute("data-key"));
        cut.Find(".inbox-list").KeyDown("ArrowDown");
        cut.Find(".inbox-list").KeyDown("ArrowDown");
        cut.Find(".inbox-list").KeyDown("k");
        Assert.Equal("uid-2", cut.Find("[role=row].highlighted").GetAttribute("data-key"));

        cut.Find(".inbox-list").KeyDown("Delete");
        Assert.Contains("Delete uid-2", Session.Calls);
        Assert.Equal("uid-1", cut.Find("[role=row].highlighted").GetAttribute("data-key")); // moves on after deleting

        cut.Find(".inbox-list").KeyDown("u");
        Assert.Contains("Undo uid-2", Session.Calls);

        cut.Find(".inbox-list").KeyDown("Enter");
        Assert.Equal("http://localhost/message?id=uid-2", navigation.Uri);
    }

    [Fact]
    public void ClickingARowOpensTheMessage()
    {
        SignIn(false, ThreeMessages);
        var navigation = Services.GetRequiredService<NavigationManager>();
        var cut = Render<Inbox>();

        cut.FindAll(".inbox-rows [role=row]")[2].Click();

        Assert.Equal("http://localhost/message?id=uid-1", navigation.Uri);
    }

    [Fact]
    public void CheckForNewMailAsksTheSession()
    {
        using var culture = new CultureScope("en");
        SignIn(false, ThreeMessages);
        var cut = Render<Inbox>();

        cut.Find("button[aria-label='Check for new mail']").Click();

        Assert.Contains("Check", Session.Calls);
    }

    [Fact]
    public void ACommandThatFailsShowsAnErrorInsteadOfThrowing()
    {
        using var culture = new CultureScope("en");
        SignIn(false, ThreeMessages);
        var cut = Render<Inbox>();
        Session.NextFailure = new MailboxException(MailboxErrorKind.ConnectionLost);

        cut.FindAll(".inbox-delete")[0].Click();

        Assert.Equal("The mail server cannot be reached right now.", cut.Find(".inbox-error .mud-alert-message").TextContent.Trim());
    }

    [Fact]
    public void TheInboxSpeaksRussian()
    {
        using var culture = new CultureScope("ru");
        SignIn(false, ThreeMessages);
        Session.Pending = Session.Pending.Add("uid-1");

        var cut = Render<Inbox>();

        Assert.Equal("Входящие", cut.Find("h1").TextContent);
        Assert.Contains("Будет удалено при выходе: 1.", cut.Find(".inbox-pending").TextContent, StringComparison.Ordinal);
        Assert.Equal("Писем: 3, 10,5\u00a0КБ", cut.Find(".inbox-stat").TextContent);
    }

    [Fact]
    public void EveryIconButtonHasAnAccessibleName()
    {
        SignIn(false, ThreeMessages);
        Session.Pending = Session.Pending.Add("uid-1");

        var cut = Render<Inbox>();

        var iconButtons = cut.FindAll("button.mud-icon-button");
        Assert.NotEmpty(iconButtons);
        Assert.All(iconButtons, b => Assert.False(string.IsNullOrWhiteSpace(b.GetAttribute("aria-label"))));
    }

    private static string[] Subjects(IRenderedComponent<Inbox> cut) =>
        cut.FindAll(".inbox-rows [role=row] .col-subject").Select(c => c.TextContent).ToArray();
}
