using Pop3Webmail.Testing.Circuits;

namespace Pop3Webmail.EndToEnd.Tests.Load.Circuits;

public sealed class SessionHistoryTests
{
    private static readonly Uri App = new("http://127.0.0.1:5000/");

    [Fact]
    public void BackFromAMessageOpenedFromTheListIsAPopstateToTheListWithItsState()
    {
        var history = new SessionHistory();
        Load(history, "login", HistoryChange.Push);
        history.SaveState(At("inbox"), state: null, replace: true);
        history.SaveState(At("message?id=a"), "opened-from-list", replace: false);
        history.SaveState(At("message?id=b"), "opened-from-list", replace: true);

        var back = history.Back();

        Assert.Equal(new HistoryTraversal(new HistoryEntry(At("inbox"), null, 1), SameDocument: true), back);
        Assert.Equal(At("inbox"), history.Location);
        Assert.Null(history.Back()); // the login page was replaced by the list
    }

    [Fact]
    public void BackToAnEntryOfAnEarlierPageLoadNeedsThatPageLoadedAgain()
    {
        var history = new SessionHistory();
        Load(history, "inbox", HistoryChange.Push);
        history.SaveState(At("message?id=a"), "opened-from-list", replace: false);
        Load(history, "login", HistoryChange.Push);

        var back = history.Back();
        Load(history, "message?id=a", HistoryChange.Traverse);

        Assert.Equal(new HistoryTraversal(new HistoryEntry(At("message?id=a"), "opened-from-list", 1), SameDocument: false), back);
        Assert.False(history.Back()!.SameDocument); // the inbox entry belongs to the first page load, which is gone
    }

    [Fact]
    public void APageLoadIsRememberedWhereItsRedirectsLeftIt()
    {
        var history = new SessionHistory();
        history.BeginLoad(At("inbox"), HistoryChange.Push);

        history.Arrived(At("login?returnUrl=%2Finbox"));

        Assert.Equal(At("login?returnUrl=%2Finbox"), history.Location);
    }

    [Fact]
    public void ANavigationAfterBackDropsTheEntriesThatWereAhead()
    {
        var history = new SessionHistory();
        Load(history, "inbox", HistoryChange.Push);
        history.SaveState(At("message?id=a"), null, replace: false);
        history.SaveState(At("message?id=b"), null, replace: false);
        _ = history.Back();

        history.SaveState(At("message?id=c"), null, replace: false);

        Assert.Equal(At("message?id=c"), history.Location);
        Assert.Equal(At("message?id=a"), history.Back()!.Entry.Location);
        Assert.Equal(At("inbox"), history.Back()!.Entry.Location);
    }

    private static void Load(SessionHistory history, string path, HistoryChange change)
    {
        history.BeginLoad(At(path), change);
        history.Arrived(At(path));
    }

    private static Uri At(string path) => new(App, path);
}
