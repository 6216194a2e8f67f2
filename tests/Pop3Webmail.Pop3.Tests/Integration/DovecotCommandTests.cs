using System.Text;
using Pop3Webmail.Testing;

namespace Pop3Webmail.Pop3.Tests.Integration;

/// <summary>RFC 1939 round trips on the shared read-only mailbox, checked against the Maildir files themselves.</summary>
[Collection(DovecotCollectionDefinition.Name)]
public sealed class DovecotCommandTests(DovecotFixture dovecot)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private MailboxBuilder Mailbox => dovecot.ReaderMailbox;

    [Fact]
    public async Task StatCountsEveryMessageWithItsCrlfSize()
    {
        await using var client = await dovecot.LoginAsync(dovecot.Reader);

        var stat = await client.StatAsync(Ct);

        Assert.Equal(Mailbox.Count, stat.MessageCount);
        Assert.Equal(Mailbox.Messages.Sum(m => (long)m.Content.Length), stat.MailboxSize);
        await client.QuitAsync(Ct);
    }

    [Fact]
    public async Task ListReportsEveryMessageSizeInOrder()
    {
        await using var client = await dovecot.LoginAsync(dovecot.Reader);

        var list = await client.ListAsync(Ct);
        var single = await client.ListAsync(3, Ct);

        Assert.Equal(Mailbox.Messages.Select((m, i) => new Pop3MessageSize(i + 1, m.Content.Length)), list);
        Assert.Equal(new Pop3MessageSize(3, Mailbox.Messages[2].Content.Length), single);
        await client.QuitAsync(Ct);
    }

    [Fact]
    public async Task UidlMatchesTheUidsAndUidValidityOfTheUidlist()
    {
        await using var client = await dovecot.LoginAsync(dovecot.Reader);

        var uids = await client.UidlAsync(Ct);
        var single = await client.UidlAsync(Mailbox.Count, Ct);

        Assert.Equal(Enumerable.Range(1, Mailbox.Count).Select(n => new Pop3MessageUid(n, Mailbox.ExpectedUidl(n))), uids);
        Assert.Equal(new Pop3MessageUid(Mailbox.Count, Mailbox.ExpectedUidl(Mailbox.Count)), single);
        await client.QuitAsync(Ct);
    }

    [Fact]
    public async Task ListOfAMessageThatDoesNotExistIsRefusedAndTheSessionGoesOn()
    {
        await using var client = await dovecot.LoginAsync(dovecot.Reader);

        var error = await Assert.ThrowsAsync<Pop3CommandException>(() => client.ListAsync(Mailbox.Count + 1, Ct));

        Assert.Equal("LIST", error.Command);
        Assert.True(client.IsAuthenticated);
        await client.NoopAsync(Ct);
        Assert.Equal(Mailbox.Count, (await client.StatAsync(Ct)).MessageCount);
        await client.QuitAsync(Ct);
    }

    [Fact]
    public async Task TopReturnsTheHeaderSectionAndTheRequestedBodyLines()
    {
        await using var client = await dovecot.LoginAsync(dovecot.Reader);
        var file = await File.ReadAllBytesAsync(dovecot.Server.MessageFiles(dovecot.Reader.Name)[0], Ct);
        var headerEnd = file.AsSpan().IndexOf("\r\n\r\n"u8) + 4;

        await using var top = await client.TopAsync(1, 2, Ct);
        var copy = new MemoryStream();
        await top.CopyToAsync(copy, Ct);

        // Body of message 1: "Hello Bob,", "", ... — two lines after the blank line that ends the headers.
        Assert.Equal(Encoding.ASCII.GetString(file, 0, headerEnd) + "Hello Bob,\r\n\r\n", Encoding.ASCII.GetString(copy.ToArray()));
        await client.QuitAsync(Ct);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)] // KOI8-R 8-bit body
    [InlineData(3)] // windows-1251 quoted-printable
    [InlineData(5)] // raw 8-bit header
    [InlineData(7)] // multipart with attachments
    [InlineData(9)] // lines starting with dots, a lone "." as the last line
    public async Task RetrieveReturnsTheStoredMessageByteForByte(int messageNumber)
    {
        await using var client = await dovecot.LoginAsync(dovecot.Reader);
        var expected = await File.ReadAllBytesAsync(dovecot.Server.MessageFiles(dovecot.Reader.Name)[messageNumber - 1], Ct);

        await using var body = await client.RetrieveAsync(messageNumber, Ct);
        var copy = new MemoryStream();
        await body.CopyToAsync(copy, Ct);

        Assert.Equal(expected, copy.ToArray());
        Assert.Equal(DovecotFixture.Message(Mailbox, messageNumber).Content, copy.ToArray());
        await client.QuitAsync(Ct);
    }

    [Fact]
    public async Task DotStuffedLinesComeBackUnstuffed()
    {
        await using var client = await dovecot.LoginAsync(dovecot.Reader);
        var message = DovecotFixture.Message(Mailbox, 9);

        await using var body = await client.RetrieveAsync(9, Ct);
        using var reader = new StreamReader(body, Encoding.ASCII);
        var text = await reader.ReadToEndAsync(Ct);

        var bodyText = text[(text.IndexOf("\r\n\r\n", StringComparison.Ordinal) + 4)..];
        Assert.Equal(message.Text.ReplaceLineEndings("\r\n") + "\r\n", bodyText);
        Assert.StartsWith(".\r\n..\r\n...three dots\r\n", bodyText, StringComparison.Ordinal);
        Assert.EndsWith("\r\n.\r\n", bodyText, StringComparison.Ordinal);
        await client.QuitAsync(Ct);
    }

    [Fact]
    public async Task PipelinedRetrieveOfEveryMessageMatchesTheFiles()
    {
        await using var client = await dovecot.LoginAsync(dovecot.Reader);
        var files = dovecot.Server.MessageFiles(dovecot.Reader.Name);
        var received = new Dictionary<int, byte[]>();

        Assert.True(client.IsPipelining);
        await client.RetrieveAsync(Enumerable.Range(1, Mailbox.Count).ToArray(), async (body, token) =>
        {
            var copy = new MemoryStream();
            await body.CopyToAsync(copy, token);
            received[body.MessageNumber] = copy.ToArray();
        }, Ct);

        Assert.Equal(Mailbox.Count, received.Count);
        for (var n = 1; n <= Mailbox.Count; n++)
        {
            Assert.Equal(await File.ReadAllBytesAsync(files[n - 1], Ct), received[n]);
        }

        await client.QuitAsync(Ct);
    }

    [Fact]
    public async Task AnUnreadBodyIsDrainedByTheNextCommand()
    {
        await using var client = await dovecot.LoginAsync(dovecot.Reader);

        var body = await client.RetrieveAsync(7, Ct);
        var firstBytes = new byte[10];
        await body.ReadExactlyAsync(firstBytes, Ct);
        var stat = await client.StatAsync(Ct);

        Assert.Equal(Mailbox.Count, stat.MessageCount);
        await Assert.ThrowsAsync<ObjectDisposedException>(async () => await body.ReadExactlyAsync(firstBytes, Ct));
        await client.QuitAsync(Ct);
    }

    [Fact]
    public async Task CapabilitiesAfterLoginAreReadInTheFirstFlightAndAdvertisePipeliningTopAndUidlButNoLoginMechanisms()
    {
        await using var client = await dovecot.LoginAsync(dovecot.Reader);

        // Dovecot announces PIPELINING before login, so the re-read (RFC 2449 §5) rides in the first listing flight.
        Assert.Contains("PLAIN", client.Capabilities.SaslMechanisms);
        await client.ListMailboxAsync(cancellationToken: Ct);
        Assert.True(client.Capabilities.Pipelining);
        Assert.True(client.Capabilities.Top);
        Assert.True(client.Capabilities.Uidl);
        Assert.True(client.Capabilities.ResponseCodes);
        Assert.Empty(client.Capabilities.SaslMechanisms);
        Assert.False(client.Capabilities.User);
        await client.QuitAsync(Ct);
    }

    [Fact]
    public async Task NoopKeepsTheSessionAndQuitEndsItPolitely()
    {
        var server = dovecot.Server;
        var user = dovecot.AddAccount(DovecotFixture.Numbered(2));
        await using var client = await dovecot.LoginAsync(user);

        await client.NoopAsync(Ct);
        await client.NoopAsync(Ct);
        await client.QuitAsync(Ct);

        Assert.False(client.IsConnected);
        Assert.Equal(Pop3SessionState.Closed, client.State);
        var session = await server.WaitForSessionAsync(s => s.User == user.Name && s.Ended, cancellationToken: Ct);
        Assert.True(session.LoggedOut);
        Assert.Equal(0, session.Deleted);
    }
}
