using Pop3Webmail.Testing.Circuits;
using Pop3Webmail.Testing.Circuits.Webmail;
using static Pop3Webmail.EndToEnd.Tests.Load.Circuits.Batches;

namespace Pop3Webmail.EndToEnd.Tests.Load.Circuits;

public sealed class DomDocumentTests
{
    [Fact]
    public void AChildComponentIsTransparentInTheDomButAddressedByItsOwnDiffs()
    {
        var page = Page(Element("section", 3), Attribute("class", "outer"), Component(1));
        page.Apply(Diff(1, [Element("span", 3), Attribute("class", "inner"), Text("from the child")], Prepend(0, 0)));

        var inner = page.QuerySelector("section.outer > span.inner");

        Assert.NotNull(inner);
        Assert.Equal("from the child", inner.TextContent);
        Assert.Same(page.QuerySelector("section"), inner.ParentElement);
    }

    [Fact]
    public void APermutationListReordersTheChildrenItNames()
    {
        var page = Page(Element("ul", 7), Element("li", 2), Text("a"), Element("li", 2), Text("b"), Element("li", 2), Text("c"));

        page.Apply(Diff(0, [],
            Edit(RenderTreeEditType.StepIn, 0),
            Edit(RenderTreeEditType.PermutationListEntry, 0, frameIndex: 2),
            Edit(RenderTreeEditType.PermutationListEntry, 2, frameIndex: 0),
            Edit(RenderTreeEditType.PermutationListEnd, 0),
            Edit(RenderTreeEditType.StepOut, 0)));

        Assert.Equal(["c", "b", "a"], page.QuerySelectorAll("li").Select(li => li.TextContent));
    }

    [Fact]
    public void MarkupBecomesElementsAndSvgContentKeepsItsNamespace()
    {
        var page = Page(Markup("<p class=\"note\">Hello <b>there</b> &amp; bye</p>"), Element("svg", 2), Markup("<path d=\"M0 0h24\"/>"));

        Assert.Equal("Hello there & bye", page.QuerySelector("p.note")?.TextContent);
        var path = page.QuerySelector("svg path");
        Assert.NotNull(path);
        Assert.True(path.IsSvg);
        Assert.Equal("M0 0h24", path.GetAttribute("d"));
    }

    [Fact]
    public void ValueAndCheckedOfAnInputAreItsPropertiesNotAttributes()
    {
        var page = Page(Element("input", 4), Attribute("type", "checkbox"), Attribute("value", "typed"), Attribute("checked", "checked"));
        var input = page.QuerySelector("input")!;

        Assert.Equal("typed", input.Value);
        Assert.True(input.Checked);
        Assert.False(input.HasAttribute("value"));
        Assert.False(input.HasAttribute("checked"));

        page.Apply(Diff(0, [], Edit(RenderTreeEditType.RemoveAttribute, 0, removedAttribute: "checked")));

        Assert.False(input.Checked);
    }

    [Fact]
    public void InternalAttributesSetStopPropagationAndPreventDefaultFlags()
    {
        var page = Page(Element("a", 4), Attribute("onclick", null, eventHandlerId: 7),
            Attribute("__internal_stopPropagation_onclick", string.Empty), Attribute("__internal_preventDefault_onclick", string.Empty));
        var link = page.QuerySelector("a")!;

        Assert.True(link.StopsPropagation("click"));
        Assert.True(link.PreventsDefault("click"));
        Assert.Empty(link.Attributes);
        Assert.Equal(7ul, link.EventHandlers["click"].HandlerId);
    }

