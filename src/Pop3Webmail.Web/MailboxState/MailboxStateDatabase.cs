using System.Data.Common;

namespace Pop3Webmail.Web.MailboxState;

/// <summary>A mailbox row as stored: everything needed to derive and check its key, and its visit time.</summary>
internal sealed record StoredMailbox(long Id, byte[] Salt, int Iterations, byte[] KeyCheck, long? LastVisit);

/// <summary>A message row as stored: the keyed hash of its UIDL and its encrypted payload.</summary>
internal sealed record StoredRow(byte[] RowId, byte[] Payload);

/// <summary>
/// The store's tables through ADO.NET, the same statements on both engines; the subclasses supply connections,
/// write locks, DDL and bulk row writes. Knows nothing of keys or plaintext: it moves opaque bytes. Times are Unix
/// milliseconds. Database errors surface as <see cref="DbException"/> (the store turns them into unavailability).
/// </summary>
internal abstract class MailboxStateDatabase : IAsyncDisposable
{
    private volatile bool _disposed;

    /// <summary>The engine's name for messages and logs.</summary>
    public abstract string EngineName { get; }

    /// <summary>Selects the mailbox row and holds it against deletion until the write transaction ends.</summary>
    protected abstract string LockMailboxSql { get; }

    /// <summary>
    /// Brings the schema to <paramref name="targetVersion"/> (normally <see cref="MailboxStateSchema.LatestVersion"/>), in
    /// one transaction that other processes wait for; <paramref name="now"/> is recorded with each step. A database of a
    /// newer release is refused with <see cref="MailboxStateUnavailableException"/>.
    /// </summary>
    public async Task MigrateAsync(int targetVersion, long now, CancellationToken cancellationToken)
    {
        await using var connection = await ConnectAsync(cancellationToken);
        await PrepareDatabaseAsync(connection, cancellationToken);
        await using var transaction = await BeginWriteAsync(connection, cancellationToken);
        await LockSchemaAsync(connection, transaction, cancellationToken);
        await ExecuteAsync(connection, transaction, $"CREATE TABLE IF NOT EXISTS {MailboxStateSchema.VersionTable} (version integer PRIMARY KEY, applied_at bigint NOT NULL)", cancellationToken);
        var current = await ReadVersionAsync(connection, transaction, cancellationToken);
        if (current > MailboxStateSchema.LatestVersion)
        {
            throw new MailboxStateUnavailableException(
                $"The {EngineName} mailbox state database has schema version {current}, newer than this release knows ({MailboxStateSchema.LatestVersion}).");
        }

        foreach (var migration in MailboxStateSchema.Migrations.Where(m => m.Version > current && m.Version <= targetVersion))
        {
            await ExecuteAsync(connection, transaction, MigrationSql(migration), cancellationToken);
            await ExecuteAsync(connection, transaction, $"INSERT INTO {MailboxStateSchema.VersionTable} (version, applied_at) VALUES (@version, @now)", cancellationToken,
                ("@version", migration.Version), ("@now", now));
        }

        await transaction.CommitAsync(cancellationToken);
    }

    public async Task<StoredMailbox?> FindMailboxAsync(byte[] tag, CancellationToken cancellationToken)
    {
        await using var connection = await ConnectAsync(cancellationToken);
        await using var command = CreateCommand(connection, null, "SELECT id, salt, iterations, key_check, last_visit FROM p3w_mailbox WHERE tag = @tag", ("@tag", tag));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return null;
        }

