using Bunit;
using Microsoft.Extensions.DependencyInjection;
using Pop3Webmail.Web.Components.Mailbox;
using Pop3Webmail.Web.Session;
using Pop3Webmail.Web.Tests.Support;

namespace Pop3Webmail.Web.Tests.Components.Mailbox;

public sealed class MessageListTests : WebmailComponentTest
{
    private static readonly InboxItem[] ThousandMessages =
        [.. Enumerable.Range(1, 1000).Reverse().Select(n => FakeMailboxSession.Summary(n, "Message " + n.ToString(System.Globalization.CultureInfo.InvariantCulture)))];

    [Fact]
    public void OnlyTheRowsInViewAreRenderedAndSpacersStandInForTheRest()
    {
        SignIn(false, ThousandMessages);

        var cut = RenderList();

        Assert.Equal(MessageList.InitialRows, cut.FindAll(".inbox-row[data-key]").Count);
        Assert.Equal("1001", cut.Find("[role=grid]").GetAttribute("aria-rowcount"));
        Assert.Equal("height: calc(var(--row-height) * 960)", cut.FindAll(".inbox-spacer")[1].GetAttribute("style"));

        // The browser reports that it shows rows 500 to 519.
        cut.InvokeAsync(() => cut.Instance.OnViewportChanged(500, 20));

        var rows = cut.FindAll(".inbox-row[data-key]");
        Assert.Equal(20 + (2 * MessageList.Overscan), rows.Count);
        Assert.Equal("uid-510", rows[0].GetAttribute("data-key")); // row 490, newest first
        Assert.Equal("492", rows[0].GetAttribute("aria-rowindex"));
        Assert.Equal("height: calc(var(--row-height) * 490)", cut.FindAll(".inbox-spacer")[0].GetAttribute("style"));
    }

    [Fact]
    public void ShowingARowOutsideTheRenderedWindowRendersItAndAsksTheBrowserToScrollToIt()
    {
        SignIn(false, ThousandMessages);
        var cut = RenderList(highlighted: "uid-100");

        cut.InvokeAsync(() => cut.Instance.ShowAsync(900));

        Assert.NotNull(cut.Find("[data-key=uid-100]"));
        Assert.Equal("inbox-row-900", cut.Find("[role=grid]").GetAttribute("aria-activedescendant"));
        Assert.Equal(900, JSInterop.VerifyInvoke("pop3webmail.showRow").Arguments[1]);
    }

    [Fact]
    public void TheActiveDescendantIsOnlyNamedWhileItsRowIsInThePage()
    {
        SignIn(false, ThousandMessages);

        var cut = RenderList(highlighted: "uid-1");

        Assert.Null(cut.Find("[role=grid]").GetAttribute("aria-activedescendant"));
    }

    [Fact]
    public async Task GoingAwayNeedsNoCallIntoTheBrowser()
    {
        // A reload while scrolling ends the circuit with calls into the browser cut off; the framework's Virtualize
        // made one on disposal and its TaskCanceledException reached the log. This list makes none.
        SignIn(false, ThousandMessages);
        RenderList();
        JSInterop.SetupVoid(_ => true).SetCanceled();
        var callsBefore = JSInterop.Invocations.Count;

        await DisposeComponentsAsync();

        Assert.Equal(callsBefore, JSInterop.Invocations.Count);
        Assert.Equal(1, JSInterop.Invocations.Count(i => i.Identifier == "pop3webmail.attachList"));
    }

    [Fact]
    public void BrowserCallsCutOffByAClosingCircuitAreNotErrors()
    {
        SignIn(false, ThousandMessages);
        JSInterop.SetupVoid(_ => true).SetCanceled();

        var cut = RenderList();
        cut.InvokeAsync(() => cut.Instance.ShowAsync(700));
        cut.InvokeAsync(() => cut.Instance.FocusAsync());

        Assert.NotNull(cut.Find("[data-key=uid-300]"));
    }

    [Fact]
    public void FewerRowsThanTheWindowStartsAtKeepTheWindowInTheList()
    {
        SignIn(false, ThousandMessages);
        var cut = RenderList();
        cut.InvokeAsync(() => cut.Instance.OnViewportChanged(900, 20));

        cut.Render(p => p.Add(x => x.Rows, ThousandMessages[..50]));

        // The window moves up to end with the list: its last rows, not an empty stretch past the end.
        var rows = cut.FindAll(".inbox-row[data-key]");
        Assert.Equal(20 + (2 * MessageList.Overscan), rows.Count);
        Assert.Equal("uid-951", rows[^1].GetAttribute("data-key"));
    }

    [Fact]
    public void ARowClickOpensAndItsButtonsActWithoutOpening()
    {
        SignIn(false, ThousandMessages[..3]);
        var opened = new List<string>();
        var deleted = new List<string>();
        var cut = RenderList(onOpen: m => opened.Add(m.Key), onDelete: deleted.Add);

        cut.Find("[data-key=uid-999] .col-subject").Click();
        cut.Find("[data-key=uid-998] .inbox-delete").Click();

        Assert.Equal(["uid-999"], opened);
        Assert.Equal(["uid-998"], deleted);
    }

    private IRenderedComponent<MessageList> RenderList(string? highlighted = null, Action<InboxItem>? onOpen = null, Action<string>? onDelete = null)
    {
        var view = Services.GetRequiredService<Pop3Webmail.Web.Components.Common.InboxViewState>();
        var rows = view.Apply(Session.Messages);
        view.Highlighted = highlighted;
        return Render<MessageList>(p => p
            .Add(x => x.Rows, rows)
            .Add(x => x.Highlighted, highlighted)
            .Add(x => x.Label, "Inbox")
            .Add(x => x.OnOpen, onOpen ?? (_ => { }))
            .Add(x => x.OnDelete, onDelete ?? (_ => { })));
    }
}
