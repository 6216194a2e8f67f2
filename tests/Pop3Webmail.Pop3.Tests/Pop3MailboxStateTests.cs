namespace Pop3Webmail.Pop3.Tests;

public sealed class Pop3MailboxStateTests
{
    [Fact]
    public void TheMaildropSizeAddsThisSessionsDeletionsBackToStat()
    {
        // RFC 1939 §5: STAT does not count messages marked deleted, but they keep their numbers.
        var state = new Pop3MailboxState();
        state.MarkDeleted(2);
        state.MarkDeleted(5);

        state.RecordStatistics(new Pop3Statistics(8, 800));

        Assert.Equal(10, state.MaildropSize);
        Assert.Equal([10, 9, 8], state.Newest(3));
        Assert.Equal([10, 9, 8, 7, 6, 4, 3, 1], state.Newest(50));
    }

    [Fact]
    public void ResetUndoesTheDeletionsForTheNextStat()
    {
        var state = new Pop3MailboxState();
        state.MarkDeleted(1);
        state.ResetDeletions();

        state.RecordStatistics(new Pop3Statistics(4, 400));

        Assert.Equal(4, state.MaildropSize);
        Assert.Equal([4, 3, 2, 1], state.Newest(10));
    }

    [Fact]
    public void NoNewestMessagesBeforeStat()
    {
        Assert.Empty(new Pop3MailboxState().Newest(50));
    }

    [Fact]
    public void AMessageMayExceedItsListSizeByDoublingPlusOneMebibyteWithinMaxMessageSize()
    {
        var options = new Pop3ClientOptions { MaxMessageSize = 10 * 1024 * 1024 };
        var state = new Pop3MailboxState { Sizes = new Dictionary<int, long> { [1] = 1000, [2] = 8 * 1024 * 1024 } };

        Assert.Equal(new Pop3DataLimit(2000 + (1024 * 1024), Pop3Limit.MessageSize, 1), state.MessageLimit(options, 1));
        Assert.Equal(new Pop3DataLimit(10 * 1024 * 1024, Pop3Limit.MessageSize, 2), state.MessageLimit(options, 2));
        Assert.Equal(new Pop3DataLimit(10 * 1024 * 1024, Pop3Limit.MessageSize, 3), state.MessageLimit(options, 3));
        Assert.Equal(1000, state.ClaimedSize(1));
        Assert.Equal(0, state.ClaimedSize(3));
    }

    [Theory]
    [InlineData(null, false, false, true)]
    [InlineData("TOP", false, false, false)]
    [InlineData("UIDL", false, false, true)]
    [InlineData("TOP", true, false, true)]
    [InlineData("UIDL", false, true, false)]
    public void UidlIsAskedWhenCapaListsItIsMissingOrNotYetReread(string? capability, bool stale, bool refused, bool expected)
    {
        var state = new Pop3MailboxState
        {
            Capabilities = capability is null ? Pop3Capabilities.Empty : Pop3Capabilities.Parse([capability]),
            CapabilitiesStale = stale,
            UidlRefused = refused,
        };

        Assert.Equal(expected, state.UidlWorthAsking);
    }

    [Fact]
    public void TopIsKnownToWorkFromCapaOrFromAnAnswer()
    {
        var state = new Pop3MailboxState();
        Assert.False(state.TopKnownToWork);
        state.TopSupported = true;
        Assert.True(state.TopKnownToWork);
        Assert.True(new Pop3MailboxState { Capabilities = Pop3Capabilities.Parse(["TOP"]) }.TopKnownToWork);
    }

    [Fact]
    public void ResetForgetsEverythingOfTheLastConnection()
    {
        var state = new Pop3MailboxState
        {
            Capabilities = Pop3Capabilities.Parse(["TOP"]),
            CapabilitiesStale = true,
            ApopTimestamp = "<1@x>",
            TopSupported = false,
            Sizes = [],
            Uids = [],
            UidlRefused = true,
        };
        state.MarkDeleted(1);
        state.RecordStatistics(new Pop3Statistics(3, 3));

        state.Reset();

        Assert.False(state.Capabilities.IsSupported);
        Assert.False(state.CapabilitiesStale);
        Assert.Null(state.ApopTimestamp);
        Assert.Null(state.TopSupported);
        Assert.Null(state.MaildropSize);
        Assert.Null(state.Sizes);
        Assert.Null(state.Uids);
        Assert.False(state.UidlRefused);
        state.RecordStatistics(new Pop3Statistics(3, 3));
        Assert.Equal(3, state.MaildropSize);
    }
}
