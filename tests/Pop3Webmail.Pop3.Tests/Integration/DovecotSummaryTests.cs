using Pop3Webmail.Testing;

namespace Pop3Webmail.Pop3.Tests.Integration;

/// <summary>Mail-list summaries from pipelined TOP n 0 on the real server: charsets, attachment hint, dates, UIDs.</summary>
[Collection(DovecotCollectionDefinition.Name)]
public sealed class DovecotSummaryTests(DovecotFixture dovecot)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private MailboxBuilder Mailbox => dovecot.ReaderMailbox;

    [Theory]
    [InlineData(2, "KOI8-R encoded words (B)")]
    [InlineData(3, "windows-1251 encoded words (Q)")]
    [InlineData(4, "UTF-8 encoded words (B)")]
    [InlineData(5, "raw 8-bit windows-1251")]
    [InlineData(6, "raw 8-bit UTF-8")]
    public async Task RussianSubjectsAndSendersDecode(int messageNumber, string encoding)
    {
        var expected = DovecotFixture.Message(Mailbox, messageNumber);
        await using var client = await dovecot.LoginAsync(dovecot.Reader);

        var summary = Assert.Single(await client.GetMessageSummariesAsync([messageNumber], cancellationToken: Ct));

        Assert.True(expected.Subject == summary.Subject, $"{encoding}: expected '{expected.Subject}', decoded '{summary.Subject}'");
        Assert.Equal(expected.FromName, summary.From);
        Assert.Equal(expected.FromAddress, summary.FromAddress);
        Assert.Contains(MessageFactory.RussianPangram, summary.Subject, StringComparison.Ordinal);
        await client.QuitAsync(Ct);
    }

    [Fact]
    public async Task SummariesOfTheWholeMailboxCarryEveryField()
    {
        await using var client = await dovecot.LoginAsync(dovecot.Reader);

        var summaries = await client.GetMessageSummariesAsync(1, Mailbox.Count, cancellationToken: Ct);

        Assert.Equal(Mailbox.Count, summaries.Count);
        for (var n = 1; n <= Mailbox.Count; n++)
        {
            var expected = DovecotFixture.Message(Mailbox, n);
            var summary = summaries[n - 1];
            Assert.Equal(n, summary.MessageNumber);
            Assert.Equal(expected.Content.Length, summary.Size);
            Assert.Equal(Mailbox.ExpectedUidl(n), summary.Uid);
            Assert.Equal(expected.Subject, summary.Subject);
            Assert.Equal(expected.Date, summary.Date);
            Assert.Equal(expected.MessageId, summary.MessageId);
            Assert.Equal(expected.FromAddress, summary.FromAddress);
            Assert.Equal("Bob Example", summary.To);
        }

        await client.QuitAsync(Ct);
    }

    [Fact]
    public async Task TheMailboxListingCarriesSizesUidsAndTheNewestSummariesNewestFirst()
    {
        await using var client = await dovecot.LoginAsync(dovecot.Reader);

        var listing = await client.ListMailboxAsync(3, Ct);
        var laterPage = await client.GetMessageSummariesAsync([1, 2], cancellationToken: Ct);

        Assert.Equal(Mailbox.Count, listing.Statistics.MessageCount);
        Assert.Equal(Mailbox.Messages.Select(m => (long)m.Content.Length), listing.Sizes.Select(s => s.Size));
        Assert.Equal(Enumerable.Range(1, Mailbox.Count).Select(Mailbox.ExpectedUidl), listing.Uids!.Select(u => u.Uid));
        Assert.Equal([Mailbox.Count, Mailbox.Count - 1, Mailbox.Count - 2], listing.NewestSummaries.Select(s => s.MessageNumber));
        Assert.Equal("Last plain message", listing.NewestSummaries[0].Subject);
        Assert.Equal(Mailbox.ExpectedUidl(Mailbox.Count), listing.NewestSummaries[0].Uid);
        Assert.Equal(DovecotFixture.Message(Mailbox, 1).Subject, laterPage[0].Subject);
        await client.QuitAsync(Ct);
    }

    [Fact]
    public async Task MultipartMixedIsHintedAsHavingAttachmentsAndNothingElseIs()
    {
        await using var client = await dovecot.LoginAsync(dovecot.Reader);

        var summaries = await client.GetMessageSummariesAsync(1, Mailbox.Count, cancellationToken: Ct);

        Assert.Equal(
            Mailbox.Messages.Select(m => m.HasAttachments),
            summaries.Select(s => s.HasAttachments));
        Assert.Contains(summaries, s => s.HasAttachments);
        await client.QuitAsync(Ct);
    }

    [Fact]
    public async Task NewestFirstOrderFollowsTheDateHeaders()
    {
        await using var client = await dovecot.LoginAsync(dovecot.Reader);

        var summaries = await client.GetMessageSummariesAsync(1, Mailbox.Count, cancellationToken: Ct);
        var newestFirst = summaries.OrderByDescending(s => s.Date).Select(s => s.Subject).ToArray();

        Assert.Equal("Last plain message", newestFirst[0]);
        Assert.Equal("Welcome to Pop3Webmail", newestFirst[^1]);
        await client.QuitAsync(Ct);
    }
}
