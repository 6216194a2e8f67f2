using Pop3Webmail.Testing;

namespace Pop3Webmail.Pop3.Tests.Integration;

/// <summary>
/// DELE, RSET and QUIT (RFC 1939 §5, §6): deletions are only marks until QUIT commits them. Each test owns a fresh
/// account, and proves what happened from the server's side (its log and the Maildir), not just from the replies.
/// </summary>
[Collection(DovecotCollectionDefinition.Name)]
public sealed class DovecotDeletionTests(DovecotFixture dovecot)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task DeleteThenQuitRemovesTheMessageForTheNextSession()
    {
        var server = dovecot.Server;
        var mailbox = DovecotFixture.Numbered(3);
        var user = dovecot.AddAccount(mailbox);
        await using (var client = await dovecot.LoginAsync(user))
        {
            await client.DeleteAsync(2, Ct);
            Assert.Equal(2, (await client.StatAsync(Ct)).MessageCount);
            await client.QuitAsync(Ct);
        }

        var session = await server.WaitForSessionAsync(s => s.User == user.Name && s.Ended, cancellationToken: Ct);
        Assert.True(session.LoggedOut);
        Assert.Equal(1, session.Deleted);
        Assert.Equal(2, server.CountMessageFiles(user.Name));

        await using var next = await dovecot.LoginAsync(user);
        Assert.Equal(
            [new Pop3MessageUid(1, mailbox.ExpectedUidl(1)), new Pop3MessageUid(2, mailbox.ExpectedUidl(3))],
            await next.UidlAsync(Ct));
        await next.QuitAsync(Ct);
    }

    [Fact]
    public async Task DeletedMessageIsRefusedForTheRestOfTheSession()
    {
        var user = dovecot.AddAccount(DovecotFixture.Numbered(2));
        await using var client = await dovecot.LoginAsync(user);

        await client.DeleteAsync(1, Ct);
        var retrieve = await Assert.ThrowsAsync<Pop3CommandException>(() => client.RetrieveAsync(1, Ct));
        var again = await Assert.ThrowsAsync<Pop3CommandException>(() => client.DeleteAsync(1, Ct));

        Assert.Equal("RETR", retrieve.Command);
        Assert.Equal("DELE", again.Command);
        Assert.Equal([new Pop3MessageSize(2, DovecotFixture.Numbered(2).Messages[1].Content.Length)], await client.ListAsync(Ct));
        await client.QuitAsync(Ct);
    }

    [Fact]
    public async Task ResetRestoresEveryMessageMarkedDeleted()
    {
        var server = dovecot.Server;
        var user = dovecot.AddAccount(DovecotFixture.Numbered(4));
        await using (var client = await dovecot.LoginAsync(user))
        {
            await client.DeleteAsync([1, 3], Ct);
            Assert.Equal(2, (await client.StatAsync(Ct)).MessageCount);

            await client.ResetAsync(Ct);

            Assert.Equal(4, (await client.StatAsync(Ct)).MessageCount);
            await client.QuitAsync(Ct);
        }

        var session = await server.WaitForSessionAsync(s => s.User == user.Name && s.Ended, cancellationToken: Ct);
        Assert.True(session.LoggedOut);
        Assert.Equal(0, session.Deleted);
        Assert.Equal(4, server.CountMessageFiles(user.Name));
    }

    [Fact]
    public async Task DisposingWithoutQuitDropsTheConnectionAndKeepsTheMessages()
    {
        var server = dovecot.Server;
        var user = dovecot.AddAccount(DovecotFixture.Numbered(2));
        var client = await dovecot.LoginAsync(user);
        await client.DeleteAsync(1, Ct);

        await client.DisposeAsync();

        // Disposal says nothing, so the server sees a dropped connection and commits nothing.
        var session = await server.WaitForSessionAsync(s => s.User == user.Name && s.Ended, cancellationToken: Ct);
        Assert.False(session.LoggedOut);
        Assert.Equal(0, session.Deleted);
        Assert.Equal(2, server.CountMessageFiles(user.Name));
    }

    [Fact]
    public async Task BulkDeleteIsPipelinedAndCommittedByQuit()
    {
        const int total = 600;
        const int deleted = 500;
        var server = dovecot.Server;
        var mailbox = DovecotFixture.Numbered(total);
        var user = dovecot.AddAccount(mailbox);
        var transport = await CountingStream.ConnectAsync(server.TlsPort, Ct);
        await using (var client = new Pop3Client(dovecot.TlsOptions()))
        {
            await client.ConnectAsync(transport, server.Host, Ct);
            await client.AuthenticateAsync(user.Name, user.Password, Ct);
            var writesBefore = transport.Writes;

            await client.DeleteAsync(Enumerable.Range(1, deleted).ToArray(), Ct);

            // Without pipelining that is one write per DELE; with it, whole windows of commands share a write.
            var writes = transport.Writes - writesBefore;
            TestContext.Current.TestOutputHelper?.WriteLine($"{deleted} DELE commands took {writes} writes.");
            Assert.InRange(writes, 1, deleted / 8);
            Assert.Equal(total - deleted, (await client.StatAsync(Ct)).MessageCount);
            await client.QuitAsync(Ct);
        }

        var session = await server.WaitForSessionAsync(s => s.User == user.Name && s.Ended, cancellationToken: Ct);
        Assert.True(session.LoggedOut);
        Assert.Equal(deleted, session.Deleted);
        Assert.Equal(total - deleted, server.CountMessageFiles(user.Name));

        await using var next = await dovecot.LoginAsync(user);
        var uids = await next.UidlAsync(Ct);
        Assert.Equal(mailbox.ExpectedUidl(deleted + 1), uids[0].Uid);
        Assert.Equal(total - deleted, uids.Count);
        await next.QuitAsync(Ct);
    }

    [Fact]
    public async Task BulkDeleteReportsTheFirstRefusalAfterReadingEveryReply()
    {
        var user = dovecot.AddAccount(DovecotFixture.Numbered(3));
        await using var client = await dovecot.LoginAsync(user);
        await client.DeleteAsync(2, Ct);

        var error = await Assert.ThrowsAsync<Pop3CommandException>(() => client.DeleteAsync([1, 2, 3], Ct));

        Assert.Equal("DELE", error.Command);
        // Still in step: the replies to 1 and 3 were read and applied.
        Assert.Equal(0, (await client.StatAsync(Ct)).MessageCount);
        await client.ResetAsync(Ct);
        Assert.Equal(3, (await client.StatAsync(Ct)).MessageCount);
        await client.QuitAsync(Ct);
    }
}
