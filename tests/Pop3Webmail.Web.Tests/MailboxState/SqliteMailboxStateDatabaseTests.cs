using System.Data.Common;
using System.Runtime.Versioning;
using System.Text;
using Microsoft.Data.Sqlite;
using Pop3Webmail.Web.Configuration;
using Pop3Webmail.Web.MailboxState;

namespace Pop3Webmail.Web.Tests.MailboxState;

/// <summary>The store on its embedded engine: the shared suite, plus what only a file on this machine can show.</summary>
public sealed class SqliteMailboxStateDatabaseTests : MailboxStateStoreTests
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "p3w-state-tests-" + Guid.NewGuid().ToString("N")[..10]);

    private string DataDirectory => Path.Combine(_root, "state");

    private string DatabasePath => Path.Combine(DataDirectory, MailboxStateFiles.DatabaseFileName);

    protected override MailStateOptions Storage => new() { Provider = MailStateProvider.Sqlite, DataDirectory = DataDirectory };

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    [Fact]
    public async Task TheDatabaseFileAndItsWriteAheadLogHoldNoNameSubjectSenderOrUid()
    {
        var store = CreateStore();
        var message = SampleMessages.Numbered(11) with { Subject = "Merger with Initech: confidential", From = "Peter Gibbons", FromAddress = "peter@initech.example" };
        var needles = new[] { ServerId, User, Password, message.Uid, message.Subject, message.From, message.FromAddress, message.To, message.MessageId! };
        await using (var memory = await OpenAsync(store))
        {
            await memory.RememberAsync([message, .. SampleMessages.Range(50)], Ct);
            await memory.SetReadAsync(message.Uid, true, Ct);
            await memory.RecordVisitAsync(Ct);

            // While the store is open the latest pages sit in the WAL, so both files are searched now and after the checkpoint.
            Assert.True(File.Exists(DatabasePath + "-wal"), "the store runs in WAL mode and has written to the log");
            AssertFilesHoldNone(needles);
        }

        await store.DisposeAsync();
        AssertFilesHoldNone(needles);
    }

    [Fact]
    [UnsupportedOSPlatform("windows")]
    public async Task TheDataFolderAndEveryFileInItAreOwnerOnly()
    {
        await using (var memory = await OpenAsync(CreateStore()))
        {
            await memory.RememberAsync(SampleMessages.Range(3), Ct);
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(DataDirectory));
            var files = Directory.GetFiles(DataDirectory);
            Assert.Contains(Path.Combine(DataDirectory, MailboxStateFiles.SecretFileName), files);
            Assert.Contains(DatabasePath + "-wal", files);
            Assert.All(files, f => Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(f)));
        }
    }

    [Fact]
    public async Task TheDatabaseIsInWriteAheadLogMode()
    {
        await using (await OpenAsync(CreateStore()))
        {
        }

        await using var connection = await OpenRawConnectionAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode";
        Assert.Equal("wal", await command.ExecuteScalarAsync(Ct));
    }

    [Fact]
    public async Task AConfiguredInstallationSecretIsUsedAndNoSecretFileIsWritten()
    {
        var secret = Convert.ToBase64String(Enumerable.Range(1, 32).Select(i => (byte)i).ToArray());
        var configured = new MailStateOptions { DataDirectory = DataDirectory, InstallationSecret = secret };
        await using (var memory = await OpenAsync(CreateStore(storage: configured)))
        {
            await memory.RememberAsync(SampleMessages.Range(2), Ct);
        }

        Assert.False(File.Exists(Path.Combine(DataDirectory, MailboxStateFiles.SecretFileName)));
        await using var again = await OpenAsync(CreateStore(storage: configured));
        Assert.Equal(2, again.Messages.Count);
    }

    [Fact]
    public async Task ALostInstallationSecretLeavesEveryMailboxStartingAfresh()
    {
        await using (var memory = await OpenAsync(CreateStore()))
        {
            await memory.RememberAsync(SampleMessages.Range(2), Ct);
        }

        File.Delete(Path.Combine(DataDirectory, MailboxStateFiles.SecretFileName));

        await using var after = await OpenAsync(CreateStore());
        Assert.Empty(after.Messages);
        Assert.Equal(2, await CountAsync("p3w_mailbox"));
    }

    [Fact]
    public async Task AStoreThatFailedRestsBeforeTryingAgain()
    {
        Directory.CreateDirectory(_root);
        await File.WriteAllTextAsync(DataDirectory, "a file where the data folder should be", Ct);
        var store = CreateStore();
        await Assert.ThrowsAsync<MailboxStateUnavailableException>(() => store.OpenAsync(ServerId, User, Password, Ct));
        File.Delete(DataDirectory);

        var resting = await Assert.ThrowsAsync<MailboxStateUnavailableException>(() => store.OpenAsync(ServerId, User, Password, Ct));
        Assert.Null(resting.InnerException);
        Assert.False(Directory.Exists(DataDirectory), "a resting store does not touch the disk");

        Time.Advance(MailboxStateGuard.RetryAfterFailure);
        await using var memory = await OpenAsync(store);
        Assert.Empty(memory.Messages);
    }

    [Fact]
    public async Task ADatabaseFileThatIsNotSqliteMakesTheStoreUnavailable()
    {
        Directory.CreateDirectory(DataDirectory);
        await File.WriteAllBytesAsync(DatabasePath, Encoding.ASCII.GetBytes(new string('#', 8192)), Ct);

        var error = await Assert.ThrowsAsync<MailboxStateUnavailableException>(() => CreateStore().OpenAsync(ServerId, User, Password, Ct));

        Assert.IsType<SqliteException>(error.InnerException);
    }

    protected override MailStateOptions UnreachableStorage()
    {
        Directory.CreateDirectory(_root);
        var blocker = Path.Combine(_root, "not-a-folder");
        File.WriteAllText(blocker, "a file where a folder is needed");
        return new MailStateOptions { DataDirectory = Path.Combine(blocker, "state") };
    }

    protected override Task AssertNothingStoredAsync()
    {
        Assert.False(Directory.Exists(DataDirectory), "a turned-off store creates no data folder");
        return Task.CompletedTask;
    }

    protected override async Task<DbConnection> OpenRawConnectionAsync()
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = DatabasePath, Mode = SqliteOpenMode.ReadWrite, Pooling = false }.ToString());
        await connection.OpenAsync(Ct);
        return connection;
    }

    private void AssertFilesHoldNone(string[] needles)
    {
        foreach (var file in Directory.GetFiles(DataDirectory, MailboxStateFiles.DatabaseFileName + "*"))
        {
            var bytes = File.ReadAllBytes(file);
            foreach (var needle in needles)
            {
                Assert.True(bytes.AsSpan().IndexOf(Encoding.UTF8.GetBytes(needle)) < 0, $"'{needle}' is in {Path.GetFileName(file)} in the clear");
                Assert.True(bytes.AsSpan().IndexOf(Encoding.Unicode.GetBytes(needle)) < 0, $"'{needle}' is in {Path.GetFileName(file)} as UTF-16");
            }
        }
    }
}
