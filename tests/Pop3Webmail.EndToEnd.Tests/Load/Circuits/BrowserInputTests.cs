using Pop3Webmail.Testing.Circuits;
using static Pop3Webmail.EndToEnd.Tests.Load.Circuits.Batches;

namespace Pop3Webmail.EndToEnd.Tests.Load.Circuits;

public sealed class BrowserInputTests
{
    [Fact]
    public void AClickBubblesThroughAncestorsUntilAStopPropagationFlag()
    {
        var page = Page(
            Element("div", 9), Attribute("onclick", null, 1),
            Element("span", 7), Attribute("onclick", null, 2), Attribute("__internal_stopPropagation_onclick", string.Empty),
            Element("b", 4), Attribute("class", "target"), Attribute("onclick", null, 3), Text("x"));

        var click = new BrowserInput().Click(page.QuerySelector("b.target")!);

        Assert.Equal([3ul, 2ul], click.Events.Where(e => e.Listener.EventName == "click").Select(e => e.Listener.HandlerId));
    }

    [Fact]
    public void ClickingASubmitButtonClicksItThenSubmitsItsForm()
    {
        var page = Page(
            Element("form", 5), Attribute("onsubmit", null, 1),
            Element("button", 3), Attribute("type", "submit"), Attribute("onclick", null, 2));

        var click = new BrowserInput().Click(page.QuerySelector("button")!);

        Assert.Equal(["click#2", "submit#1"], click.Events.Select(e => $"{e.Listener.EventName}#{e.Listener.HandlerId}"));
        Assert.Null(click.FollowedHref);
    }

    [Fact]
    public void ADisabledButtonNeitherGetsTheClickNorSubmitsItsForm()
    {
        var page = Page(
            Element("form", 6), Attribute("onsubmit", null, 1),
            Element("button", 4), Attribute("type", "submit"), Attribute("disabled", string.Empty), Attribute("onclick", null, 2));

        var click = new BrowserInput().Click(page.QuerySelector("button")!);

        Assert.Empty(click.Events);
    }

    [Fact]
    public void TypedTextIsCommittedWithChangeThenBlurWhenTheFocusMovesOn()
    {
        var page = Page(
            Element("input", 4), Attribute("class", "user"), Attribute("onchange", null, 1), Attribute("onblur", null, 2),
            Element("input", 3), Attribute("class", "password"), Attribute("onchange", null, 3));
        var input = new BrowserInput();

        var typed = input.Fill(page.QuerySelector(".user")!, "alice");
        var moved = input.Fill(page.QuerySelector(".password")!, "secret");

        Assert.Empty(typed);
        Assert.Equal(["change#1", "blur#2"], moved.Select(e => $"{e.Listener.EventName}#{e.Listener.HandlerId}"));
        Assert.Equal("alice", (string?)moved[0].Args["value"]);
        Assert.Equal("alice", (string?)moved[0].FieldInfo!["fieldValue"]);
    }

    [Fact]
    public void AClickOnALinkFollowsItsHrefUnlessTheDefaultIsPrevented()
    {
        var page = Page(
            Element("a", 4), Attribute("class", "plain"), Attribute("href", "inbox"), Text("back"),
            Element("a", 5), Attribute("class", "guarded"), Attribute("href", "inbox"), Attribute("onclick", null, 1),
            Attribute("__internal_preventDefault_onclick", string.Empty));
        var input = new BrowserInput();

        Assert.Equal("inbox", input.Click(page.QuerySelector("a.plain")!).FollowedHref);
        Assert.Null(input.Click(page.QuerySelector("a.guarded")!).FollowedHref);
    }
}
