using System.Diagnostics;
using Pop3Webmail.Pop3;
using Pop3Webmail.Testing;
using Pop3Webmail.Web.Configuration;
using Pop3Webmail.Web.Session;
using Pop3Webmail.Web.Session.Visit;
using Pop3Webmail.Web.Tests.Support;

namespace Pop3Webmail.Web.Tests.Session;

/// <summary>
/// One private Dovecot (TLS with a pinned self-signed certificate, pop3_lock_session = yes, as production servers
/// lock) for the web session tests: a 10k-message mailbox to read and fresh accounts for tests that delete.
/// </summary>
public sealed class WebDovecotFixture : IAsyncLifetime
{
    public const int BulkCount = 10_000;
    public static readonly DateTimeOffset FirstDate = new(2025, 6, 1, 8, 0, 0, TimeSpan.Zero);
    private DovecotServer? _server;
    private int _accounts;

    public DovecotUser Bulk { get; } = new("bulk", "bulk-secret");

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
        if (RealServers.DovecotUnavailableReason is null)
        {
            var bulk = new MailboxBuilder().AddMany(BulkCount, FirstDate, TimeSpan.FromMinutes(1));
            _server = await DovecotServer.StartAsync(new DovecotServerOptions { Users = [Bulk with { Mailbox = bulk }], LockSession = true });
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }

    public DovecotUser AddAccount(int messages)
    {
        var user = new DovecotUser($"web{Interlocked.Increment(ref _accounts)}", "web-secret", new MailboxBuilder().AddMany(messages, FirstDate, TimeSpan.FromHours(1)));
        Server.AddUser(user);
        return user;
    }

    internal SessionHarness Harness(string? thumbprint = null, Pop3Security security = Pop3Security.Tls, MailOptions? options = null) =>
        new(new MailServer(SessionHarness.ServerId, "Dovecot", Server.Host, security == Pop3Security.Tls ? Server.TlsPort : Server.Port, security,
            CertificateThumbprint: thumbprint ?? Server.CertificateThumbprint), options);
}

[CollectionDefinition("WebDovecot")]
public sealed class WebDovecotGroup : ICollectionFixture<WebDovecotFixture>;

