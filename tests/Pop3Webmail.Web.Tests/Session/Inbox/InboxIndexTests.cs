using Pop3Webmail.Pop3;
using Pop3Webmail.Web.Session.Inbox;

namespace Pop3Webmail.Web.Tests.Session.Inbox;

public sealed class InboxIndexTests
{
    [Fact]
    public void UniqueUidlsKeyMessagesAndTheListIsNewestFirst()
    {
        var index = new InboxIndex();

        index.Apply(Sizes((1, 100), (2, 200), (3, 300)), Uids((1, "a"), (2, "b"), (3, "c")));

        Assert.Equal(["u:c", "u:b", "u:a"], index.Messages.Select(m => m.Key));
        Assert.Equal(3, index.Find("u:c")!.Number);
        Assert.Equal("c", index.Find("u:c")!.Uid);
    }

    [Fact]
    public void ARepeatedUidlProvesNeitherMessageSoBothAreKeyedByNumberOfThisListing()
    {
        var index = new InboxIndex();

        index.Apply(Sizes((1, 100), (2, 200), (3, 300)), Uids((1, "same"), (2, "same"), (3, "c")));

        Assert.Equal(["u:c", "n1:2", "n1:1"], index.Messages.Select(m => m.Key));
        Assert.Null(index.Find("n1:2")!.Uid);
        Assert.Null(index.Find("u:same"));
    }

    [Fact]
    public void WithoutUidlNumberKeysStopResolvingAfterTheNextListing()
    {
        var index = new InboxIndex();
        index.Apply(Sizes((1, 100), (2, 200)), uids: null);
        var before = index.Messages[0].Key;

        index.Apply(Sizes((1, 100), (2, 200)), uids: null);

        Assert.Equal("n1:2", before);
        Assert.Null(index.Find(before));
        Assert.Equal("n2:2", index.Messages[0].Key);
    }

    [Fact]
    public void SummariesFollowTheirUidlToTheNewNumberAfterAReconnect()
    {
        var index = new InboxIndex();
        index.Apply(Sizes((1, 100), (2, 200)), Uids((1, "a"), (2, "b")));
        index.AddSummaries([Summary(2, 200, "Budget")]);

        var change = index.Apply(Sizes((1, 200), (2, 50)), Uids((1, "b"), (2, "new")));

        Assert.Equal(new ListingChange(Added: 1, Removed: 1), change);
        Assert.Equal(1, index.Summary("u:b")!.MessageNumber);
        Assert.Equal("Budget", index.Summary("u:b")!.Subject);
        Assert.False(index.IsVerified("u:b"));
    }

    [Fact]
    public void ASummaryWhoseUidlNowHasAnotherSizeIsDropped()
    {
        var index = new InboxIndex();
        index.Apply(Sizes((1, 100)), Uids((1, "a")));
        index.AddSummaries([Summary(1, 100, "Old")]);

        index.Apply(Sizes((1, 101)), Uids((1, "a")));

        Assert.Null(index.Summary("u:a"));
    }

    [Fact]
    public void ReadingACarriedOverSummaryAgainAndFindingTheSameMessageVerifiesIt()
    {
        var index = Reconnected(out _);

        var reused = index.Verify([Summary(1, 100, "Hello")]);

        Assert.False(reused);
        Assert.True(index.IsVerified("u:a"));
        Assert.Equal("u:a", index.Messages.Single().Key);
    }

    [Fact]
    public void AUidlReusedForAnotherMessageDistrustsEveryUidlAndKeysByNumberFromThenOn()
    {
        var index = Reconnected(out var oldKey);

        var reused = index.Verify([Summary(1, 100, "Another message")]);
        index.Apply(Sizes((1, 100)), Uids((1, "a")));

        Assert.True(reused);
        Assert.Null(index.Find(oldKey));
        Assert.StartsWith("n", index.Messages.Single().Key, StringComparison.Ordinal);
        Assert.Null(index.Messages.Single().Uid);
    }

