using Pop3Webmail.Testing;

namespace Pop3Webmail.Pop3.Tests.Integration;

/// <summary>
/// One private Dovecot for the whole "Dovecot" collection, with mailboxes that tests only read (so they are built
/// once: a varied small one, 10k messages, a ~20 MB message) and fresh accounts on demand for tests that delete.
/// When Dovecot cannot run here, it starts nothing and every test skips or fails through <see cref="Server"/>.
/// </summary>
public sealed class DovecotFixture : IAsyncLifetime
{
    public const int BulkCount = 10_000;
    public const int LargeMessageSize = 20 * 1024 * 1024;

    public static readonly DateTimeOffset FirstDate = new(2024, 3, 1, 9, 0, 0, TimeSpan.FromHours(3));

    private DovecotServer? _server;
    private int _accounts;

    /// <summary>A small mailbox with one of every kind of message (see <see cref="CreateReaderMailbox"/>).</summary>
    public DovecotUser Reader { get; } = new("reader", "reader-secret", CreateReaderMailbox());

    /// <summary><see cref="BulkCount"/> numbered messages, one minute apart: message n is "Message n", the last is the newest.</summary>
    public DovecotUser Bulk { get; } = new("bulk", "bulk-secret");

    /// <summary>Message 1 is a ~20 MB multipart message, message 2 a small one.</summary>
    public DovecotUser Large { get; } = new("large", "large-secret");

    public MailboxBuilder ReaderMailbox => Reader.Mailbox!;

    /// <summary>The running server; skips the calling test (or fails it when servers are required) without Dovecot.</summary>
    public DovecotServer Server
    {
        get
        {
            RealServers.RequireDovecot();
            return _server ?? throw new InvalidOperationException("The Dovecot fixture did not start.");
        }
    }

    public async ValueTask InitializeAsync()
    {
        if (RealServers.DovecotUnavailableReason is not null)
        {
            return;
        }

        var bulk = new MailboxBuilder().AddMany(BulkCount, FirstDate, TimeSpan.FromMinutes(1));
        var large = new MailboxBuilder()
            .Add(MessageFactory.Large(LargeMessageSize, FirstDate))
            .Add(MessageFactory.Plain("Small after large", "Small.", FirstDate.AddHours(1)));
        _server = await DovecotServer.StartAsync(new DovecotServerOptions
        {
            Users = [Reader, Bulk with { Mailbox = bulk }, Large with { Mailbox = large }],
        });
    }

    public async ValueTask DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }

    /// <summary>A new account of its own for a test that changes its mailbox.</summary>
    public DovecotUser AddAccount(MailboxBuilder mailbox)
    {
        var user = new DovecotUser($"account{Interlocked.Increment(ref _accounts)}", "account-secret", mailbox);
        Server.AddUser(user);
        return user;
    }

    /// <summary>Options for implicit TLS with the test certificate pinned.</summary>
    public Pop3ClientOptions TlsOptions(IReadOnlyCollection<Pop3AuthenticationMechanism>? allowedMechanisms = null) => new()
    {
        Security = Pop3Security.Tls,
        CertificateThumbprint = Server.CertificateThumbprint,
        AllowedMechanisms = allowedMechanisms,
    };

    /// <summary>Connects over implicit TLS (pinned) and logs in with the automatic mechanism choice.</summary>
    public async Task<Pop3Client> LoginAsync(DovecotUser user, Pop3ClientOptions? options = null)
    {
        var client = new Pop3Client(options ?? TlsOptions());
        try
        {
            await client.ConnectAsync(Server.Host, Server.TlsPort, TestContext.Current.CancellationToken);
            await client.AuthenticateAsync(user.Name, user.Password, TestContext.Current.CancellationToken);
            return client;
        }
        catch
        {
            await client.DisposeAsync();
            throw;
        }
    }

    /// <summary>Message n of the mailbox, as a test sees it (1-based like POP3).</summary>
    public static TestMessage Message(MailboxBuilder mailbox, int messageNumber) => mailbox.Messages[messageNumber - 1];

    /// <summary>Numbered messages for an account a test will change.</summary>
    public static MailboxBuilder Numbered(int count) => new MailboxBuilder().AddMany(count, FirstDate, TimeSpan.FromMinutes(1));

    private static MailboxBuilder CreateReaderMailbox()
    {
        var date = FirstDate;
        DateTimeOffset Next() => date = date.AddHours(1);
        return new MailboxBuilder()
            .Add(MessageFactory.Plain("Welcome to Pop3Webmail", "Hello Bob,\n\nthis is a plain message.\n\nAlice", Next()))
            .Add(MessageFactory.Russian(RussianCharset.Koi8R, Next()))
            .Add(MessageFactory.Russian(RussianCharset.Windows1251, Next()))
            .Add(MessageFactory.Russian(RussianCharset.Utf8, Next()))
            .Add(MessageFactory.Russian(RussianCharset.Windows1251, Next(), rawHeaders: true))
            .Add(MessageFactory.Russian(RussianCharset.Utf8, Next(), rawHeaders: true))
            .Add(MessageFactory.WithAttachments("Report with attachments", Next()))
            .Add(MessageFactory.Html("HTML newsletter", Next()))
            .Add(MessageFactory.DotStuffing(Next()))
            .Add(MessageFactory.Plain("Last plain message", "The newest one.", Next()));
    }
}

/// <summary>
/// Runs alone, after the parallel collections: the memory assertion of the large-message test measures allocations
/// process-wide, and the 10k listing should not compete for the two cores.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class DovecotCollectionDefinition : ICollectionFixture<DovecotFixture>
{
    public const string Name = "Dovecot";
}
