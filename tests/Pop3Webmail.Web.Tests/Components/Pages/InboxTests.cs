using Bunit;
using Bunit.TestDoubles;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using Pop3Webmail.Web.Components.Common;
using Pop3Webmail.Web.Components.Mailbox;
using Pop3Webmail.Web.Components.Pages;
using Pop3Webmail.Web.Configuration;
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

    public InboxTests()
    {
        foreach (var summary in ThreeMessages)
        {
            Session.MessageSources[summary.Key] = "From: Alice <alice@example.test>\r\nSubject: " + summary.Subject + "\r\n\r\nBody of " + summary.Subject + ".\r\n";
        }
    }

    [Fact]
    public void RowsAreNewestFirstWithUnreadInBoldAndAnAttachmentIcon()
    {
        using var culture = new CultureScope("en");
        SignIn(false, ThreeMessages);
        Session.SetRead("uid-2", true);

        var cut = Render<Inbox>();

        var rows = Rows(cut);
        Assert.Equal(["Budget 2026", "Agenda", "Welcome"], rows.Select(r => r.QuerySelector(".col-subject")!.TextContent.Trim()));
        Assert.Equal([true, false, true], rows.Select(r => r.ClassList.Contains("unread")));
        Assert.NotNull(rows[0].QuerySelector(".col-attachment [aria-label='Has attachments']"));
        Assert.Null(rows[1].QuerySelector(".col-attachment svg"));
        Assert.Equal("Messages: 3, 10.5\u00a0KB", cut.Find(".inbox-stat").TextContent);
    }

    [Fact]
    public void WhileTheFirstPageLoadsTheGridSaysSo()
    {
        using var culture = new CultureScope("en");
        SignIn();
        Session.Status = MailboxSessionStatus.SigningIn;
        Session.Progress = new InboxProgress(0, 120);

        var cut = Render<Inbox>();

        Assert.Equal("status", cut.Find(".inbox-grid .inbox-loading").GetAttribute("role"));
        Assert.Contains("Loading messages", cut.Find(".inbox-loading").TextContent, StringComparison.Ordinal);
        Assert.Empty(cut.FindAll(".inbox-row[data-key]"));
    }

    [Fact]
    public void BackgroundLoadingShowsProgressAboveTheRowsAlreadyThere()
    {
        using var culture = new CultureScope("en");
        SignIn(false, ThreeMessages);
        Session.Progress = new InboxProgress(3, 10_000);

        var cut = Render<Inbox>();

        Assert.Contains("Loaded 3 of 10,000 messages", cut.Find(".inbox-progress").TextContent, StringComparison.Ordinal);
        Assert.Equal(3, Rows(cut).Count);

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
    public void TheGridStaysInThePageThroughEveryState()
    {
        // Its scroll position and focus live in it: it is never taken down and put up again.
        SignIn(false, ThreeMessages);
        var cut = Render<Inbox>();
        var list = cut.FindComponent<MessageList>().Instance;

        foreach (var status in new[] { MailboxSessionStatus.Reconnecting, MailboxSessionStatus.ConnectionLost, MailboxSessionStatus.Ready })
        {
            Session.Status = status;
            Session.Messages = status == MailboxSessionStatus.Ready ? ThreeMessages : [];
            Session.Raise();
            cut.WaitForAssertion(() => Assert.Same(list, cut.FindComponent<MessageList>().Instance));
        }

        Services.GetRequiredService<NavigationManager>().NavigateTo("message?id=uid-1");
        cut.WaitForAssertion(() => Assert.Equal("Welcome", cut.Find(".message-subject").TextContent));
        Assert.Same(list, cut.FindComponent<MessageList>().Instance);
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
    public void ALostConnectionAndAFailedCheckMakeOneRedAlertNotTwo()
    {
        using var culture = new CultureScope("en");
        SignIn(false, ThreeMessages);
        var cut = Render<Inbox>();
        Session.Status = MailboxSessionStatus.ConnectionLost;
        Session.NextFailure = new MailboxException(MailboxErrorKind.ConnectionLost);

        cut.Find(".inbox-check").Click();

        Assert.Single(cut.FindAll("[role=alert]"));
        Assert.Single(cut.FindAll(".inbox-connection-lost"));
    }

    [Fact]
    public void AReconnectNoticeSaysHowTheMailboxChangedAsAStatusNotAnAlarm()
    {
        using var culture = new CultureScope("en");
        SignIn(false, ThreeMessages);
        Session.Notice = new MailboxNotice(MailboxNoticeKind.ConnectionRestored, NewMessages: 2, RemovedMessages: 1, LostDeletions: 0);

        var cut = Render<Inbox>();

        var notice = cut.Find(".inbox-notice");
        Assert.Equal("The connection was lost and has been restored. New messages: 2. Removed from the server meanwhile: 1.", notice.QuerySelector(".mailbox-alert-text")!.TextContent);
        Assert.Equal("status", notice.GetAttribute("role"));
        cut.Find(".inbox-notice-dismiss").Click();
        Assert.Contains("Dismiss", Session.Calls);
    }

    [Fact]
    public void ANoticeIsNotShownWhileTheConnectionIsDown()
    {
        using var culture = new CultureScope("en");
        SignIn(false, ThreeMessages);
        Session.Notice = new MailboxNotice(MailboxNoticeKind.MailChecked, 0, 0, 0);
        Session.Status = MailboxSessionStatus.ConnectionLost;

        var cut = Render<Inbox>();

        Assert.Empty(cut.FindAll(".inbox-notice")); // "no new mail" next to "connection lost" would be stale
        Session.Status = MailboxSessionStatus.Ready;
        Session.Raise();
        cut.WaitForAssertion(() => Assert.Contains("No new mail.", cut.Find(".inbox-notice").TextContent, StringComparison.Ordinal));
    }

    [Fact]
    public void BackgroundLoadingIsAProgressBarWithAName()
    {
        using var culture = new CultureScope("en");
        SignIn(false, ThreeMessages);
        Session.Progress = new InboxProgress(3, 12);

        var cut = Render<Inbox>();

        var bar = cut.Find(".inbox-progress [role=progressbar]");
        Assert.Equal("Loading messages…", bar.GetAttribute("aria-label"));
        Assert.Equal("25", bar.GetAttribute("aria-valuenow"));
    }

    [Fact]
    public void AFailedDownloadIsSaidInTheInbox()
    {
        using var culture = new CultureScope("en");
        SignIn(false, ThreeMessages);
        Session.Notice = new MailboxNotice(MailboxNoticeKind.DownloadFailed, 0, 0, 0);

        var cut = Render<Inbox>();

        Assert.StartsWith("The download did not work", cut.Find(".inbox-notice .mailbox-alert-text").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void DeletingShowsThePendingBarAnnouncesItAndUndoAllRestores()
    {
        using var culture = new CultureScope("en");
        SignIn(false, ThreeMessages);
        var cut = Render<Inbox>();

        cut.FindAll(".inbox-delete")[1].Click();

        Assert.Contains("Delete uid-2", Session.Calls);
        Assert.Contains("To be deleted when you sign out: 1.", cut.Find(".inbox-pending").TextContent, StringComparison.Ordinal);
        Assert.Contains("pending", Rows(cut)[1].ClassList);
        Assert.Contains("marked for deletion", Rows(cut)[1].QuerySelector(".col-subject")!.TextContent, StringComparison.Ordinal);
        Assert.Equal("Marked for deletion: 1. You can undo this until you sign out.", cut.Find(".inbox-announcement").TextContent);

        cut.Find(".inbox-undo-all").Click();

        Assert.Contains("UndoAll", Session.Calls);
        Assert.Empty(cut.FindAll(".inbox-pending"));
        Assert.Equal("Restored: 1.", cut.Find(".inbox-announcement").TextContent);
    }

    [Fact]
    public void CheckedRowsAreDeletedTogether()
    {
        using var culture = new CultureScope("en");
        SignIn(false, ThreeMessages);
        var cut = Render<Inbox>();

        cut.FindAll(".inbox-row[data-key] input[type=checkbox]")[0].Change(true);
        cut.FindAll(".inbox-row[data-key] input[type=checkbox]")[2].Change(true);
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
        cut.Find(".inbox-grid").KeyDown("j");
        cut.Find(".inbox-grid").KeyDown("Delete");
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
    public void TheKeyboardMovesChecksDeletesUndoesAndOpens()
    {
        SignIn(false, ThreeMessages);
        var navigation = Services.GetRequiredService<NavigationManager>();
        var cut = Render<Inbox>();

        cut.Find(".inbox-grid").KeyDown("j");
        Assert.Equal("uid-3", Highlighted(cut));
        Assert.Equal("inbox-row-0", cut.Find(".inbox-grid").GetAttribute("aria-activedescendant"));
        cut.Find(".inbox-grid").KeyDown("End");
        cut.Find(".inbox-grid").KeyDown("k");
        Assert.Equal("uid-2", Highlighted(cut));

        cut.Find(".inbox-grid").KeyDown(" ");
        Assert.Contains("checked", cut.Find("[data-key=uid-2]").ClassList);
        cut.Find(".inbox-grid").KeyDown(" ");

        cut.Find(".inbox-grid").KeyDown("Delete");
        Assert.Contains("Delete uid-2", Session.Calls);
        Assert.Equal("uid-1", Highlighted(cut)); // moves on after deleting

        cut.Find(".inbox-grid").KeyDown("u");
        cut.WaitForAssertion(() => Assert.Contains("Undo uid-2", Session.Calls));
        cut.WaitForAssertion(() => Assert.Equal("uid-2", Highlighted(cut))); // the restored one is highlighted again

        cut.Find(".inbox-grid").KeyDown("Enter");
        cut.WaitForAssertion(() => Assert.Equal("http://localhost/message?id=uid-2", navigation.Uri));
    }

    [Fact]
    public void OpeningFromTheListIsOneHistoryStepAndClosingGoesBackToIt()
    {
        SignIn(false, ThreeMessages);
        var navigation = Services.GetRequiredService<BunitNavigationManager>();
        navigation.NavigateTo("inbox");
        var cut = Render<Inbox>();

        Rows(cut)[2].Click();
        cut.WaitForAssertion(() => Assert.Equal("Welcome", cut.Find(".message-subject").TextContent));
        Assert.Equal("http://localhost/message?id=uid-1", navigation.Uri);
        Assert.False(navigation.History.First().Options.ReplaceHistoryEntry);

        cut.Find(".message-next").Click(); // at the end: disabled
        cut.Find(".message-previous").Click();
        cut.WaitForAssertion(() => Assert.Equal("Agenda", cut.Find(".message-subject").TextContent));
        Assert.True(navigation.History.First().Options.ReplaceHistoryEntry); // the list is still one step back

        cut.Find(".message-back").Click();
        cut.WaitForAssertion(() => JSInterop.VerifyInvoke("pop3webmail.back"));
    }

    [Fact]
    public void ADeepLinkShowsTheMessageWithTheListAndClosingGoesToTheList()
    {
        SignIn(false, ThreeMessages);
        var navigation = Services.GetRequiredService<BunitNavigationManager>();
        navigation.NavigateTo("message?id=uid-2");

        var cut = Render<Inbox>();

        cut.WaitForAssertion(() => Assert.Equal("Agenda", cut.Find(".reading-pane .message-subject").TextContent));
        Assert.Equal("uid-2", Highlighted(cut));
        Assert.Contains("has-message", cut.Find(".mailbox").ClassList);
        Assert.NotNull(cut.Find(".list-pane .inbox-grid"));

        cut.Find(".message-back").Click();

        cut.WaitForAssertion(() => Assert.Equal("http://localhost/inbox", navigation.Uri)); // no list entry to go back to: the list replaces the message
        Assert.True(navigation.History.First().Options.ReplaceHistoryEntry);
        JSInterop.VerifyNotInvoke("pop3webmail.back");
    }

    [Fact]
    public void WithTheReadingPaneArrowKeysShowTheNextMessageInPlace()
    {
        SignIn(false, ThreeMessages);
        JSInterop.Setup<MailboxPageFacts>("pop3webmail.watchMailbox", _ => true).SetResult(new MailboxPageFacts(Visible: true, Wide: true));
        var navigation = Services.GetRequiredService<BunitNavigationManager>();
        navigation.NavigateTo("message?id=uid-3");
        var cut = Render<Inbox>();
        cut.WaitForAssertion(() => Assert.Equal("Budget 2026", cut.Find(".message-subject").TextContent));

        cut.Find(".inbox-grid").KeyDown("ArrowDown");

        cut.WaitForAssertion(() => Assert.Equal("http://localhost/message?id=uid-2", navigation.Uri));
        Assert.True(navigation.History.First().Options.ReplaceHistoryEntry);
        cut.WaitForAssertion(() => Assert.Equal("Agenda", cut.Find(".message-subject").TextContent));
        Assert.Equal("uid-2", Highlighted(cut));
    }

    [Fact]
    public void WithoutTheReadingPaneArrowKeysOnlyMoveTheHighlight()
    {
        SignIn(false, ThreeMessages);
        JSInterop.Setup<MailboxPageFacts>("pop3webmail.watchMailbox", _ => true).SetResult(new MailboxPageFacts(Visible: true, Wide: true));
        var navigation = Services.GetRequiredService<NavigationManager>();
        navigation.NavigateTo("inbox");
        var cut = Render<Inbox>();
        cut.Find(".inbox-pane-toggle").Click();

        cut.Find(".inbox-grid").KeyDown("ArrowDown");
        cut.Find(".inbox-grid").KeyDown("ArrowDown");

        Assert.Equal("http://localhost/inbox", navigation.Uri);
        Assert.Equal("uid-2", Highlighted(cut));
        Assert.Contains("pane-off", cut.Find(".mailbox").ClassList);
    }

    [Fact]
    public void DeletingTheOpenMessageMovesOnToTheNextOneAndAnnouncesIt()
    {
        using var culture = new CultureScope("en");
        SignIn(false, ThreeMessages);
        var navigation = Services.GetRequiredService<NavigationManager>();
        navigation.NavigateTo("message?id=uid-2");
        var cut = Render<Inbox>();
        cut.WaitForAssertion(() => Assert.NotEmpty(cut.FindAll(".message-delete")));

        cut.Find(".message-delete").Click();

        cut.WaitForAssertion(() => Assert.Equal("http://localhost/message?id=uid-1", navigation.Uri));
        Assert.Contains("Delete uid-2", Session.Calls);
        cut.WaitForAssertion(() => Assert.Equal("Welcome", cut.Find(".message-subject").TextContent));
        Assert.Equal("Marked for deletion: 1. You can undo this until you sign out.", cut.Find(".inbox-announcement").TextContent);
        cut.Find(".inbox-grid").KeyDown("u"); // the most recent deletion, from anywhere in the list
        cut.WaitForAssertion(() => Assert.Contains("Undo uid-2", Session.Calls));
    }

    [Fact]
    public void DeletingTheLastMessageClosesIt()
    {
        SignIn(false, [ThreeMessages[0]]);
        var navigation = Services.GetRequiredService<NavigationManager>();
        navigation.NavigateTo("message?id=uid-3");
        var cut = Render<Inbox>();
        cut.WaitForAssertion(() => Assert.NotEmpty(cut.FindAll(".message-delete")));

        cut.Find(".message-delete").Click();

        cut.WaitForAssertion(() => Assert.Equal("http://localhost/inbox", navigation.Uri));
    }

    [Theory]
    [InlineData(false, true)]
    [InlineData(true, false)]
    public void TheReadingPaneSwitchIsRememberedOnlyOutsideKioskMode(bool kiosk, bool remembered)
    {
        Configure(new MailOptions { Kiosk = kiosk });
        SignIn(false, ThreeMessages);
        var cut = Render<Inbox>();

        cut.Find(".inbox-pane-toggle").Click();

        Assert.Equal("false", cut.Find(".inbox-pane-toggle").GetAttribute("aria-pressed"));
        Assert.Equal(remembered ? 1 : 0, JSInterop.Invocations.Count(i => i.Identifier == "pop3webmail.setPreference"));
    }

    [Fact]
    public void TheTabTitleCountsNewMessagesNotYetOpened()
    {
        using var culture = new CultureScope("en");
        SignIn(false, ThreeMessages);
        Session.New.UnionWith(["uid-3", "uid-2"]);
        Session.SetRead("uid-2", true);

        var head = Render<Microsoft.AspNetCore.Components.Web.HeadOutlet>();

        var cut = Render<Inbox>();

        Assert.Equal("1 new", cut.Find(".inbox-new-count").TextContent);
        Assert.NotNull(cut.Find("[data-key=uid-3] .new-mark"));
        Assert.Empty(cut.FindAll("[data-key=uid-2] .new-mark"));
        Assert.Equal("(1) Inbox – Webmail", head.Find("title").TextContent);

        Session.SetRead("uid-3", true);
        Session.Raise();
        cut.WaitForAssertion(() => Assert.Equal("Inbox – Webmail", head.Find("title").TextContent));
    }

    [Fact]
    public void TheMailIsCheckedAutomaticallyOnlyWhileTheTabIsVisibleAndQuietlyWhenNothingCame()
    {
        Configure(new MailOptions { AutoCheckInterval = TimeSpan.FromMinutes(5) });
        SignIn(false, ThreeMessages);
        var cut = Render<Inbox>();
        Session.Notice = new MailboxNotice(MailboxNoticeKind.MailChecked, NewMessages: 0, RemovedMessages: 0, LostDeletions: 0);

        Time.Advance(TimeSpan.FromMinutes(5));
        cut.WaitForAssertion(() => Assert.Single(Session.Calls, "Check"));
        Assert.Contains("Dismiss", Session.Calls); // "no new mail" is not worth saying when nobody asked

        cut.InvokeAsync(() => cut.Instance.OnVisibilityChanged(false));
        Time.Advance(TimeSpan.FromMinutes(11));
        Assert.Single(Session.Calls, "Check");

        cut.InvokeAsync(() => cut.Instance.OnVisibilityChanged(true)); // due while hidden: at once
        cut.WaitForAssertion(() => Assert.Equal(2, Session.Calls.Count(c => c == "Check")));
    }

    [Fact]
    public void AutomaticallyFoundMailIsAnnouncedPolitely()
    {
        using var culture = new CultureScope("en");
        Configure(new MailOptions { AutoCheckInterval = TimeSpan.FromMinutes(2) });
        SignIn(false, ThreeMessages);
        var cut = Render<Inbox>();
        Session.Notice = new MailboxNotice(MailboxNoticeKind.MailChecked, NewMessages: 2, RemovedMessages: 0, LostDeletions: 0);

        Time.Advance(TimeSpan.FromMinutes(2));

        cut.WaitForAssertion(() => Assert.Contains("Check", Session.Calls));
        Assert.DoesNotContain("Dismiss", Session.Calls);
        Assert.Equal("status", cut.Find(".inbox-notice").GetAttribute("role"));
        Assert.Contains("New messages: 2.", cut.Find(".inbox-notice").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void AnAutoCheckIntervalOfZeroNeverChecks()
    {
        Configure(new MailOptions { AutoCheckInterval = TimeSpan.Zero });
        SignIn(false, ThreeMessages);
        Render<Inbox>();

        Time.Advance(TimeSpan.FromDays(1));

        Assert.DoesNotContain("Check", Session.Calls);
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
        Session.NextFailure = new MailboxException(MailboxErrorKind.ServerRefused);

        cut.FindAll(".inbox-delete")[0].Click();

        Assert.Equal("The mail server refused the request.", cut.Find(".inbox-error .mailbox-alert-text").TextContent);
        Assert.Equal("alert", cut.Find(".inbox-error").GetAttribute("role"));
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
        Assert.Equal("Область чтения", cut.Find(".inbox-pane-toggle").GetAttribute("aria-label"));
        Assert.Equal("Список писем", cut.Find(".list-pane").GetAttribute("aria-label"));
    }

    [Fact]
    public void EveryButtonHasAnAccessibleName()
    {
        SignIn(false, ThreeMessages);
        Session.Pending = Session.Pending.Add("uid-1");

        var cut = Render<Inbox>();

        var buttons = cut.FindAll("button");
        Assert.NotEmpty(buttons);
        Assert.All(buttons, b => Assert.False(string.IsNullOrWhiteSpace(b.GetAttribute("aria-label") ?? b.TextContent)));
    }

    private static IReadOnlyList<AngleSharp.Dom.IElement> Rows(IRenderedComponent<Inbox> cut) => cut.FindAll(".inbox-row[data-key]");

    private static string? Highlighted(IRenderedComponent<Inbox> cut) => cut.Find(".inbox-row.highlighted").GetAttribute("data-key");

    private static string[] Subjects(IRenderedComponent<Inbox> cut) =>
        cut.FindAll(".inbox-row[data-key] .col-subject").Select(c => c.TextContent.Trim()).ToArray();
}