[Collection("WebDovecot")]
public sealed class DovecotSessionTests(WebDovecotFixture dovecot)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task TenThousandMessagesShowTheNewestFiftyAtOnceAndTheRestInTheBackground()
    {
        var server = dovecot.Server;
        await using var harness = dovecot.Harness();
        var session = harness.CreateSession();
        var clock = Stopwatch.StartNew();

        var result = await session.SignInAsync(new SignInRequest(dovecot.Bulk.Name, dovecot.Bulk.Password, SessionHarness.ServerId), TestContext.Current.CancellationToken);
        var firstPage = clock.Elapsed;

        Assert.True(result.Succeeded, result.Error.ToString());
        Assert.Equal(MessageFactory.NumberedSubject(WebDovecotFixture.BulkCount), session.Messages[0].Subject);
        Assert.InRange(session.Messages.Count, InboxLoader.FirstPageSize, WebDovecotFixture.BulkCount);
        Assert.Equal(WebDovecotFixture.BulkCount, session.Progress.Total);

        var before = GC.GetTotalMemory(forceFullCollection: true);
        await session.CurrentVisit!.LoaderCompletion.WaitAsync(Patience, TestContext.Current.CancellationToken);
        var all = clock.Elapsed;
        Assert.True(session.Progress.IsComplete);
        Assert.Equal(WebDovecotFixture.BulkCount, session.Messages.Count);
        Assert.Equal(Enumerable.Range(1, WebDovecotFixture.BulkCount).Reverse().Select(MessageFactory.NumberedSubject), session.Messages.Select(m => m.Subject));
        Assert.Equal(server.CountMessageFiles(dovecot.Bulk.Name), session.Statistics.MessageCount);
        var retained = GC.GetTotalMemory(forceFullCollection: true) - before;
        TestContext.Current.TestOutputHelper?.WriteLine($"10k: first page {firstPage.TotalMilliseconds:F0} ms, all {all.TotalMilliseconds:F0} ms, ~{retained / 1024} KiB retained by the listing");

        await session.SignOutAsync(TestContext.Current.CancellationToken);
        Assert.Equal(WebDovecotFixture.BulkCount, server.CountMessageFiles(dovecot.Bulk.Name));

        // Again with the code paths warm: what a user sees on a running server.
        clock.Restart();
        await session.SignInAsync(new SignInRequest(dovecot.Bulk.Name, dovecot.Bulk.Password, SessionHarness.ServerId), TestContext.Current.CancellationToken);
        var warmFirstPage = clock.Elapsed;
        await session.CurrentVisit!.LoaderCompletion.WaitAsync(Patience, TestContext.Current.CancellationToken);
        TestContext.Current.TestOutputHelper?.WriteLine($"10k warm: first page {warmFirstPage.TotalMilliseconds:F0} ms, all {clock.Elapsed.TotalMilliseconds:F0} ms");
        await session.SignOutAsync(TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task PendingDeletionsAreCommittedByQuitAtSignOut()
    {
        var user = dovecot.AddAccount(5);
        await using var harness = dovecot.Harness();
        var session = harness.CreateSession();
        await session.SignInAsync(new SignInRequest(user.Name, user.Password, SessionHarness.ServerId), TestContext.Current.CancellationToken);

        await session.DeleteAsync([session.Messages[0].Key, session.Messages[4].Key], TestContext.Current.CancellationToken);
        Assert.Equal(5, dovecot.Server.CountMessageFiles(user.Name));
        await session.UndoDeleteAsync(session.Messages[4].Key, TestContext.Current.CancellationToken);
        await session.SignOutAsync(TestContext.Current.CancellationToken);

        Assert.Equal(4, dovecot.Server.CountMessageFiles(user.Name));
        Assert.Equal(1, session.LastSignOut?.DeletedCount);
    }

    [Fact]
    public async Task PendingDeletionsSurviveAServerRestartAndAreCommittedAtTheEnd()
    {
        var user = dovecot.AddAccount(4);
        await using var harness = dovecot.Harness();
        var session = harness.CreateSession();
        await session.SignInAsync(new SignInRequest(user.Name, user.Password, SessionHarness.ServerId), TestContext.Current.CancellationToken);
        var doomed = session.Messages[1].Key;
        await session.DeleteAsync([doomed], TestContext.Current.CancellationToken);

        await dovecot.Server.RestartAsync(TestContext.Current.CancellationToken);
        var opened = await session.OpenMessageAsync(session.Messages[3].Key, TestContext.Current.CancellationToken);

        Assert.Equal(MessageFactory.NumberedSubject(1), opened.Read(m => m.Subject));
        Assert.Equal(MailboxNoticeKind.ConnectionRestored, session.Notice?.Kind);
        Assert.Equal(new HashSet<string> { doomed }, session.PendingDeletions);
        await session.SignOutAsync(TestContext.Current.CancellationToken);
        Assert.Equal(3, dovecot.Server.CountMessageFiles(user.Name));
    }

    [Fact]
    public async Task ANewSignInTakesTheLockedMailboxOverWithoutInUse()
    {
        var user = dovecot.AddAccount(2);
        await using var harness = dovecot.Harness();
        var first = harness.CreateSession();
        var second = harness.CreateSession(browserKey: "browser-2");
        await first.SignInAsync(new SignInRequest(user.Name, user.Password, SessionHarness.ServerId), TestContext.Current.CancellationToken);

        var result = await second.SignInAsync(new SignInRequest(user.Name, user.Password, SessionHarness.ServerId), TestContext.Current.CancellationToken);

        Assert.True(result.Succeeded, result.Error.ToString());
        Assert.Equal(SignOutReason.TakenOver, first.LastSignOut?.Reason);
        await second.SignOutAsync(TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task AMailboxLockedByAnotherProgramIsReportedAsInUse()
    {
        var user = dovecot.AddAccount(1);
        await using var other = new Pop3Client(new Pop3ClientOptions { CertificateThumbprint = dovecot.Server.CertificateThumbprint });
        await other.ConnectAsync(dovecot.Server.Host, dovecot.Server.TlsPort, TestContext.Current.CancellationToken);
        await other.AuthenticateAsync(user.Name, user.Password, TestContext.Current.CancellationToken);
        await using var harness = dovecot.Harness();

        var result = await harness.CreateSession().SignInAsync(new SignInRequest(user.Name, user.Password, SessionHarness.ServerId), TestContext.Current.CancellationToken);

        Assert.Equal(SignInError.MailboxInUse, result.Error);
        await other.QuitAsync(TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task AWrongPasswordIsInvalidCredentials()
    {
        await using var harness = dovecot.Harness();

        var result = await harness.CreateSession().SignInAsync(new SignInRequest(dovecot.Bulk.Name, "not-the-password", SessionHarness.ServerId), TestContext.Current.CancellationToken);

        Assert.Equal(SignInError.InvalidCredentials, result.Error);
    }

    [Fact]
    public async Task ASelfSignedCertificateIsRefusedUnlessPinned()
    {
        await using var wrongPin = dovecot.Harness(thumbprint: new string('a', 64));
        await using var unpinned = new SessionHarness(new MailServer(SessionHarness.ServerId, "Dovecot", dovecot.Server.Host, dovecot.Server.TlsPort, Pop3Security.Tls));

        var pinnedWrong = await wrongPin.CreateSession().SignInAsync(new SignInRequest(dovecot.Bulk.Name, dovecot.Bulk.Password, SessionHarness.ServerId), TestContext.Current.CancellationToken);
        var notPinned = await unpinned.CreateSession().SignInAsync(new SignInRequest(dovecot.Bulk.Name, dovecot.Bulk.Password, SessionHarness.ServerId), TestContext.Current.CancellationToken);

        Assert.Equal(SignInError.SecureConnectionFailed, pinnedWrong.Error);
        Assert.Equal(SignInError.SecureConnectionFailed, notPinned.Error);
    }

    [Fact]
    public async Task StartTlsWithThePinnedCertificateWorks()
    {
        var user = dovecot.AddAccount(1);
        await using var harness = dovecot.Harness(security: Pop3Security.StartTls);

        var result = await harness.CreateSession().SignInAsync(new SignInRequest(user.Name, user.Password, SessionHarness.ServerId), TestContext.Current.CancellationToken);

        Assert.True(result.Succeeded, result.Error.ToString());
    }
}
