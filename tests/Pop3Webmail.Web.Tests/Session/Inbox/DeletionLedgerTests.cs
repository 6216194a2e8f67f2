using Pop3Webmail.Web.Session.Inbox;
using static Pop3Webmail.Web.Tests.Session.Inbox.InboxIndexTests;

namespace Pop3Webmail.Web.Tests.Session.Inbox;

public sealed class DeletionLedgerTests
{
    [Fact]
    public void MarkUnmarkAndClearKeepOneEntryPerKey()
    {
        var ledger = new DeletionLedger();

        Assert.True(ledger.Mark("u:a", new MessageIdentity("a", null, 1)));
        Assert.False(ledger.Mark("u:a", new MessageIdentity("a", null, 1)));
        Assert.True(ledger.Mark("u:b", new MessageIdentity("b", null, 1)));
        Assert.True(ledger.Unmark("u:a"));
        Assert.False(ledger.Unmark("u:a"));

        Assert.Equal(["u:b"], ledger.Keys);
        ledger.Clear();
        Assert.Equal(0, ledger.Count);
    }

    [Fact]
    public void APendingDeletionWhoseUidlIsStillListedIsProvenOnceItsHeadersAreReadAgain()
    {
        var (ledger, index) = MarkedThenRelisted(
            Sizes((1, 10), (2, 20)), Uids((1, "a"), (2, "b")), "u:b",
            Sizes((1, 20), (2, 30)), Uids((1, "b"), (2, "c")));
        var unread = ledger.PlanReplay(index);
        index.Verify([Summary(1, 20, "S2")]);

        var plan = ledger.PlanReplay(index);

        Assert.Empty(unread.Proven);

        Assert.Equal([1], plan.Proven.Select(p => p.Message.Number));
        Assert.Empty(plan.ToVerify);
        Assert.Empty(plan.Gone);
        Assert.Empty(plan.Unprovable);
    }

    [Fact]
    public void APendingDeletionWhoseUidlIsGoneFromAFullyUniqueListingWasDeletedElsewhere()
    {
        var (ledger, index) = MarkedThenRelisted(
            Sizes((1, 10), (2, 20)), Uids((1, "a"), (2, "b")), "u:b",
            Sizes((1, 10)), Uids((1, "a")));

        var plan = ledger.PlanReplay(index);

        Assert.Equal(["u:b"], plan.Gone.Select(g => g.Key));
    }

    [Fact]
    public void AUidlNowNamingAMessageOfAnotherSizeProvesNothing()
    {
        var (ledger, index) = MarkedThenRelisted(
            Sizes((1, 10), (2, 20)), Uids((1, "a"), (2, "b")), "u:b",
            Sizes((1, 10), (2, 21)), Uids((1, "a"), (2, "b")));

        var plan = ledger.PlanReplay(index);

        Assert.Empty(plan.Proven);
        Assert.Equal(["u:b"], plan.Gone.Concat(plan.Unprovable).Concat(plan.ToVerify.Select(v => v.Deletion)).Select(e => e.Key));
    }

    [Fact]
    public void WithoutUidlADeletionIsLookedForAmongMessagesOfTheSameSize()
    {
        var (ledger, index) = MarkedThenRelisted(
            Sizes((1, 10), (2, 20), (3, 30)), null, "n1:2",
            Sizes((1, 20), (2, 20), (3, 30)), null);

        var plan = ledger.PlanReplay(index);

        var verify = Assert.Single(plan.ToVerify);
        Assert.Equal([2, 1], verify.Candidates);
    }

    [Fact]
    public void WithoutUidlAndWithoutItsHeadersADeletionCannotBeProven()
    {
        var index = new InboxIndex();
        index.Apply(Sizes((1, 10)), uids: null);
        var ledger = new DeletionLedger();
        ledger.Mark("n1:1", index.IdentityOf(index.Messages[0]));
        index.Apply(Sizes((1, 10)), uids: null);

        var plan = ledger.PlanReplay(index);

        Assert.Equal(["n1:1"], plan.Unprovable.Select(u => u.Key));
    }

