using Pop3Webmail.DemoServer.Tests.TestSupport;

namespace Pop3Webmail.DemoServer.Tests;

public sealed class DemoMailboxTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("pop3webmail-demo-").FullName;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void FromDirectoryReadsTheEmlFilesInNameOrder()
    {
        File.WriteAllText(Path.Combine(_directory, "b.eml"), "Subject: b\n\nB\n");
        File.WriteAllText(Path.Combine(_directory, "a.eml"), "Subject: a\n\nA\n");
        File.WriteAllText(Path.Combine(_directory, "notes.txt"), "not mail");

        var mailbox = DemoMailbox.FromDirectory(_directory);

        Assert.Equal(["a.eml", "b.eml"], mailbox.Messages.Select(static m => m.Name));
        Assert.Equal("Subject: a\r\n\r\nA\r\n"u8.ToArray(), mailbox.Messages[0].Content.ToArray());
        Assert.Equal(mailbox.Messages.Sum(static m => m.Size), mailbox.Size);
    }

    [Fact]
    public void TheShippedFolderServedFromDiskEqualsTheEmbeddedSample()
    {
        var fromDisk = DemoMailbox.FromDirectory(SampleFiles.DirectoryPath);

        foreach (var message in fromDisk.Messages)
        {
            var embedded = DemoMailbox.Sample.Messages.Single(m => m.Name == message.Name);
            Assert.Equal(embedded.Uid, message.Uid);
            Assert.Equal(embedded.Content.ToArray(), message.Content.ToArray());
        }
    }

    [Fact]
    public async Task ServingAFolderNeverChangesItsFiles()
    {
        var path = Path.Combine(_directory, "1.eml");
        await File.WriteAllTextAsync(path, "Subject: keep me\n\nbody\n", Ct);
        await using var server = DemoPop3Server.Start(new DemoPop3ServerOptions
        {
            Accounts = [new DemoPop3Account("u", "p", DemoMailbox.FromDirectory(_directory))],
        });

        await using (var client = await DemoClient.LoginAsync(server, "u", "p"))
        {
            await client.DeleteAsync(1, Ct);
            await client.QuitAsync(Ct);
        }

        Assert.Empty(server.GetMessages("u"));
        Assert.Equal("Subject: keep me\n\nbody\n", await File.ReadAllTextAsync(path, Ct));
    }

    [Fact]
    public void MailboxRefusesTwoMessagesWithTheSameUid()
    {
        var message = DemoMessage.Create("1.eml", "Subject: x\r\n\r\n"u8);

        Assert.Throws<ArgumentException>(() => new DemoMailbox([message, DemoMessage.Create("1.eml", "Subject: x\n\n"u8)]));
    }
}
