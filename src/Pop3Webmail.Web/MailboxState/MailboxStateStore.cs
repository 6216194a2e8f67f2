using Microsoft.Extensions.Options;
using Pop3Webmail.Web.Configuration;

namespace Pop3Webmail.Web.MailboxState;

/// <summary>
/// The mailbox state store (see <see cref="IMailboxStateStore"/>). The database is set up on first use, not at startup,
/// so a store that cannot work costs nothing until someone signs in, and then only that visit's memory.
/// </summary>
public sealed partial class MailboxStateStore : IMailboxStateStore, IAsyncDisposable
{
    /// <summary>Two sessions creating or rebuilding the same mailbox at once settle within a couple of rounds.</summary>
    private const int OpenAttempts = 3;

    private readonly MailOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<MailboxStateStore> _logger;
    private readonly MailboxStateGuard _guard;
    private readonly int _schemaVersion;
    private readonly SemaphoreSlim _setupLock = new(1, 1);
    private readonly KeyDerivations _derivations = new(KeyDerivations.DefaultSlots);
    private MailboxStateBackend? _backend;
    private bool _disposed;

    public MailboxStateStore(IOptions<MailOptions> options, TimeProvider time, ILogger<MailboxStateStore> logger)
        : this(options, time, logger, MailboxStateSchema.LatestVersion)
    {
    }

