using System.Data.Common;
using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Pop3Webmail.Pop3;
using Pop3Webmail.Web.Configuration;
using Pop3Webmail.Web.MailboxState;

namespace Pop3Webmail.Web.Tests.MailboxState;

/// <summary>
/// The store's behaviour, run once per engine (<see cref="SqliteMailboxStateDatabaseTests"/>,
/// <see cref="PostgreSqlMailboxStateDatabaseTests"/>): every test gets storage of its own, and inspects or tampers with
/// the tables through a raw connection of the engine.
/// </summary>
public abstract class MailboxStateStoreTests : IAsyncLifetime
{
    protected const string ServerId = "mail.example.org:995";
    protected const string User = "bob.tester";
    protected const string Password = "correct horse battery staple";

    /// <summary>The validator's minimum: about 20 ms per derivation here, so the suite stays quick.</summary>
    protected const int Iterations = 100_000;

    private readonly List<MailboxStateStore> _stores = [];

    protected FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 3, 2, 9, 0, 0, TimeSpan.Zero));

    protected static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>Where this test's store lives (skips or fails the test when the engine is not available).</summary>
    protected abstract MailStateOptions Storage { get; }

    public virtual ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public virtual async ValueTask DisposeAsync()
    {
        foreach (var store in _stores)
        {
            await store.DisposeAsync();
        }

        GC.SuppressFinalize(this);
    }

    [Fact]
    public async Task FirstVisitHasNoPreviousVisitAndNoMessages()
    {
        await using var memory = await OpenAsync(CreateStore());

        Assert.Null(memory.PreviousVisit);
        Assert.Empty(memory.Messages);
    }

    [Fact]
    public async Task RememberedMessagesComeBackWithEveryFieldOnTheNextVisit()
    {
        var store = CreateStore();
        var full = SampleMessages.Numbered(1) with { Importance = Pop3MessageImportance.High, HasAttachments = true, Read = true, Subject = "Отчёт за квартал 📎" };
        var sparse = SampleMessages.Numbered(2) with { Date = null, MessageId = null, From = "", FromAddress = "", To = "" };
        await using (var first = await OpenAsync(store))
        {
            await first.RememberAsync([full, sparse], Ct);
        }

        await using var next = await OpenAsync(store);

        Assert.Equal(2, next.Messages.Count);
        Assert.Equal(full, next.Messages[full.Uid]);
        Assert.Equal(full.Date!.Value.Offset, next.Messages[full.Uid].Date!.Value.Offset);
        Assert.Equal(sparse, next.Messages[sparse.Uid]);
    }

    [Fact]
    public async Task PreviousVisitIsWhenTheLastVisitWasRecorded()
    {
        var store = CreateStore();
        var visit = Time.GetUtcNow();
        await using (var first = await OpenAsync(store))
        {
            await first.RecordVisitAsync(Ct);
        }

        Time.Advance(TimeSpan.FromHours(5));
        await using var next = await OpenAsync(store);

        Assert.Equal(visit, next.PreviousVisit);
    }

    [Fact]
    public async Task ReadFlagSetDuringAVisitIsKeptForTheNext()
    {
        var store = CreateStore();
        await using (var first = await OpenAsync(store))
        {
            await first.RememberAsync(SampleMessages.Range(3), Ct);
            await first.SetReadAsync(SampleMessages.Numbered(2).Uid, true, Ct);
        }

        await using (var second = await OpenAsync(store))
        {
            Assert.Equal([false, true, false], second.Messages.Values.OrderBy(m => m.Uid, StringComparer.Ordinal).Select(m => m.Read));
            await second.SetReadAsync(SampleMessages.Numbered(2).Uid, false, Ct);
        }

        await using var third = await OpenAsync(store);
        Assert.All(third.Messages.Values, m => Assert.False(m.Read));
    }

    [Fact]
    public async Task SetReadOfAUidThatIsNotRememberedChangesNothing()
    {
        var store = CreateStore();
        await using (var first = await OpenAsync(store))
        {
            await first.RememberAsync(SampleMessages.Range(1), Ct);
            await first.SetReadAsync("unknown-uidl", true, Ct);
        }

        await using var next = await OpenAsync(store);
        Assert.Equal([SampleMessages.Numbered(1).Uid], next.Messages.Keys);
        Assert.Equal(1, await CountAsync("p3w_message"));
    }

    [Fact]
    public async Task ForgottenMessagesAreGoneOnTheNextVisit()
    {
        var store = CreateStore();
        await using (var first = await OpenAsync(store))
        {
            await first.RememberAsync(SampleMessages.Range(4), Ct);
            await first.ForgetAsync([SampleMessages.Numbered(1).Uid, SampleMessages.Numbered(3).Uid, "never-remembered"], Ct);
        }

        await using var next = await OpenAsync(store);
        Assert.Equal([SampleMessages.Numbered(2).Uid, SampleMessages.Numbered(4).Uid], next.Messages.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(2, await CountAsync("p3w_message"));
    }

    [Fact]
    public async Task RememberingAUidAgainReplacesItsRow()
    {
        var store = CreateStore();
        var changed = SampleMessages.Numbered(1) with { Size = 4242, Subject = "Edited on the server" };
        await using (var first = await OpenAsync(store))
        {
            await first.RememberAsync(SampleMessages.Range(2), Ct);
            await first.RememberAsync([changed], Ct);
        }

        await using var next = await OpenAsync(store);
        Assert.Equal(changed, next.Messages[changed.Uid]);
        Assert.Equal(2, await CountAsync("p3w_message"));
    }

    [Fact]
    public async Task AnotherPasswordCannotReadTheRowsSoTheMailboxStartsAfresh()
    {
        var store = CreateStore();
        await using (var first = await OpenAsync(store))
        {
            await first.RememberAsync(SampleMessages.Range(5), Ct);
            await first.RecordVisitAsync(Ct);
        }

        await using (var changed = await OpenAsync(store, password: "a new password"))
        {
            Assert.Empty(changed.Messages);
            Assert.Null(changed.PreviousVisit);
            Assert.Equal(0, await CountAsync("p3w_message"));
        }

        // The old password's rows were dropped, not kept aside: going back to it finds nothing either.
        await using var old = await OpenAsync(store);
        Assert.Empty(old.Messages);
        Assert.Equal(1, await CountAsync("p3w_mailbox"));
    }

    [Fact]
    public async Task MailboxesOfOtherUsersAndOtherServersAreKeptApart()
    {
        var store = CreateStore();
        (string Server, string User, int Message)[] mailboxes = [(ServerId, User, 1), (ServerId, "Bob.Tester", 2), ("other.example.org:995", User, 3)];
        foreach (var (server, user, message) in mailboxes)
        {
            await using var memory = await OpenAsync(store, user: user, server: server);
            await memory.RememberAsync([SampleMessages.Numbered(message)], Ct);
        }

        foreach (var (server, user, message) in mailboxes)
        {
            await using var memory = await OpenAsync(store, user: user, server: server);
            Assert.Equal([SampleMessages.Numbered(message).Uid], memory.Messages.Keys);
        }
    }

    [Fact]
    public async Task AUserNameInAnotherUnicodeNormalFormIsTheSameMailbox()
    {
        var store = CreateStore();
        await using (var composed = await OpenAsync(store, user: "jos\u00e9"))
        {
            await composed.RememberAsync(SampleMessages.Range(1), Ct);
        }

        await using var decomposed = await OpenAsync(store, user: "jose\u0301");
        Assert.Single(decomposed.Messages);
    }

    [Fact]
    public async Task TurnedOffStoreOpensNothingAndWritesNothing()
    {
        var store = CreateStore(remember: false);

        Assert.Null(await store.OpenAsync(ServerId, User, Password, Ct));
        Assert.Equal(0, await store.PurgeExpiredAsync(Ct));
        await AssertNothingStoredAsync();
    }

    [Fact]
    public async Task HostileFieldsAreCutToTheirLimitsBeforeStoring()
    {
        var store = CreateStore();
        var huge = new string('x', 1_000_000);
        var hostile = SampleMessages.Numbered(1) with { From = huge, FromAddress = huge, To = huge, Subject = huge, MessageId = huge };
        await using (var first = await OpenAsync(store))
        {
            await first.RememberAsync([hostile], Ct);
        }

        await using var next = await OpenAsync(store);
        var stored = next.Messages[hostile.Uid];
        Assert.Equal(RememberedMessageLimits.FromLength, stored.From.Length);
        Assert.Equal(RememberedMessageLimits.AddressLength, stored.FromAddress.Length);
        Assert.Equal(RememberedMessageLimits.ToLength, stored.To.Length);
        Assert.Equal(RememberedMessageLimits.SubjectLength, stored.Subject.Length);
        Assert.Equal(RememberedMessageLimits.MessageIdLength, stored.MessageId!.Length);
        Assert.True(await LargestPayloadAsync() < 2_000, "a row stays small whatever the server sent");
    }

    [Fact]
    public async Task MessagesWithAnInvalidUidOrSizeAreNotStored()
    {
        var store = CreateStore();
        var valid = SampleMessages.Numbered(1);
        await using (var first = await OpenAsync(store))
        {
            await first.RememberAsync(
            [
                valid,
                valid with { Uid = "" },
                valid with { Uid = new string('u', RememberedMessageLimits.UidLength + 1) },
                valid with { Uid = "has space" },
                valid with { Uid = "ünicode" },
                valid with { Uid = "negative-size", Size = -1 },
            ], Ct);
        }

        await using var next = await OpenAsync(store);
        Assert.Equal([valid.Uid], next.Messages.Keys);
    }

    [Theory]
    [InlineData("flipped byte")]
    [InlineData("truncated")]
    [InlineData("empty")]
    public async Task ATamperedRowReadsAsAbsentAndIsDropped(string damage)
    {
        var store = CreateStore();
        await using (var first = await OpenAsync(store))
        {
            await first.RememberAsync(SampleMessages.Range(3), Ct);
        }

        var (rowId, payload) = (await ReadRowsAsync())[0];
        byte[] damaged = damage switch
        {
            "flipped byte" => [.. payload[..20], (byte)(payload[20] ^ 0x01), .. payload[21..]],
            "truncated" => payload[..10],
            _ => [],
        };
        await ExecuteAsync("UPDATE p3w_message SET payload = @payload WHERE row_id = @row", ("@payload", damaged), ("@row", rowId));

        await using var next = await OpenAsync(store);
        Assert.Equal(2, next.Messages.Count);
        Assert.Equal(2, await CountAsync("p3w_message"));
    }

    [Fact]
    public async Task RowsSwappedBetweenTwoUidsDoNotOpen()
    {
        var store = CreateStore();
        await using (var first = await OpenAsync(store))
        {
            await first.RememberAsync(SampleMessages.Range(3), Ct);
        }

        var rows = await ReadRowsAsync();
        await ExecuteAsync("UPDATE p3w_message SET payload = @payload WHERE row_id = @row", ("@payload", rows[1].Payload), ("@row", rows[0].RowId));
        await ExecuteAsync("UPDATE p3w_message SET payload = @payload WHERE row_id = @row", ("@payload", rows[0].Payload), ("@row", rows[1].RowId));

        await using var next = await OpenAsync(store);
        Assert.Single(next.Messages);
    }

    [Fact]
    public async Task ATamperedKeyCheckStartsTheMailboxAfresh()
    {
        var store = CreateStore();
        await using (var first = await OpenAsync(store))
        {
            await first.RememberAsync(SampleMessages.Range(3), Ct);
        }

        await ExecuteAsync("UPDATE p3w_mailbox SET key_check = @check", ("@check", new byte[32]));

        await using var next = await OpenAsync(store);
        Assert.Empty(next.Messages);
        Assert.Equal(0, await CountAsync("p3w_message"));
    }

    [Fact]
    public async Task AChangedIterationCountRebuildsTheMailbox()
    {
        await using (var first = await OpenAsync(CreateStore()))
        {
            await first.RememberAsync(SampleMessages.Range(3), Ct);
        }

        await using var next = await OpenAsync(CreateStore(iterations: Iterations + 1));
        Assert.Empty(next.Messages);
    }

    [Fact]
    public async Task PurgeDeletesMailboxesNotOpenedWithinTheRetention()
    {
        var store = CreateStore(retentionDays: 7);
        await using (var stale = await OpenAsync(store, user: "stale"))
        {
            await stale.RememberAsync(SampleMessages.Range(2), Ct);
        }

        Time.Advance(TimeSpan.FromDays(5));
        await using (var recent = await OpenAsync(store, user: "recent"))
        {
            await recent.RememberAsync(SampleMessages.Range(3), Ct);
        }

        Time.Advance(TimeSpan.FromDays(3));

        Assert.Equal(1, await store.PurgeExpiredAsync(Ct));
        Assert.Equal(1, await CountAsync("p3w_mailbox"));
        Assert.Equal(3, await CountAsync("p3w_message"));
        await using var kept = await OpenAsync(store, user: "recent");
        Assert.Equal(3, kept.Messages.Count);
    }

    [Fact]
    public async Task ZeroRetentionDaysKeepsEveryMailbox()
    {
        var store = CreateStore(retentionDays: 0);
        await using (var memory = await OpenAsync(store))
        {
            await memory.RememberAsync(SampleMessages.Range(1), Ct);
        }

        Time.Advance(TimeSpan.FromDays(3650));

        Assert.Equal(0, await store.PurgeExpiredAsync(Ct));
        Assert.Equal(1, await CountAsync("p3w_mailbox"));
    }

    [Fact]
    public async Task ADatabaseOfAnOlderSchemaIsUpgradedAndKeepsItsRows()
    {
        var older = CreateStore(schemaVersion: 1);
        await using (var memory = await OpenAsync(older))
        {
            await memory.RememberAsync(SampleMessages.Range(3), Ct);
            await memory.RecordVisitAsync(Ct);
        }

        await older.DisposeAsync();
        Assert.Equal([1L], await SchemaVersionsAsync());

        await using var upgraded = await OpenAsync(CreateStore());
        Assert.Equal([1L, 2L], await SchemaVersionsAsync());
        Assert.Equal(3, upgraded.Messages.Count);
        Assert.NotNull(upgraded.PreviousVisit);
    }

    [Fact]
    public async Task ADatabaseOfANewerReleaseIsRefusedAsUnavailable()
    {
        await using (await OpenAsync(CreateStore()))
        {
        }

        await ExecuteAsync("INSERT INTO p3w_schema_version (version, applied_at) VALUES (99, 0)");

        var refused = await Assert.ThrowsAsync<MailboxStateUnavailableException>(() => CreateStore().OpenAsync(ServerId, User, Password, Ct));
        Assert.Contains("99", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnUnreachableDatabaseMakesOpenThrowUnavailable()
    {
        var store = CreateStore(storage: UnreachableStorage());

        await Assert.ThrowsAsync<MailboxStateUnavailableException>(() => store.OpenAsync(ServerId, User, Password, Ct));
    }

    [Fact]
    public async Task TwoMailboxesCanBeWrittenAtTheSameTime()
    {
        var store = CreateStore();
        await using var first = await OpenAsync(store, user: "first");
        await using var second = await OpenAsync(store, user: "second");

        static async Task WriteAsync(IMailboxMemory memory, int offset)
        {
            for (var batch = 0; batch < 10; batch++)
            {
                var messages = Enumerable.Range(offset + (batch * 50), 50).Select(n => SampleMessages.Numbered(n)).ToList();
                await memory.RememberAsync(messages, Ct);
                await memory.SetReadAsync(messages[0].Uid, true, Ct);
            }
        }

        await Task.WhenAll(Task.Run(() => WriteAsync(first, 0), Ct), Task.Run(() => WriteAsync(second, 1000), Ct));

        await using var firstAgain = await OpenAsync(store, user: "first");
        await using var secondAgain = await OpenAsync(store, user: "second");
        Assert.Equal(500, firstAgain.Messages.Count);
        Assert.Equal(500, secondAgain.Messages.Count);
        Assert.All(firstAgain.Messages.Keys, uid => Assert.False(secondAgain.Messages.ContainsKey(uid)));
        Assert.Equal(10, firstAgain.Messages.Values.Count(m => m.Read));
        Assert.Equal(10, secondAgain.Messages.Values.Count(m => m.Read));
    }

    [Fact]
    public async Task ConcurrentFirstOpensOfOneMailboxShareOneMailbox()
    {
        var stores = new[] { CreateStore(), CreateStore(), CreateStore() };

        var memories = await Task.WhenAll(stores.Select(s => Task.Run(() => OpenAsync(s), Ct)));
        for (var i = 0; i < memories.Length; i++)
        {
            await memories[i].RememberAsync([SampleMessages.Numbered(i)], Ct);
            await memories[i].DisposeAsync();
        }

        Assert.Equal(1, await CountAsync("p3w_mailbox"));
        await using var next = await OpenAsync(stores[0]);
        Assert.Equal(3, next.Messages.Count);
    }

    [Fact]
    public async Task AVisitWhoseMailboxWasRebuiltMeanwhileWritesNothing()
    {
        var store = CreateStore();
        await using var stale = await OpenAsync(store);
        await using (await OpenAsync(store, password: "changed elsewhere"))
        {
        }

        await stale.RememberAsync(SampleMessages.Range(3), Ct);
        await stale.RecordVisitAsync(Ct);

        Assert.Equal(0, await CountAsync("p3w_message"));
        await using var current = await OpenAsync(store, password: "changed elsewhere");
        Assert.Empty(current.Messages);
        Assert.Null(current.PreviousVisit);
    }

    [Fact]
    public async Task TheTablesHoldNoServerUserSubjectSenderOrUidInTheClear()
    {
        var store = CreateStore();
        var message = SampleMessages.Numbered(7);
        await using (var memory = await OpenAsync(store))
        {
            await memory.RememberAsync([message], Ct);
            await memory.SetReadAsync(message.Uid, true, Ct);
            await memory.RecordVisitAsync(Ct);
        }

        var stored = await ReadEveryValueAsync();
        foreach (var secret in new[] { ServerId, User, Password, message.Uid, message.Subject, message.From, message.FromAddress, message.To, message.MessageId! })
        {
            Assert.True(stored.AsSpan().IndexOf(Encoding.UTF8.GetBytes(secret)) < 0, $"'{secret}' is stored in the clear");
        }
    }

    [Fact]
    public async Task AMemoryRefusesUseAfterDisposal()
    {
        var memory = await OpenAsync(CreateStore());
        await memory.DisposeAsync();

        await Assert.ThrowsAsync<ObjectDisposedException>(() => memory.RememberAsync(SampleMessages.Range(1), Ct));
        await Assert.ThrowsAsync<ObjectDisposedException>(() => memory.RecordVisitAsync(Ct));
    }

    [Fact]
    public async Task AVisitThatOutlivesItsStoreFailsAsUnavailable()
    {
        var store = CreateStore();
        await using var memory = await OpenAsync(store);
        await store.DisposeAsync();

        await Assert.ThrowsAsync<MailboxStateUnavailableException>(() => memory.RememberAsync(SampleMessages.Range(1), Ct));
    }

    /// <summary>Storage that cannot be reached (a folder that cannot be created, a port nobody listens on).</summary>
    protected abstract MailStateOptions UnreachableStorage();

    /// <summary>Asserts that a turned-off store left no trace (no folder, no tables).</summary>
    protected abstract Task AssertNothingStoredAsync();

    /// <summary>An open connection to this test's database, outside the store.</summary>
    protected abstract Task<DbConnection> OpenRawConnectionAsync();

    protected MailboxStateStore CreateStore(
        bool remember = true, int iterations = Iterations, int retentionDays = 90, int? schemaVersion = null, MailStateOptions? storage = null)
    {
        var where = storage ?? Storage;
        var options = new MailOptions
        {
            RememberMailbox = remember,
            State = new MailStateOptions
            {
                Provider = where.Provider,
                DataDirectory = where.DataDirectory,
                ConnectionString = where.ConnectionString,
                InstallationSecret = where.InstallationSecret,
                Timeout = where.Timeout,
                RetentionDays = retentionDays,
                KeyDerivationIterations = iterations,
            },
        };
        var store = new MailboxStateStore(Options.Create(options), Time, NullLogger<MailboxStateStore>.Instance, schemaVersion ?? MailboxStateSchema.LatestVersion);
        _stores.Add(store);
        return store;
    }

    protected static async Task<IMailboxMemory> OpenAsync(MailboxStateStore store, string password = Password, string user = User, string server = ServerId) =>
        await store.OpenAsync(server, user, password, Ct) ?? throw new InvalidOperationException("The store is turned off.");

    protected async Task<long> CountAsync(string table)
    {
        await using var connection = await OpenRawConnectionAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT COUNT(*) FROM {table}";
        return Convert.ToInt64(await command.ExecuteScalarAsync(Ct), System.Globalization.CultureInfo.InvariantCulture);
    }

    protected async Task ExecuteAsync(string sql, params (string Name, object Value)[] parameters)
    {
        await using var connection = await OpenRawConnectionAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = name;
            parameter.Value = value;
            command.Parameters.Add(parameter);
        }

        await command.ExecuteNonQueryAsync(Ct);
    }

    private async Task<List<(byte[] RowId, byte[] Payload)>> ReadRowsAsync()
    {
        var rows = new List<(byte[], byte[])>();
        await using var connection = await OpenRawConnectionAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT row_id, payload FROM p3w_message ORDER BY row_id";
        await using var reader = await command.ExecuteReaderAsync(Ct);
        while (await reader.ReadAsync(Ct))
        {
            rows.Add((reader.GetFieldValue<byte[]>(0), reader.GetFieldValue<byte[]>(1)));
        }

        return rows;
    }

    private async Task<int> LargestPayloadAsync() => (await ReadRowsAsync()).Max(r => r.Payload.Length);

    private async Task<List<long>> SchemaVersionsAsync()
    {
        var versions = new List<long>();
        await using var connection = await OpenRawConnectionAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT version FROM p3w_schema_version ORDER BY version";
        await using var reader = await command.ExecuteReaderAsync(Ct);
        while (await reader.ReadAsync(Ct))
        {
            versions.Add(Convert.ToInt64(reader.GetValue(0), System.Globalization.CultureInfo.InvariantCulture));
        }

        return versions;
    }

    /// <summary>Every value of every row of the store's tables, as bytes (text as UTF-8), one after another.</summary>
    private async Task<byte[]> ReadEveryValueAsync()
    {
        using var all = new MemoryStream();
        await using var connection = await OpenRawConnectionAsync();
        foreach (var table in new[] { "p3w_mailbox", "p3w_message", "p3w_schema_version" })
        {
            await using var command = connection.CreateCommand();
            command.CommandText = $"SELECT * FROM {table}";
            await using var reader = await command.ExecuteReaderAsync(Ct);
            while (await reader.ReadAsync(Ct))
            {
                for (var i = 0; i < reader.FieldCount; i++)
                {
                    var bytes = reader.GetValue(i) switch
                    {
                        byte[] blob => blob,
                        DBNull => [],
                        var other => Encoding.UTF8.GetBytes(Convert.ToString(other, System.Globalization.CultureInfo.InvariantCulture) ?? string.Empty),
                    };
                    all.Write(bytes);
                }
            }
        }

        return all.ToArray();
    }
}
