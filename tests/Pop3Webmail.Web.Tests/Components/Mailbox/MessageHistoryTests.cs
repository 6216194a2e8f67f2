using Bunit.TestDoubles;
using Microsoft.Extensions.DependencyInjection;
using Pop3Webmail.Web.Components.Mailbox;
using Pop3Webmail.Web.Tests.Support;

namespace Pop3Webmail.Web.Tests.Components.Mailbox;

public sealed class MessageHistoryTests : WebmailComponentTest
{
    private readonly BunitNavigationManager _navigation;
    private readonly MessageHistory _history;

    public MessageHistoryTests()
    {
        _navigation = Services.GetRequiredService<BunitNavigationManager>();
        _navigation.NavigateTo("inbox");
        _history = new MessageHistory(_navigation);
    }

    [Fact]
    public void FromTheListAMessageIsOneNewEntryAndTheNextOnesTakeItsPlace()
    {
        _history.Show("a", shown: null);
        var first = _navigation.History.First();
        _history.Show("b", shown: null); // pressed before the router arrived at "a": still a step within the message
        var second = _navigation.History.First();

        Assert.False(first.Options.ReplaceHistoryEntry);
        Assert.True(second.Options.ReplaceHistoryEntry);
        Assert.Equal(MessageHistory.OpenedFromList, first.Options.HistoryEntryState);
        Assert.Equal(MessageHistory.OpenedFromList, second.Options.HistoryEntryState);
        Assert.Equal(["message?id=b", "inbox"], _navigation.History.Select(h => h.Uri));
    }

    [Fact]
    public void TheMessageAskedForIsCurrentUntilTheRouterArrivesThere()
    {
        _history.Show("a", shown: null);
        _history.Show("b", shown: null);

        Assert.Equal("b", _history.Current(shown: null));
        Assert.False(_history.Arrive("a")); // a step on the way
        Assert.Equal("b", _history.Current(shown: "a"));
        Assert.True(_history.Arrive("b"));
        Assert.Equal("b", _history.Current(shown: "b"));
    }

    [Fact]
    public void ClosingAMessageOpenedFromTheListStepsBackToIt()
    {
        _history.Show("a", shown: null);
        _history.Arrive("a");

        Assert.True(_history.Close(shown: "a"));
        Assert.Equal("http://localhost/message?id=a", _navigation.Uri); // the caller goes back; nothing new was pushed
    }

    [Fact]
    public void ClosingAMessageReachedByALinkPutsTheListInItsPlace()
    {
        _navigation.NavigateTo("message?id=a");
        _history.Arrive("a");

        Assert.False(_history.Close(shown: "a"));
        Assert.Equal("http://localhost/inbox", _navigation.Uri);
        Assert.True(_navigation.History.First().Options.ReplaceHistoryEntry);
    }

    [Fact]
    public void WithNoMessageThereIsNothingToClose()
    {
        var entries = _navigation.History.Count;

        Assert.False(_history.Close(shown: null));
        Assert.Equal(entries, _navigation.History.Count);
    }
}