    [Fact]
    public void ExactlyOneMatchingFingerprintProvesTheMessage()
    {
        var (ledger, index) = MarkedThenRelisted(Sizes((1, 10), (2, 20)), null, "n1:2", Sizes((1, 20), (2, 20)), null);
        var plan = ledger.PlanReplay(index);

        var outcome = DeletionLedger.Settle(plan.ToVerify, new Dictionary<int, string>
        {
            [1] = Fingerprint(1, 20, "Other"),
            [2] = Fingerprint(2, 20, "S2"),
        }, index);

        var (deletion, message) = Assert.Single(outcome.Proven);
        Assert.Equal("n1:2", deletion.Key);
        Assert.Equal(2, message.Number);
        Assert.Empty(outcome.Unprovable);
    }

    [Fact]
    public void MoreIdenticalCopiesThanDeletionsAreAmbiguousSoAllAreDropped()
    {
        var (ledger, index) = MarkedThenRelisted(Sizes((1, 10), (2, 20)), null, "n1:2", Sizes((1, 20), (2, 20)), null);
        var plan = ledger.PlanReplay(index);

        var outcome = DeletionLedger.Settle(plan.ToVerify, new Dictionary<int, string>
        {
            [1] = Fingerprint(1, 20, "S2"),
            [2] = Fingerprint(2, 20, "S2"),
        }, index);

        Assert.Empty(outcome.Proven);
        Assert.Equal(["n1:2"], outcome.Unprovable.Select(u => u.Key));
    }

    [Fact]
    public void NoMatchingFingerprintMeansTheMessageIsGone()
    {
        var (ledger, index) = MarkedThenRelisted(Sizes((1, 10), (2, 20)), null, "n1:2", Sizes((1, 20)), null);
        var plan = ledger.PlanReplay(index);

        var outcome = DeletionLedger.Settle(plan.ToVerify, new Dictionary<int, string> { [1] = Fingerprint(1, 20, "Other") }, index);

        Assert.Equal(["n1:2"], outcome.Gone.Select(g => g.Key));
    }

    [Fact]
    public void ADeletionKeyedByNumberWhileItsUidlWasRepeatedIsProvenUnderItsUidlKeyOnceItIsUniqueAgain()
    {
        // Marked under its unique UIDL; the next listing repeats that UIDL, so the message is keyed by number there and
        // proven by its headers (the replay rekeys it); in the listing after that the UIDL is unique again.
        var (ledger, index) = MarkedThenRelisted(
            Sizes((1, 10), (2, 20)), Uids((1, "a"), (2, "b")), "u:b",
            Sizes((1, 20), (2, 20)), Uids((1, "b"), (2, "b")));
        var byNumber = index.Messages.Single(m => m.Number == 1).Key;
        ledger.Rekey("u:b", byNumber);
        index.Apply(Sizes((1, 20), (2, 30)), Uids((1, "b"), (2, "c")));
        index.Verify([Summary(1, 20, "S2")]);

        var plan = ledger.PlanReplay(index);

        var (deletion, message) = Assert.Single(plan.Proven);
        Assert.Equal(byNumber, deletion.Key);
        Assert.Equal("u:b", message.Key);
    }

    [Fact]
    public void RekeyMovesAPendingDeletionToTheKeyOfTheNewListing()
    {
        var ledger = new DeletionLedger();
        ledger.Mark("n1:2", new MessageIdentity(null, "F", 20));

        ledger.Rekey("n1:2", "n2:5");

        Assert.Equal(["n2:5"], ledger.Keys);
        Assert.Equal("n2:5", ledger.Entries.Single().Key);
    }

    private static string Fingerprint(int number, long size, string subject) => MessageIdentity.FingerprintOf(Summary(number, size, subject));

    /// <summary>Lists, reads every summary (subjects "S" + number), marks <paramref name="key"/>, then lists again.</summary>
    private static (DeletionLedger Ledger, InboxIndex Index) MarkedThenRelisted(
        Pop3Webmail.Pop3.Pop3MessageSize[] firstSizes, Pop3Webmail.Pop3.Pop3MessageUid[]? firstUids, string key,
        Pop3Webmail.Pop3.Pop3MessageSize[] secondSizes, Pop3Webmail.Pop3.Pop3MessageUid[]? secondUids)
    {
        var index = new InboxIndex();
        index.Apply(firstSizes, firstUids);
        index.AddSummaries(firstSizes.Select(s => Summary(s.MessageNumber, s.Size, "S" + s.MessageNumber)));
        var ledger = new DeletionLedger();
        Assert.True(ledger.Mark(key, index.IdentityOf(index.Find(key)!)));
        index.Apply(secondSizes, secondUids);
        return (ledger, index);
    }
}