        return new StoredMailbox(
            reader.GetInt64(0),
            reader.GetFieldValue<byte[]>(1),
            reader.GetInt32(2),
            reader.GetFieldValue<byte[]>(3),
            await reader.IsDBNullAsync(4, cancellationToken) ? null : reader.GetInt64(4));
    }

    /// <summary>Creates the mailbox row; null when one with this tag appeared meanwhile (another session created it).</summary>
    public async Task<long?> CreateMailboxAsync(byte[] tag, byte[] salt, int iterations, byte[] keyCheck, long now, CancellationToken cancellationToken)
    {
        await using var connection = await ConnectAsync(cancellationToken);
        await using var command = CreateCommand(connection, null,
            "INSERT INTO p3w_mailbox (tag, salt, iterations, key_check, last_opened) VALUES (@tag, @salt, @iterations, @keyCheck, @now) "
            + "ON CONFLICT (tag) DO NOTHING RETURNING id",
            ("@tag", tag), ("@salt", salt), ("@iterations", iterations), ("@keyCheck", keyCheck), ("@now", now));
        return await command.ExecuteScalarAsync(cancellationToken) is long id ? id : null;
    }

    /// <summary>Deletes a mailbox and all its rows.</summary>
    public async Task DeleteMailboxAsync(long mailboxId, CancellationToken cancellationToken)
    {
        await using var connection = await ConnectAsync(cancellationToken);
        await using var transaction = await BeginWriteAsync(connection, cancellationToken);
        await ExecuteAsync(connection, transaction, "DELETE FROM p3w_message WHERE mailbox_id = @id", cancellationToken, ("@id", mailboxId));
        await ExecuteAsync(connection, transaction, "DELETE FROM p3w_mailbox WHERE id = @id", cancellationToken, ("@id", mailboxId));
        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>Every row of the mailbox.</summary>
    public async Task<List<StoredRow>> ReadRowsAsync(long mailboxId, CancellationToken cancellationToken)
    {
        await using var connection = await ConnectAsync(cancellationToken);
        await using var command = CreateCommand(connection, null, "SELECT row_id, payload FROM p3w_message WHERE mailbox_id = @id", ("@id", mailboxId));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var rows = new List<StoredRow>();
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(new StoredRow(reader.GetFieldValue<byte[]>(0), reader.GetFieldValue<byte[]>(1)));
        }

        return rows;
    }

    /// <summary>Marks the mailbox as in use now (the retention clock); false when it no longer exists.</summary>
    public Task<bool> TouchAsync(long mailboxId, long now, CancellationToken cancellationToken) =>
        UpdateMailboxAsync("UPDATE p3w_mailbox SET last_opened = @now WHERE id = @id", mailboxId, now, cancellationToken);

    /// <summary>Records a visit now; false when the mailbox no longer exists.</summary>
    public Task<bool> RecordVisitAsync(long mailboxId, long now, CancellationToken cancellationToken) =>
        UpdateMailboxAsync("UPDATE p3w_mailbox SET last_visit = @now, last_opened = @now WHERE id = @id", mailboxId, now, cancellationToken);

    /// <summary>
    /// Inserts or replaces <paramref name="upserts"/> and deletes <paramref name="deletes"/> in one transaction, holding
    /// the mailbox row so it cannot be deleted meanwhile. False (and nothing written) when the mailbox no longer exists.
    /// Row ids within one call must be distinct.
    /// </summary>
    public async Task<bool> WriteRowsAsync(long mailboxId, IReadOnlyList<StoredRow> upserts, IReadOnlyList<byte[]> deletes, CancellationToken cancellationToken)
    {
        await using var connection = await ConnectAsync(cancellationToken);
        await using var transaction = await BeginWriteAsync(connection, cancellationToken);
        await using (var lockCommand = CreateCommand(connection, transaction, LockMailboxSql, ("@id", mailboxId)))
        {
            if (await lockCommand.ExecuteScalarAsync(cancellationToken) is null)
            {
                return false;
            }
        }

        if (upserts.Count > 0)
        {
            await UpsertRowsAsync(connection, transaction, mailboxId, upserts, cancellationToken);
        }

        if (deletes.Count > 0)
        {
            await DeleteRowsAsync(connection, transaction, mailboxId, deletes, cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    /// <summary>Deletes every mailbox last opened before <paramref name="cutoff"/>, with its rows; returns how many.</summary>
    public async Task<int> PurgeAsync(long cutoff, CancellationToken cancellationToken)
    {
        await using var connection = await ConnectAsync(cancellationToken);
        await using var transaction = await BeginWriteAsync(connection, cancellationToken);
        await ExecuteAsync(connection, transaction,
            "DELETE FROM p3w_message WHERE mailbox_id IN (SELECT id FROM p3w_mailbox WHERE last_opened < @cutoff)", cancellationToken, ("@cutoff", cutoff));
        var purged = await ExecuteAsync(connection, transaction, "DELETE FROM p3w_mailbox WHERE last_opened < @cutoff", cancellationToken, ("@cutoff", cutoff));
        await transaction.CommitAsync(cancellationToken);
        return purged;
    }

    /// <summary>Closes the pooled connections; afterwards every operation throws <see cref="ObjectDisposedException"/>.</summary>
    public async ValueTask DisposeAsync()
    {
        if (!_disposed)
        {
            _disposed = true;
            await DisposeCoreAsync();
        }
    }

    protected abstract ValueTask DisposeCoreAsync();

    protected abstract ValueTask<DbConnection> OpenConnectionAsync(CancellationToken cancellationToken);

    /// <summary>A transaction that takes the engine's write lock at once, so two writers queue instead of deadlocking.</summary>
    protected abstract ValueTask<DbTransaction> BeginWriteAsync(DbConnection connection, CancellationToken cancellationToken);

    /// <summary>Makes concurrent migrations (several instances starting together) run one after the other.</summary>
    protected abstract Task LockSchemaAsync(DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken);

    /// <summary>Settings that must be made outside a transaction before the first migration (none by default).</summary>
    protected virtual Task PrepareDatabaseAsync(DbConnection connection, CancellationToken cancellationToken) => Task.CompletedTask;

    protected abstract string MigrationSql(MailboxStateMigration migration);

    protected abstract Task UpsertRowsAsync(DbConnection connection, DbTransaction transaction, long mailboxId, IReadOnlyList<StoredRow> rows, CancellationToken cancellationToken);

    protected abstract Task DeleteRowsAsync(DbConnection connection, DbTransaction transaction, long mailboxId, IReadOnlyList<byte[]> rowIds, CancellationToken cancellationToken);

    protected static DbCommand CreateCommand(DbConnection connection, DbTransaction? transaction, string sql, params (string Name, object? Value)[] parameters)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = transaction;
        foreach (var (name, value) in parameters)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = name;
            parameter.Value = value ?? DBNull.Value;
            command.Parameters.Add(parameter);
        }

        return command;
    }

    protected static async Task<int> ExecuteAsync(
        DbConnection connection, DbTransaction? transaction, string sql, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters)
    {
        await using var command = CreateCommand(connection, transaction, sql, parameters);
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private ValueTask<DbConnection> ConnectAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return OpenConnectionAsync(cancellationToken);
    }

    private static async Task<int> ReadVersionAsync(DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken)
    {
        await using var command = CreateCommand(connection, transaction, $"SELECT COALESCE(MAX(version), 0) FROM {MailboxStateSchema.VersionTable}");
        return Convert.ToInt32(await command.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture);
    }

    private async Task<bool> UpdateMailboxAsync(string sql, long mailboxId, long now, CancellationToken cancellationToken)
    {
        await using var connection = await ConnectAsync(cancellationToken);
        return await ExecuteAsync(connection, null, sql, cancellationToken, ("@id", mailboxId), ("@now", now)) > 0;
    }
}