    [Fact]
    public void CarriedOverListsTheNewestPageAndThePendingOnesNotYetVerified()
    {
        var index = new InboxIndex();
        index.Apply(Sizes((1, 10), (2, 20), (3, 30)), Uids((1, "a"), (2, "b"), (3, "c")));
        index.AddSummaries([Summary(1, 10, "A"), Summary(2, 20, "B"), Summary(3, 30, "C")]);
        index.Apply(Sizes((1, 10), (2, 20), (3, 30)), Uids((1, "a"), (2, "b"), (3, "c")));

        var carried = index.CarriedOver(newest: 1, alsoKeys: ["u:a"]);

        Assert.Equal(["u:c", "u:a"], carried.Select(m => m.Key));
    }

    [Fact]
    public void NextToLoadSkipsLoadedUnavailableAndSkippedMessages()
    {
        var index = new InboxIndex();
        index.Apply(Sizes((1, 10), (2, 20), (3, 30), (4, 40)), Uids((1, "a"), (2, "b"), (3, "c"), (4, "d")));
        index.AddSummaries([Summary(4, 40, "D")]);
        index.MarkUnavailable("u:c");

        var next = index.NextToLoad(10, key => key == "u:b");

        Assert.Equal(["u:a"], next.Select(m => m.Key));
        Assert.Equal(2, index.Loaded);
    }

    [Fact]
    public void AnIdentityCarriesTheUidlAndOnceReadTheFingerprint()
    {
        var index = new InboxIndex();
        index.Apply(Sizes((1, 10)), Uids((1, "a")));
        var before = index.IdentityOf(index.Messages[0]);
        index.AddSummaries([Summary(1, 10, "A")]);

        var after = index.IdentityOf(index.Messages[0]);

        Assert.Equal(new MessageIdentity("a", null, 10), before);
        Assert.Equal("a", after.Uid);
        Assert.Equal(MessageIdentity.FingerprintOf(Summary(1, 10, "A")), after.Fingerprint);
    }

    [Fact]
    public void FingerprintsDifferByAnyHeaderOrTheSizeButNotByTheMessageNumber()
    {
        var summary = Summary(1, 10, "A");

        Assert.Equal(MessageIdentity.FingerprintOf(summary), MessageIdentity.FingerprintOf(summary with { MessageNumber = 7 }));
        Assert.NotEqual(MessageIdentity.FingerprintOf(summary), MessageIdentity.FingerprintOf(summary with { Size = 11 }));
        Assert.NotEqual(MessageIdentity.FingerprintOf(summary), MessageIdentity.FingerprintOf(summary with { MessageId = "<other@x>" }));
        Assert.NotEqual(MessageIdentity.FingerprintOf(summary), MessageIdentity.FingerprintOf(summary with { Subject = "B" }));
    }

    internal static Pop3MessageSize[] Sizes(params (int Number, long Size)[] entries) =>
        [.. entries.Select(e => new Pop3MessageSize(e.Number, e.Size))];

    internal static Pop3MessageUid[] Uids(params (int Number, string Uid)[] entries) =>
        [.. entries.Select(e => new Pop3MessageUid(e.Number, e.Uid))];

    internal static Pop3MessageSummary Summary(int number, long size, string subject) => new()
    {
        MessageNumber = number,
        Size = size,
        Subject = subject,
        From = "Alice",
        FromAddress = "alice@example.test",
        MessageId = "<" + subject + "@example.test>",
        Date = new DateTimeOffset(2026, 3, 2, 9, 0, 0, TimeSpan.Zero),
    };

    private static InboxIndex Reconnected(out string key)
    {
        var index = new InboxIndex();
        index.Apply(Sizes((1, 100)), Uids((1, "a")));
        index.AddSummaries([Summary(1, 100, "Hello")]);
        key = index.Messages.Single().Key;
        index.Apply(Sizes((1, 100)), Uids((1, "a")));
        return index;
    }
}