    [Fact]
    public void AReplacedHandlerIdIsTheOnlyOneRegisteredAndADisposedOneIsDetached()
    {
        var page = Page(Element("button", 2), Attribute("onclick", null, eventHandlerId: 1));

        page.Apply(Diff(0, [Attribute("onclick", null, eventHandlerId: 2)], Edit(RenderTreeEditType.SetAttribute, 0, frameIndex: 0)));
        Assert.Null(page.FindListener(1));
        Assert.Equal(2ul, page.QuerySelector("button")!.EventHandlers["click"].HandlerId);

        page.Apply(new RenderBatch([], [], [], [2]));
        Assert.Empty(page.QuerySelector("button")!.EventHandlers);
        Assert.Equal(0, page.ListenerCount);
    }

    [Fact]
    public void UpdateTextAndRemoveFrameAddressLogicalChildrenAtTheCurrentDepth()
    {
        var page = Page(Element("div", 4), Text("one"), Text("two"), Text("three"));

        page.Apply(Diff(0, [Text("TWO")],
            Edit(RenderTreeEditType.StepIn, 0),
            Edit(RenderTreeEditType.UpdateText, 1, frameIndex: 0),
            Edit(RenderTreeEditType.RemoveFrame, 0),
            Edit(RenderTreeEditType.StepOut, 0)));

        Assert.Equal("TWOthree", page.QuerySelector("div")!.TextContent);
    }

    [Fact]
    public void AnEditAddressingAChildThatDoesNotExistIsAnError()
    {
        var page = Page(Element("div", 1));

        Assert.Throws<InvalidOperationException>(() => page.Apply(Diff(0, [], Edit(RenderTreeEditType.RemoveFrame, 5))));
    }

    [Fact]
    public void ABatchForAComponentThatWasNeverAttachedIsAnError()
    {
        var page = new DomDocument();

        Assert.Throws<InvalidOperationException>(() => page.Apply(Diff(42, [Text("orphan")], Prepend(0, 0))));
    }

    [Fact]
    public void TheRecordedLoginPageHasTheSignInFormWithItsHandlers()
    {
        var page = RecordedUntil(page => page.QuerySelector(WebmailSelectors.SignIn) is not null);

        var user = page.QuerySelector(WebmailSelectors.UserName)!;
        Assert.Contains("change", user.EventHandlers.Keys);
        Assert.Contains("blur", user.EventHandlers.Keys);
        var submit = page.QuerySelector(WebmailSelectors.SignIn)!;
        Assert.Equal("submit", submit.GetAttribute("type"));
        Assert.Contains("submit", submit.Closest("form")!.EventHandlers.Keys);
    }

    [Fact]
    public void TheRecordedInboxListsTheMailboxNewestFirstWithCyrillicSubjectsIntact()
    {
        var page = RecordedUntil(page => page.QuerySelectorAll(WebmailSelectors.InboxRow).Count == RecordedVisit.Messages.Count);

        var subjects = page.QuerySelectorAll(WebmailSelectors.InboxRowSubject).Select(subject => VisibleText.Of(subject.TextContent));

        Assert.Equal(RecordedVisit.Messages.Reverse().Select(message => message.Subject), subjects);
    }

    [Fact]
    public void ReplayingTheWholeRecordedVisitEndsSignedOutWithEveryHandlerOnAnElementOfThePage()
    {
        var page = CircuitRecording.Load(RecordedVisit.Path).Replay();

        Assert.Empty(page.QuerySelectorAll(WebmailSelectors.InboxRow));
        Assert.NotNull(page.QuerySelector(WebmailSelectors.SignedOutNotice));
        Assert.Equal(page.ListenerCount, page.Descendants.Sum(element => element.EventHandlers.Count));
    }

    /// <summary>The recorded page at the first moment <paramref name="reached"/> holds.</summary>
    private static DomDocument RecordedUntil(Func<DomDocument, bool> reached)
    {
        var recording = CircuitRecording.Load(RecordedVisit.Path);
        for (var entries = 1; entries <= recording.Entries.Count; entries++)
        {
            var page = recording.Replay(entries);
            if (reached(page))
            {
                return page;
            }
        }

        throw new InvalidOperationException("The recorded visit never reached that page.");
    }
}
