using System.Data.Common;
using Microsoft.Data.Sqlite;

namespace Pop3Webmail.Web.MailboxState;

/// <summary>
/// The embedded store: one SQLite file in the data folder, in WAL mode (readers never wait for the writer), with
/// synchronous=NORMAL (a power cut may lose the last writes, never consistency: this is a cache). Writers take the
/// write lock at BEGIN IMMEDIATE and wait for each other up to the store's timeout.
/// </summary>
internal sealed class SqliteMailboxStateDatabase : MailboxStateDatabase
{
    private readonly string _connectionString;

    public SqliteMailboxStateDatabase(string databasePath, TimeSpan timeout)
    {
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = databasePath,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = true,
            DefaultTimeout = Math.Max(1, (int)Math.Ceiling(timeout.TotalSeconds)),
        }.ToString();
    }

    public override string EngineName => "SQLite";

    protected override string LockMailboxSql => "SELECT 1 FROM p3w_mailbox WHERE id = @id";

    protected override ValueTask DisposeCoreAsync()
    {
        // Pooled connections keep the file (and its WAL) open; closing the last one checkpoints the WAL into the file.
        using var connection = new SqliteConnection(_connectionString);
        SqliteConnection.ClearPool(connection);
        return ValueTask.CompletedTask;
    }

    protected override async ValueTask<DbConnection> OpenConnectionAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken);
            await ExecuteAsync(connection, null, "PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL;", cancellationToken);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    protected override ValueTask<DbTransaction> BeginWriteAsync(DbConnection connection, CancellationToken cancellationToken) =>
        ValueTask.FromResult<DbTransaction>(((SqliteConnection)connection).BeginTransaction(deferred: false));

    /// <summary>BEGIN IMMEDIATE has taken the database's single write lock already.</summary>
    protected override Task LockSchemaAsync(DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>WAL is a property of the file and cannot change inside a transaction.</summary>
    protected override Task PrepareDatabaseAsync(DbConnection connection, CancellationToken cancellationToken) =>
        ExecuteAsync(connection, null, "PRAGMA journal_mode = WAL;", cancellationToken);

    protected override string MigrationSql(MailboxStateMigration migration) => migration.Sqlite;

    protected override async Task UpsertRowsAsync(DbConnection connection, DbTransaction transaction, long mailboxId, IReadOnlyList<StoredRow> rows, CancellationToken cancellationToken)
    {
        await using var command = CreateCommand(connection, transaction,
            "INSERT INTO p3w_message (mailbox_id, row_id, payload) VALUES (@mailbox, @row, @payload) "
            + "ON CONFLICT (mailbox_id, row_id) DO UPDATE SET payload = excluded.payload",
            ("@mailbox", mailboxId), ("@row", Array.Empty<byte>()), ("@payload", Array.Empty<byte>()));
        foreach (var row in rows)
        {
            command.Parameters[1].Value = row.RowId;
            command.Parameters[2].Value = row.Payload;
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    protected override async Task DeleteRowsAsync(DbConnection connection, DbTransaction transaction, long mailboxId, IReadOnlyList<byte[]> rowIds, CancellationToken cancellationToken)
    {
        await using var command = CreateCommand(connection, transaction,
            "DELETE FROM p3w_message WHERE mailbox_id = @mailbox AND row_id = @row", ("@mailbox", mailboxId), ("@row", Array.Empty<byte>()));
        foreach (var rowId in rowIds)
        {
            command.Parameters[1].Value = rowId;
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
    }
}
