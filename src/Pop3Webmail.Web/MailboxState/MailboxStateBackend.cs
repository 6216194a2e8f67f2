using Npgsql;
using Pop3Webmail.Web.Configuration;

namespace Pop3Webmail.Web.MailboxState;

/// <summary>The store's database, migrated, and the identity that names mailboxes in it: made on first use, then kept.</summary>
internal sealed class MailboxStateBackend(MailboxStateDatabase database, MailboxIdentity identity, string location) : IAsyncDisposable
{
    public MailboxStateDatabase Database { get; } = database;

    public MailboxIdentity Identity { get; } = identity;

    /// <summary>Where the data lives, for the log: the SQLite file, or PostgreSQL host and database (never credentials).</summary>
    public string Location { get; } = location;

    /// <summary>
    /// Creates what the options ask for (for SQLite: the data folder, the database file and the installation secret)
    /// and migrates the schema to <paramref name="schemaVersion"/>.
    /// </summary>
    public static async Task<MailboxStateBackend> CreateAsync(MailStateOptions options, int schemaVersion, long now, CancellationToken cancellationToken)
    {
        var (database, secret, location) = options.Provider == MailStateProvider.PostgreSql ? CreatePostgreSql(options) : CreateSqlite(options);
        try
        {
            await database.MigrateAsync(schemaVersion, now, cancellationToken);
            return new MailboxStateBackend(database, new MailboxIdentity(secret), location);
        }
        catch
        {
            await database.DisposeAsync();
            throw;
        }
        finally
        {
            System.Security.Cryptography.CryptographicOperations.ZeroMemory(secret);
        }
    }

    /// <summary>False only when there certainly is no store yet (an SQLite file that was never created).</summary>
    public static bool MayExist(MailStateOptions options) =>
        options.Provider == MailStateProvider.PostgreSql
        || File.Exists(Path.Combine(MailboxStateFiles.ResolveDirectory(options), MailboxStateFiles.DatabaseFileName));

    public async ValueTask DisposeAsync()
    {
        await Database.DisposeAsync();
        Identity.Dispose();
    }

    private static (MailboxStateDatabase, byte[], string) CreateSqlite(MailStateOptions options)
    {
        var directory = MailboxStateFiles.ResolveDirectory(options);
        MailboxStateFiles.EnsureDirectory(directory);
        var path = Path.Combine(directory, MailboxStateFiles.DatabaseFileName);
        MailboxStateFiles.EnsureOwnerOnlyFile(path);
        var secret = MailboxStateFiles.LoadOrCreateSecret(options, directory);
        return (new SqliteMailboxStateDatabase(path, options.Timeout), secret, path);
    }

    private static (MailboxStateDatabase, byte[], string) CreatePostgreSql(MailStateOptions options)
    {
        var secret = MailboxStateFiles.ConfiguredSecret(options);
        if (string.IsNullOrWhiteSpace(options.ConnectionString) || secret is null)
        {
            // Startup validation refuses this; a host that skipped it gets the same answer here.
            throw new MailboxStateUnavailableException("Mail:State:Provider PostgreSql needs Mail:State:ConnectionString and Mail:State:InstallationSecret.");
        }

        var builder = new NpgsqlConnectionStringBuilder(options.ConnectionString);
        var location = $"{builder.Host}:{builder.Port}/{builder.Database}";
        return (new PostgreSqlMailboxStateDatabase(options.ConnectionString), secret, location);
    }
}
