using System.Security.Cryptography;
using Npgsql;
using Pop3Webmail.Testing;

namespace Pop3Webmail.Web.Tests.MailboxState;

/// <summary>
/// One private PostgreSQL cluster for the PostgreSQL store tests, with a fresh database per test. When PostgreSQL cannot
/// run here it starts nothing, and <see cref="Server"/> skips the test (or fails it when real servers are required).
/// </summary>
public sealed class PostgreSqlStoreFixture : IAsyncLifetime
{
    private PostgreSqlServer? _server;
    private int _databases;

    /// <summary>What every instance of the app would share through Mail:State:InstallationSecret.</summary>
    public string InstallationSecret { get; } = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    public PostgreSqlServer Server
    {
        get
        {
            RealServers.RequireOrSkip(PostgreSqlInstallation.UnavailableReason);
            return _server ?? throw new InvalidOperationException("The PostgreSQL fixture did not start.");
        }
    }

    public async ValueTask InitializeAsync()
    {
        if (PostgreSqlInstallation.UnavailableReason is null)
        {
            _server = await PostgreSqlServer.StartAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }

    /// <summary>Creates an empty database and returns its connection string.</summary>
    public async Task<string> CreateDatabaseAsync()
    {
        var name = $"state_{Interlocked.Increment(ref _databases)}";
        await using var connection = new NpgsqlConnection(Server.ConnectionString() + ";Pooling=false");
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
        await command.ExecuteNonQueryAsync();
        return Server.ConnectionString(name);
    }
}
