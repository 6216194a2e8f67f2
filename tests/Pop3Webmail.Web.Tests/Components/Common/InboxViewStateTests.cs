using Pop3Webmail.Web.Components.Common;

namespace Pop3Webmail.Web.Tests.Components.Common;

public sealed class InboxViewStateTests
{
    [Fact]
    public void UndoFindsTheMostRecentDeletionStillPending()
    {
        var view = new InboxViewState();
        view.RecentlyDeleted.Push("a");
        view.RecentlyDeleted.Push("b");
        view.RecentlyDeleted.Push("c");
        var pending = new HashSet<string>(StringComparer.Ordinal) { "a", "b" }; // "c" was undone by other means

        Assert.Equal("b", view.PopPendingDeletion(pending));
        Assert.Equal("a", view.PopPendingDeletion(pending));
        Assert.Null(view.PopPendingDeletion(pending));
    }
}
