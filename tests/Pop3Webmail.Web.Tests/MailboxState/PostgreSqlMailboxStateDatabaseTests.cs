using System.Data.Common;
using System.Net;
using System.Net.Sockets;
using Npgsql;
using Pop3Webmail.Testing;
using Pop3Webmail.Web.Configuration;

namespace Pop3Webmail.Web.Tests.MailboxState;

/// <summary>The store on PostgreSQL (a real private cluster): the shared suite, plus several app instances on one database.</summary>
public sealed class PostgreSqlMailboxStateDatabaseTests(PostgreSqlStoreFixture fixture) : MailboxStateStoreTests, IClassFixture<PostgreSqlStoreFixture>
{
    private string? _connectionString;

    protected override MailStateOptions Storage
    {
        get
        {
            RealServers.RequireOrSkip(PostgreSqlInstallation.UnavailableReason);
            return new MailStateOptions
            {
                Provider = MailStateProvider.PostgreSql,
                ConnectionString = _connectionString ?? throw new InvalidOperationException("No database was created for this test."),
                InstallationSecret = fixture.InstallationSecret,
            };
        }
    }

    public override async ValueTask InitializeAsync()
    {
        if (PostgreSqlInstallation.UnavailableReason is null)
        {
            _connectionString = await fixture.CreateDatabaseAsync();
        }
    }

    [Fact]
    public async Task InstancesStartingTogetherApplyEachMigrationOnce()
    {
        var instances = Enumerable.Range(0, 4).Select(_ => CreateStore()).ToList();

        var memories = await Task.WhenAll(instances.Select(s => Task.Run(() => OpenAsync(s), Ct)));
        foreach (var memory in memories)
        {
            await memory.DisposeAsync();
        }

        Assert.Equal(2, await CountAsync("p3w_schema_version"));
        Assert.Equal(1, await CountAsync("p3w_mailbox"));
    }

    [Fact]
    public async Task InstancesShareRememberedMessagesReadFlagsAndVisits()
    {
        var first = CreateStore();
        var second = CreateStore();
        var visit = Time.GetUtcNow();
        await using (var memory = await OpenAsync(first))
        {
            await memory.RememberAsync(SampleMessages.Range(3), Ct);
            await memory.RecordVisitAsync(Ct);
        }

        Time.Advance(TimeSpan.FromMinutes(10));
        await using (var memory = await OpenAsync(second))
        {
            Assert.Equal(3, memory.Messages.Count);
            Assert.Equal(visit, memory.PreviousVisit);
            await memory.SetReadAsync(SampleMessages.Numbered(1).Uid, true, Ct);
        }

        await using var back = await OpenAsync(first);
        Assert.True(back.Messages[SampleMessages.Numbered(1).Uid].Read);
    }

    protected override MailStateOptions UnreachableStorage()
    {
        // A port that was free a moment ago: connection refused at once.
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var port = ((IPEndPoint)socket.LocalEndPoint!).Port;
        return new MailStateOptions
        {
            Provider = MailStateProvider.PostgreSql,
            ConnectionString = $"Host=127.0.0.1;Port={port};Username=nobody;Password=nothing;Database=none;Timeout=3",
            InstallationSecret = fixture.InstallationSecret,
        };
    }

    protected override async Task AssertNothingStoredAsync()
    {
        await using var connection = await OpenRawConnectionAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM information_schema.tables WHERE table_name LIKE 'p3w%'";
        Assert.Equal(0L, await command.ExecuteScalarAsync(Ct));
    }

    protected override async Task<DbConnection> OpenRawConnectionAsync()
    {
        var connection = new NpgsqlConnection(Storage.ConnectionString + ";Pooling=false");
        await connection.OpenAsync(Ct);
        return connection;
    }
}
