using System.Text;

namespace Pop3Webmail.Pop3.Tests;

public sealed class Pop3ListingsTests
{
    [Theory]
    [InlineData("1 120", 1, 120L)]
    [InlineData("3 200 extra info", 3, 200L)]
    [InlineData("  7   0", 7, 0L)]
    [InlineData("2147483647 1099511627776", int.MaxValue, 1L << 40)]
    public void AScanListingIsNumberAndSize(string line, int number, long size)
    {
        Assert.True(Pop3Listings.TryParseScanListing(Encoding.ASCII.GetBytes(line).AsSpan(), out var parsedNumber, out var parsedSize));
        Assert.Equal((number, size), (parsedNumber, parsedSize));
        Assert.True(Pop3Listings.TryParseScanListing(line.AsSpan(), out parsedNumber, out parsedSize));
        Assert.Equal((number, size), (parsedNumber, parsedSize));
    }

    [Theory]
    [InlineData("")]
    [InlineData("1")]
    [InlineData("0 100")]
    [InlineData("-1 100")]
    [InlineData("+1 100")]
    [InlineData("1 -100")]
    [InlineData("1 1099511627777")]
    [InlineData("2147483648 1")]
    [InlineData("x 1")]
    [InlineData("1 1e3")]
    [InlineData("١ ١٢")]
    public void AnythingElseIsNotAScanListing(string line)
    {
        Assert.False(Pop3Listings.TryParseScanListing(Encoding.UTF8.GetBytes(line).AsSpan(), out _, out _));
    }

    [Theory]
    [InlineData("1 whqtswO00WBw418f9t5JxYwZ", 1, "whqtswO00WBw418f9t5JxYwZ")]
    [InlineData("2 has inner spaces ", 2, "has inner spaces")]
    public void AUidListingIsNumberAndTheRestOfTheLine(string text, int number, string uid)
    {
        Assert.True(Pop3Listings.TryParseUidListing(text, out var parsedNumber, out var parsedUid));
        Assert.Equal((number, uid), (parsedNumber, parsedUid));
    }

    [Theory]
    [InlineData("1")]
    [InlineData("0 uid")]
    [InlineData("uid 1")]
    public void AUidListingNeedsAPositiveNumberAndAUid(string text)
    {
        Assert.False(Pop3Listings.TryParseUidListing(text, out _, out _));
    }

    [Theory]
    [InlineData("2 320", 2, 320L)]
    [InlineData("2 -5 octets", 2, 0L)]
    public void StatisticsAreCountAndSizeWithANegativeSizeAsZero(string text, int count, long size)
    {
        Assert.True(Pop3Listings.TryParseStatistics(text, out var statistics));
        Assert.Equal(new Pop3Statistics(count, size), statistics);
    }

    [Fact]
    public void AListingMayUseItsPerLineAllowanceAndABase()
    {
        Assert.Equal(new Pop3DataLimit((100 * 128) + (64 * 1024), Pop3Limit.ReplyBytes), Pop3Listings.ListingLimit(100));
        Assert.Equal(256L * (8192 + 2), Pop3Listings.TextReplyLimit(new Pop3ClientOptions()).MaxBytes);
    }
}
