using System.Data.Common;
using Npgsql;
using NpgsqlTypes;

namespace Pop3Webmail.Web.MailboxState;

/// <summary>
/// The shared store for several app instances: one PostgreSQL database (the tables are prefixed p3w_, so it may be
/// shared with other applications). Rows are written in bulk with unnest (one statement, one round trip, whatever the
/// count); migrations run under a transaction-scoped advisory lock, so instances starting together take turns.
/// </summary>
internal sealed class PostgreSqlMailboxStateDatabase : MailboxStateDatabase
{
    /// <summary>The advisory lock key of schema migrations ("p3wstate" in ASCII).</summary>
    private const long SchemaLockKey = 0x7033_7773_7461_7465;

    private readonly NpgsqlDataSource _dataSource;

    public PostgreSqlMailboxStateDatabase(string connectionString)
    {
        _dataSource = NpgsqlDataSource.Create(connectionString);
    }

    public override string EngineName => "PostgreSQL";

    /// <summary>FOR KEY SHARE: a concurrent DELETE of the mailbox (rebuild, purge) waits until this write commits.</summary>
    protected override string LockMailboxSql => "SELECT 1 FROM p3w_mailbox WHERE id = @id FOR KEY SHARE";

    protected override ValueTask DisposeCoreAsync() => _dataSource.DisposeAsync();

    protected override async ValueTask<DbConnection> OpenConnectionAsync(CancellationToken cancellationToken) =>
        await _dataSource.OpenConnectionAsync(cancellationToken);

    protected override async ValueTask<DbTransaction> BeginWriteAsync(DbConnection connection, CancellationToken cancellationToken) =>
        await connection.BeginTransactionAsync(cancellationToken);

    protected override Task LockSchemaAsync(DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken) =>
        ExecuteAsync(connection, transaction, "SELECT pg_advisory_xact_lock(@key)", cancellationToken, ("@key", SchemaLockKey));

    protected override string MigrationSql(MailboxStateMigration migration) => migration.PostgreSql;

    protected override async Task UpsertRowsAsync(DbConnection connection, DbTransaction transaction, long mailboxId, IReadOnlyList<StoredRow> rows, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            "INSERT INTO p3w_message (mailbox_id, row_id, payload) SELECT @mailbox, r.row_id, r.payload FROM unnest(@rows, @payloads) AS r (row_id, payload) "
            + "ON CONFLICT (mailbox_id, row_id) DO UPDATE SET payload = EXCLUDED.payload",
            (NpgsqlConnection)connection,
            (NpgsqlTransaction)transaction);
        command.Parameters.AddWithValue("mailbox", mailboxId);
        command.Parameters.AddWithValue("rows", NpgsqlDbType.Array | NpgsqlDbType.Bytea, rows.Select(r => r.RowId).ToArray());
        command.Parameters.AddWithValue("payloads", NpgsqlDbType.Array | NpgsqlDbType.Bytea, rows.Select(r => r.Payload).ToArray());
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    protected override async Task DeleteRowsAsync(DbConnection connection, DbTransaction transaction, long mailboxId, IReadOnlyList<byte[]> rowIds, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            "DELETE FROM p3w_message WHERE mailbox_id = @mailbox AND row_id = ANY(@rows)", (NpgsqlConnection)connection, (NpgsqlTransaction)transaction);
        command.Parameters.AddWithValue("mailbox", mailboxId);
        command.Parameters.AddWithValue("rows", NpgsqlDbType.Array | NpgsqlDbType.Bytea, rowIds.ToArray());
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
