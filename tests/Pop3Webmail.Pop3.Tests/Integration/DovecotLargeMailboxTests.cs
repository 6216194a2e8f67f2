using System.Security.Cryptography;
using Pop3Webmail.Testing;

namespace Pop3Webmail.Pop3.Tests.Integration;

/// <summary>Scale on the real server: a 10k-message listing must be pipelined, a 20 MB message must stream.</summary>
[Collection(DovecotCollectionDefinition.Name)]
public sealed class DovecotLargeMailboxTests(DovecotFixture dovecot)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task TenThousandSummariesArePipelinedAndReportProgress()
    {
        var server = dovecot.Server;
        var transport = await CountingStream.ConnectAsync(server.TlsPort, Ct);
        await using var client = new Pop3Client(dovecot.TlsOptions());
        await client.ConnectAsync(transport, server.Host, Ct);
        await client.AuthenticateAsync(dovecot.Bulk.Name, dovecot.Bulk.Password, Ct);
        var progress = new ProgressRecorder();
        var writesBefore = transport.Writes;

        var summaries = await client.GetMessageSummariesAsync(1, DovecotFixture.BulkCount, progress, Ct);

        Assert.Equal(DovecotFixture.BulkCount, summaries.Count);
        Assert.Equal(Enumerable.Range(1, DovecotFixture.BulkCount), summaries.Select(s => s.MessageNumber));
        Assert.Equal(MessageFactory.NumberedSubject(1), summaries[0].Subject);
        Assert.Equal(MessageFactory.NumberedSubject(DovecotFixture.BulkCount), summaries[^1].Subject);
        var newestFirst = summaries.OrderByDescending(s => s.Date).ToArray();
        Assert.Equal(MessageFactory.NumberedSubject(DovecotFixture.BulkCount), newestFirst[0].Subject);
        Assert.Equal(MessageFactory.NumberedSubject(1), newestFirst[^1].Subject);
        Assert.All(summaries, s => Assert.NotNull(s.Uid));

        // 10k TOP commands (+ LIST and UIDL) one per round trip would be over 10k writes; pipelined they share writes.
        Assert.True(client.IsPipelining);
        var writes = transport.Writes - writesBefore;
        TestContext.Current.TestOutputHelper?.WriteLine($"10k summaries: {writes} writes, {progress.Reports.Count} progress reports.");
        Assert.InRange(writes, 1, DovecotFixture.BulkCount / 8);

        Assert.NotEmpty(progress.Reports);
        Assert.Equal(new Pop3Progress(DovecotFixture.BulkCount, DovecotFixture.BulkCount), progress.Reports[^1]);
        Assert.All(progress.Reports, p => Assert.Equal(DovecotFixture.BulkCount, p.Total));
        Assert.True(progress.Reports.Count >= 20, $"Only {progress.Reports.Count} progress reports for 10k messages.");
        Assert.Equal(progress.Reports.Select(p => p.Completed).Order(), progress.Reports.Select(p => p.Completed));
        await client.QuitAsync(Ct);
    }

    [Fact]
    public async Task TheMailboxOfTenThousandOpensInOneFlightWithTheNewestPageWrittenRightAfterStat()
    {
        var server = dovecot.Server;
        var transport = await CountingStream.ConnectAsync(server.TlsPort, Ct);
        await using var client = new Pop3Client(dovecot.TlsOptions());
        await client.ConnectAsync(transport, server.Host, Ct);
        await client.AuthenticateAsync(dovecot.Bulk.Name, dovecot.Bulk.Password, Ct);
        var writesBefore = transport.Writes;

        var listing = await client.ListMailboxAsync(50, Ct);

        // One write for CAPA, STAT, LIST and UIDL, one for the 50 TOP commands queued once STAT had answered.
        Assert.Equal(2, transport.Writes - writesBefore);
        Assert.Equal(DovecotFixture.BulkCount, listing.Statistics.MessageCount);
        Assert.Equal(DovecotFixture.BulkCount, listing.Sizes.Count);
        Assert.Equal(DovecotFixture.BulkCount, listing.Uids!.Count);
        Assert.Equal(Enumerable.Range(DovecotFixture.BulkCount - 49, 50).Reverse(), listing.NewestSummaries.Select(s => s.MessageNumber));
        Assert.Equal(MessageFactory.NumberedSubject(DovecotFixture.BulkCount), listing.NewestSummaries[0].Subject);
        Assert.False(client.Capabilities.User); // The post-login capabilities came with the flight.
        await client.QuitAsync(Ct);
    }

    [Fact]
    public async Task TwentyMegabyteMessageStreamsToAFileWithoutBeingBuffered()
    {
        var server = dovecot.Server;
        var stored = server.MessageFiles(dovecot.Large.Name)[0];
        var target = Path.Combine(Path.GetTempPath(), $"p3w-large-{Guid.NewGuid():N}.eml");
        try
        {
            await using var client = await dovecot.LoginAsync(dovecot.Large);
            // Warm up the code paths (JIT, pools, TLS buffers) on the small message first.
            await using (var small = await client.RetrieveAsync(2, Ct))
            {
                await small.CopyToAsync(Stream.Null, Ct);
            }

            long allocated;
            await using (var file = new FileStream(target, FileMode.CreateNew, FileAccess.Write, FileShare.None, 64 * 1024, useAsync: true))
            {
                var before = GC.GetTotalAllocatedBytes(precise: true);
                await using (var body = await client.RetrieveAsync(1, Ct))
                {
                    await body.CopyToAsync(file, Ct);
                }

                allocated = GC.GetTotalAllocatedBytes(precise: true) - before;
            }

            await client.QuitAsync(Ct);

            Assert.Equal(new FileInfo(stored).Length, new FileInfo(target).Length);
            Assert.True(new FileInfo(target).Length > DovecotFixture.LargeMessageSize * 9L / 10);
            Assert.Equal(await HashAsync(stored), await HashAsync(target));
            TestContext.Current.TestOutputHelper?.WriteLine($"RETR of {new FileInfo(target).Length} octets allocated {allocated} bytes.");
            // Streaming means the allocations are a few buffers, not a copy of the 20 MB message.
            Assert.True(allocated < 4 * 1024 * 1024, $"Retrieving the 20 MB message allocated {allocated / 1024} KiB of managed memory.");
        }
        finally
        {
            File.Delete(target);
        }
    }

    private static async Task<string> HashAsync(string path)
    {
        await using var stream = File.OpenRead(path);
        return Convert.ToHexString(await SHA256.HashDataAsync(stream, Ct));
    }
}