    /// <summary>A store that migrates its database only up to <paramref name="schemaVersion"/>, as an older release did.</summary>
    internal MailboxStateStore(IOptions<MailOptions> options, TimeProvider time, ILogger<MailboxStateStore> logger, int schemaVersion)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Value;
        _time = time;
        _logger = logger;
        _schemaVersion = schemaVersion;
        _guard = new MailboxStateGuard(_options.State.Timeout, time, logger);
    }

    public async Task<IMailboxMemory?> OpenAsync(string serverId, string userName, string password, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(serverId);
        ArgumentException.ThrowIfNullOrEmpty(userName);
        ArgumentException.ThrowIfNullOrEmpty(password);
        if (!_options.RememberMailbox)
        {
            return null;
        }

        ObjectDisposedException.ThrowIf(_disposed, this);
        _guard.ThrowIfResting();

        // The turn is waited for outside the store's timeout: a queue of key derivations is the CPU being busy, not the
        // store failing, and must not make it rest (every visit after would go without its memory).
        return await _derivations.RunAsync(turn => _guard.RunAsync<IMailboxMemory?>("open a mailbox", async token =>
        {
            var backend = await GetBackendAsync(token);
            return await OpenMailboxAsync(backend, backend.Identity.Tag(serverId, userName), password, token);
        }, turn), cancellationToken);
    }

    public bool IsCrowded => _derivations.IsCrowded;

    /// <summary>
    /// Deletes every mailbox not opened for <c>Mail:State:RetentionDays</c>; returns how many. Nothing (0) when the store
    /// is off or keeps mailboxes forever. Throws <see cref="MailboxStateUnavailableException"/> like every operation.
    /// </summary>
    public async Task<int> PurgeExpiredAsync(CancellationToken cancellationToken = default)
    {
        if (!_options.RememberMailbox || _options.State.RetentionDays == 0)
        {
            return 0;
        }

        ObjectDisposedException.ThrowIf(_disposed, this);
        if (Volatile.Read(ref _backend) is null && !MailboxStateBackend.MayExist(_options.State))
        {
            return 0; // Nobody has signed in yet: nothing to purge, and no reason to create the store.
        }

        var cutoff = (_time.GetUtcNow() - TimeSpan.FromDays(_options.State.RetentionDays)).ToUnixTimeMilliseconds();
        return await _guard.RunAsync("purge expired mailboxes", async token =>
        {
            var backend = await GetBackendAsync(token);
            return await backend.Database.PurgeAsync(cutoff, token);
        }, cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        if (_backend is not null)
        {
            await _backend.DisposeAsync();
        }

        _setupLock.Dispose();
        _derivations.Dispose();
    }

    private async Task<MailboxStateBackend> GetBackendAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _backend) is { } ready)
        {
            return ready;
        }

        await _setupLock.WaitAsync(cancellationToken);
        try
        {
            if (_backend is null)
            {
                var backend = await MailboxStateBackend.CreateAsync(_options.State, _schemaVersion, Now(), cancellationToken);
                LogReady(_logger, backend.Database.EngineName, backend.Location);
                Volatile.Write(ref _backend, backend);
            }

            return _backend;
        }
        finally
        {
            _setupLock.Release();
        }
    }

    private async Task<IMailboxMemory> OpenMailboxAsync(MailboxStateBackend backend, byte[] tag, string password, CancellationToken cancellationToken)
    {
        var database = backend.Database;
        var iterations = _options.State.KeyDerivationIterations;
        MailboxKeys? keys = null;
        byte[]? keysSalt = null;
        try
        {
            for (var attempt = 0; attempt < OpenAttempts; attempt++)
            {
                var stored = await database.FindMailboxAsync(tag, cancellationToken);
                if (stored is null)
                {
                    keysSalt = MailboxKeys.NewSalt();
                    keys?.Dispose();
                    keys = await DeriveAsync(password, keysSalt, iterations, tag, backend.Identity.Pepper, cancellationToken);
                    if (await database.CreateMailboxAsync(tag, keysSalt, iterations, keys.KeyCheck, Now(), cancellationToken) is { } id)
                    {
                        return HandOver(database, ref keys, id, previousVisit: null, []);
                    }

                    continue; // Created by another session meanwhile: read theirs.
                }

                if (stored.Iterations == iterations)
                {
                    if (keys is null || keysSalt is null || !keysSalt.AsSpan().SequenceEqual(stored.Salt))
                    {
                        keys?.Dispose();
                        keysSalt = stored.Salt;
                        keys = await DeriveAsync(password, keysSalt, iterations, tag, backend.Identity.Pepper, cancellationToken);
                    }

                    if (keys.Matches(stored.KeyCheck))
                    {
                        var messages = await ReadMessagesAsync(database, keys, stored.Id, cancellationToken);
                        if (await database.TouchAsync(stored.Id, Now(), cancellationToken))
                        {
                            var previousVisit = stored.LastVisit is { } visit ? DateTimeOffset.FromUnixTimeMilliseconds(visit) : (DateTimeOffset?)null;
                            return HandOver(database, ref keys, stored.Id, previousVisit, messages);
                        }

                        continue; // Deleted meanwhile (rebuilt or purged): start again.
                    }
                }

                // Another password (or iteration count) than the rows were sealed with: they can never be read again.
                LogRebuilt(_logger);
                await database.DeleteMailboxAsync(stored.Id, cancellationToken);
            }

            throw new MailboxStateUnavailableException($"The mailbox changed under {OpenAttempts} attempts to open it (concurrent sign-ins with different passwords).");
        }
        finally
        {
            keys?.Dispose();
        }
    }

    /// <summary>Gives the keys to the new memory, which disposes them, and clears <paramref name="keys"/> so the caller does not.</summary>
    private MailboxMemory HandOver(
        MailboxStateDatabase database, ref MailboxKeys? keys, long mailboxId, DateTimeOffset? previousVisit, Dictionary<string, RememberedMessage> messages)
    {
        var memory = new MailboxMemory(database, _guard, keys!, mailboxId, previousVisit, messages, _time, _logger);
        keys = null;
        return memory;
    }

    /// <summary>Decrypts every row; rows that do not open are deleted, as if they had never been there.</summary>
    private async Task<Dictionary<string, RememberedMessage>> ReadMessagesAsync(
        MailboxStateDatabase database, MailboxKeys keys, long mailboxId, CancellationToken cancellationToken)
    {
        var messages = new Dictionary<string, RememberedMessage>(StringComparer.Ordinal);
        var unreadable = new List<byte[]>();
        foreach (var row in await database.ReadRowsAsync(mailboxId, cancellationToken))
        {
            if (keys.Unprotect(row) is { } message && messages.TryAdd(message.Uid, message))
            {
                continue;
            }

            unreadable.Add(row.RowId);
        }

        if (unreadable.Count > 0)
        {
            LogUnreadableRows(_logger, unreadable.Count);
            await database.WriteRowsAsync(mailboxId, [], unreadable, cancellationToken);
        }

        return messages;
    }

    /// <summary>PBKDF2 costs tens of milliseconds of CPU: off the caller's thread, within the open's turn.</summary>
    private static Task<MailboxKeys> DeriveAsync(string password, byte[] salt, int iterations, byte[] tag, byte[] pepper, CancellationToken cancellationToken) =>
        Task.Run(() => MailboxKeys.Derive(password, salt, iterations, tag, pepper), cancellationToken);

    private long Now() => _time.GetUtcNow().ToUnixTimeMilliseconds();

    [LoggerMessage(EventId = 602, Level = LogLevel.Information, Message = "Mailbox state store ready: {Engine} at {Location}")]
    private static partial void LogReady(ILogger logger, string engine, string location);

    [LoggerMessage(EventId = 603, Level = LogLevel.Information, Message = "A mailbox's remembered state did not match the password it was opened with (password or iteration count changed); it starts afresh")]
    private static partial void LogRebuilt(ILogger logger);

    [LoggerMessage(EventId = 604, Level = LogLevel.Warning, Message = "{Count} remembered rows of a mailbox could not be decrypted (damaged or tampered with); they were dropped")]
    private static partial void LogUnreadableRows(ILogger logger, int count);
}
