using Pop3Webmail.DemoServer.Tests.TestSupport;
using Pop3Webmail.Pop3;

namespace Pop3Webmail.DemoServer.Tests;

/// <summary>The demo server driven by our own POP3 client, the way the web app uses it.</summary>
public sealed class DemoPop3ServerTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static DemoMailbox Sample => DemoMailbox.Sample;

    [Fact]
    public async Task LoginWithTheDemoCredentialsShowsTheWholeSampleMailbox()
    {
        await using var server = DemoPop3Server.Start();
        await using var client = await DemoClient.LoginAsync(server);

        var stat = await client.StatAsync(Ct);

        Assert.Equal("127.0.0.1", server.Host);
        Assert.NotEqual(0, server.Port);
        Assert.Equal(new Pop3Statistics(Sample.Messages.Count, Sample.Size), stat);
        Assert.Equal(DemoPop3Server.DemoUserName, Assert.Single(server.Sessions).UserName);
        // The client's automatic choice without TLS (plaintext allowed) is SASL PLAIN with an initial response.
        Assert.Contains("AUTH PLAIN ********", server.Sessions[0].Commands);
    }

    [Fact]
    public async Task CapabilitiesOfferUserAndSaslPlainOnlyBeforeLogin()
    {
        await using var server = DemoPop3Server.Start();
        await using var client = await DemoClient.ConnectAsync(server);

        var before = client.Capabilities;
        await client.AuthenticateAsync(DemoPop3Server.DemoUserName, DemoPop3Server.DemoPassword, Ct);
        await client.ListMailboxAsync(cancellationToken: Ct); // PIPELINING before login: the CAPA re-read rides in this flight.
        var after = client.Capabilities;

        Assert.True(before.Top && before.Uidl && before.User && before.Pipelining && before.ResponseCodes && before.AuthResponseCodes);
        Assert.Equal(["PLAIN"], before.SaslMechanisms);
        Assert.Equal("Pop3Webmail-DemoServer", before.Implementation);
        Assert.False(before.StartTls);
        Assert.True(after.Top && after.Uidl && after.Pipelining && after.ResponseCodes);
        Assert.False(after.User);
        Assert.Empty(after.SaslMechanisms);
    }

    [Theory]
    [InlineData(Pop3AuthenticationMechanism.User)]
    [InlineData(Pop3AuthenticationMechanism.Plain)]
    [InlineData(Pop3AuthenticationMechanism.Apop)]
    public async Task EachOfferedMechanismLogsIn(Pop3AuthenticationMechanism mechanism)
    {
        await using var server = DemoPop3Server.Start();
        await using var client = await DemoClient.ConnectAsync(server);

        await client.AuthenticateAsync(mechanism, DemoPop3Server.DemoUserName, DemoPop3Server.DemoPassword, Ct);

        Assert.True(client.IsAuthenticated);
        Assert.Equal(Sample.Messages.Count, (await client.StatAsync(Ct)).MessageCount);
    }

    [Theory]
    [InlineData(Pop3AuthenticationMechanism.User, "demo")]
    [InlineData(Pop3AuthenticationMechanism.Plain, "demo")]
    [InlineData(Pop3AuthenticationMechanism.Apop, "demo")]
    [InlineData(Pop3AuthenticationMechanism.User, "nobody")]
    [InlineData(Pop3AuthenticationMechanism.Plain, "nobody")]
    [InlineData(Pop3AuthenticationMechanism.Apop, "nobody")]
    public async Task WrongCredentialsAreRefusedWithTheAuthCodeAndMayBeRetried(Pop3AuthenticationMechanism mechanism, string userName)
    {
        await using var server = DemoPop3Server.Start();
        await using var client = await DemoClient.ConnectAsync(server);

        var error = await Assert.ThrowsAsync<Pop3AuthenticationException>(
            () => client.AuthenticateAsync(mechanism, userName, "wrong password", Ct));
        await client.AuthenticateAsync(mechanism, DemoPop3Server.DemoUserName, DemoPop3Server.DemoPassword, Ct);

        // RFC 3206 §4: [AUTH] says the credentials are wrong; RFC 1939 §4: the session stays in AUTHORIZATION.
        Assert.Equal(Pop3ResponseCodeKind.Auth, error.ResponseCode.Kind);
        Assert.Equal(1, server.FailedLoginCount);
        Assert.True(client.IsAuthenticated);
    }

    [Fact]
    public async Task RecordedCommandsNeverContainTheSecrets()
    {
        await using var server = DemoPop3Server.Start(new DemoPop3ServerOptions
        {
            Accounts = [new DemoPop3Account("alice", "s3cret-Pa55", new DemoMailbox([]))],
        });
        foreach (var mechanism in new[] { Pop3AuthenticationMechanism.User, Pop3AuthenticationMechanism.Plain, Pop3AuthenticationMechanism.Apop })
        {
            await using var client = await DemoClient.ConnectAsync(server);
            await client.AuthenticateAsync(mechanism, "alice", "s3cret-Pa55", Ct);
            await client.QuitAsync(Ct);
        }

        var commands = server.Sessions.SelectMany(static s => s.Commands).ToList();

        Assert.Contains("PASS ********", commands);
        Assert.Contains("AUTH PLAIN ********", commands);
        Assert.Contains("APOP alice ********", commands);
        Assert.DoesNotContain(commands, static c => c.Contains("s3cret", StringComparison.Ordinal));
        Assert.DoesNotContain(commands, static c => c.StartsWith("AUTH PLAIN A", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ListAndUidlDescribeEveryMessageInOrder()
    {
        await using var server = DemoPop3Server.Start();
        await using var client = await DemoClient.LoginAsync(server);

        var sizes = await client.ListAsync(Ct);
        var uids = await client.UidlAsync(Ct);
        var third = await client.ListAsync(3, Ct);
        var thirdUid = await client.UidlAsync(3, Ct);

        Assert.Equal(Sample.Messages.Select(static (m, i) => new Pop3MessageSize(i + 1, m.Size)), sizes);
        Assert.Equal(Sample.Messages.Select(static (m, i) => new Pop3MessageUid(i + 1, m.Uid)), uids);
        Assert.Equal(new Pop3MessageSize(3, Sample.Messages[2].Size), third);
        Assert.Equal(new Pop3MessageUid(3, Sample.Messages[2].Uid), thirdUid);
        Assert.Equal(uids.Count, uids.Select(static u => u.Uid).Distinct().Count());
    }

    [Fact]
    public async Task RetrieveReturnsEverySampleMessageByteForByte()
    {
        await using var server = DemoPop3Server.Start();
        await using var client = await DemoClient.LoginAsync(server);

        for (var number = 1; number <= Sample.Messages.Count; number++)
        {
            var message = Sample.Messages[number - 1];
            await using var body = await client.RetrieveAsync(number, Ct);
            var received = await DemoClient.ReadAllAsync(body);

            Assert.Equal(message.Size, received.Length);
            Assert.True(message.Content.Span.SequenceEqual(received), $"RETR {number} ({message.Name}) differs from the message.");
            if (SampleFiles.Names.Contains(message.Name))
            {
                Assert.True(SampleFiles.ReadCrlf(message.Name).AsSpan().SequenceEqual(received), $"RETR {number} differs from {message.Name}.");
            }
        }
    }

    [Fact]
    public async Task TopReturnsTheHeaderAndAsManyBodyLinesAsAsked()
    {
        const string Name = "13-dot-lines.eml";
        await using var server = DemoPop3Server.Start();
        await using var client = await DemoClient.LoginAsync(server);
        var number = SampleFiles.IndexOf(Sample.Messages, Name) + 1;
        var file = SampleFiles.ReadCrlf(Name);
        var headerEnd = file.AsSpan().IndexOf("\r\n\r\n"u8) + 4;
        var lines = System.Text.Encoding.Latin1.GetString(file, headerEnd, file.Length - headerEnd).Split("\r\n");

        await using var headerOnly = await client.TopAsync(number, 0, Ct);
        var header = await DemoClient.ReadAllAsync(headerOnly);
        await using var firstFive = await client.TopAsync(number, 5, Ct);
        var withLines = await DemoClient.ReadAllAsync(firstFive);
        await using var beyondTheEnd = await client.TopAsync(number, 10_000, Ct);
        var whole = await DemoClient.ReadAllAsync(beyondTheEnd);

        Assert.Equal(file[..headerEnd], header);
        Assert.Equal(System.Text.Encoding.Latin1.GetString(file[..headerEnd]) + string.Concat(lines.Take(5).Select(static l => l + "\r\n")),
            System.Text.Encoding.Latin1.GetString(withLines));
        Assert.Equal(file, whole);
    }

    [Fact]
    public async Task DeleteThenResetKeepsEveryMessage()
    {
        await using var server = DemoPop3Server.Start();
        await using (var client = await DemoClient.LoginAsync(server))
        {
            await client.DeleteAsync([1, 2], Ct);
            var afterDelete = await client.StatAsync(Ct);
            await client.ResetAsync(Ct);
            var afterReset = await client.StatAsync(Ct);
            await client.QuitAsync(Ct);

            Assert.Equal(Sample.Messages.Count - 2, afterDelete.MessageCount);
            Assert.Equal(Sample.Size - Sample.Messages[0].Size - Sample.Messages[1].Size, afterDelete.MailboxSize);
            Assert.Equal(new Pop3Statistics(Sample.Messages.Count, Sample.Size), afterReset);
        }

        Assert.Equal(Sample.Messages.Count, server.GetMessages(DemoPop3Server.DemoUserName).Count);
    }

    [Fact]
    public async Task DeleteThenQuitRemovesTheMessageForTheNextSessionOnly()
    {
        await using var server = DemoPop3Server.Start();
        var deleted = Sample.Messages[1];
        await using (var client = await DemoClient.LoginAsync(server))
        {
            await client.DeleteAsync(2, Ct);
            await client.QuitAsync(Ct);
        }

        await using var next = await DemoClient.LoginAsync(server);
        var uids = await next.UidlAsync(Ct);

        Assert.Equal(Sample.Messages.Count - 1, uids.Count);
        Assert.DoesNotContain(deleted.Uid, uids.Select(static u => u.Uid));
        Assert.Equal(Sample.Messages[2].Uid, uids[1].Uid); // Messages after it move up by one number.
        Assert.DoesNotContain(deleted, server.GetMessages(DemoPop3Server.DemoUserName));
        Assert.Contains(deleted, DemoMailbox.Sample.Messages); // The shipped mailbox itself never changes.
        await using var fresh = DemoPop3Server.Start();
        Assert.Equal(Sample.Messages.Count, fresh.GetMessages(DemoPop3Server.DemoUserName).Count);
    }

    [Fact]
    public async Task DeletionsOfASessionWithoutQuitAreDiscarded()
    {
        await using var server = DemoPop3Server.Start();
        var client = await DemoClient.LoginAsync(server);
        await client.DeleteAsync(1, Ct);
        await client.DisposeAsync();

        var end = await server.Sessions[0].Completion.Within();

        Assert.Equal(DemoPop3SessionEnd.ClientDisconnected, end);
        Assert.False(server.Sessions[0].QuitReceived);
        Assert.Equal(Sample.Messages.Count, server.GetMessages(DemoPop3Server.DemoUserName).Count);
    }

    [Fact]
    public async Task SecondLoginToALockedMaildropGetsInUseUntilTheFirstQuits()
    {
        await using var server = DemoPop3Server.Start();
        await using var first = await DemoClient.LoginAsync(server);
        await using var second = await DemoClient.ConnectAsync(server);

        var error = await Assert.ThrowsAsync<Pop3AuthenticationException>(
            () => second.AuthenticateAsync(DemoPop3Server.DemoUserName, DemoPop3Server.DemoPassword, Ct));
        await first.QuitAsync(Ct);
        await second.AuthenticateAsync(DemoPop3Server.DemoUserName, DemoPop3Server.DemoPassword, Ct);

        // RFC 2449 §8.1.1: [IN-USE] means the lock, not the password, is the problem.
        Assert.Equal(Pop3ResponseCodeKind.InUse, error.ResponseCode.Kind);
        Assert.True(second.IsAuthenticated);
        Assert.Equal(0, server.FailedLoginCount);
    }

    [Fact]
    public async Task WithoutTheExclusiveLockTwoSessionsShareAMaildropAndBothCommit()
    {
        await using var server = DemoPop3Server.Start(new DemoPop3ServerOptions { ExclusiveLock = false });
        await using var first = await DemoClient.LoginAsync(server);
        await using var second = await DemoClient.LoginAsync(server);

        await first.DeleteAsync([1, 2], Ct);
        await second.DeleteAsync([2, 3], Ct);
        await first.QuitAsync(Ct);
        await second.QuitAsync(Ct);

        var left = server.GetMessages(DemoPop3Server.DemoUserName);
        Assert.Equal(Sample.Messages.Count - 3, left.Count);
        Assert.Equal(Sample.Messages.Skip(3), left);
    }

    [Fact]
    public async Task PipelinedSummariesCoverTheWholeMailbox()
    {
        await using var server = DemoPop3Server.Start();
        await using var client = await DemoClient.LoginAsync(server);

        var summaries = await client.GetMessageSummariesAsync(1, Sample.Messages.Count, cancellationToken: Ct);

        Assert.True(client.IsPipelining);
        Assert.Equal(Enumerable.Range(1, Sample.Messages.Count), summaries.Select(static s => s.MessageNumber));
        Assert.Equal(Sample.Messages.Select(static m => m.Uid), summaries.Select(static s => s.Uid));
        Assert.Equal(Sample.Messages.Select(static m => m.Size), summaries.Select(static s => s.Size));
        Assert.Contains(summaries, static s => s.Subject == "Привет! Как дела?");
        Assert.Contains(summaries, static s => s.Subject == "Привет, отчёт за октябрь");
        Assert.Contains(summaries, static s => s.Subject == "Привет из бухгалтерии: счёт на оплату");
        Assert.All(summaries, static s => Assert.NotNull(s.Date));
        var tops = server.Sessions[0].Commands.Where(static c => c.StartsWith("TOP ", StringComparison.Ordinal));
        Assert.Equal(Enumerable.Range(1, Sample.Messages.Count).Select(static n => $"TOP {n} 0"), tops);
    }

    [Fact]
    public async Task DeliveredMessageAppearsAtTheNextLogin()
    {
        await using var server = DemoPop3Server.Start();
        await using var before = await DemoClient.LoginAsync(server);
        var arrived = DemoMessage.Create("99-new.eml", "From: a@example.com\nSubject: New\n\nJust arrived.\n"u8);

        server.Deliver(DemoPop3Server.DemoUserName, arrived);
        var countInOpenSession = (await before.StatAsync(Ct)).MessageCount;
        await before.QuitAsync(Ct);
        await using var after = await DemoClient.LoginAsync(server);
        await using var body = await after.RetrieveAsync(Sample.Messages.Count + 1, Ct);

        Assert.Equal(Sample.Messages.Count, countInOpenSession); // A session works on its login snapshot.
        Assert.Equal(arrived.Content.ToArray(), await DemoClient.ReadAllAsync(body));
        Assert.Throws<InvalidOperationException>(() => server.Deliver(DemoPop3Server.DemoUserName, arrived));
    }

    [Fact]
    public async Task EachAccountHasItsOwnMaildrop()
    {
        var shared = new DemoMailbox([DemoMessage.Create("1.eml", "Subject: one\r\n\r\nbody\r\n"u8), DemoMessage.Create("2.eml", "Subject: two\r\n\r\nbody\r\n"u8)]);
        await using var server = DemoPop3Server.Start(new DemoPop3ServerOptions
        {
            Accounts = [new DemoPop3Account("alice", "a", shared), new DemoPop3Account("bob", "b", shared)],
        });

        await using (var alice = await DemoClient.LoginAsync(server, "alice", "a"))
        {
            await alice.DeleteAsync(1, Ct);
            await alice.QuitAsync(Ct);
        }

        await using var bob = await DemoClient.LoginAsync(server, "bob", "b");
        await Assert.ThrowsAsync<Pop3AuthenticationException>(() => DemoClient.LoginAsync(server, "alice", "b"));

        Assert.Equal(2, (await bob.StatAsync(Ct)).MessageCount);
        Assert.Single(server.GetMessages("alice"));
        Assert.Equal(2, shared.Messages.Count);
    }

    [Fact]
    public async Task QuitIsObservableThroughCountersEventsAndTheSessionRecord()
    {
        await using var server = DemoPop3Server.Start();
        var commands = new List<string>();
        var ended = new TaskCompletionSource<DemoPop3SessionInfo>(TaskCreationOptions.RunContinuationsAsynchronously);
        server.CommandReceived += (_, e) => { lock (commands) { commands.Add(e.Command); } };
        server.SessionEnded += (_, e) => ended.TrySetResult(e.Session);
        await using var client = await DemoClient.LoginAsync(server);
        await client.NoopAsync(Ct);

        await client.QuitAsync(Ct);
        await server.WaitForQuitAsync(cancellationToken: Ct).Within();
        var session = await ended.Task.Within();

        Assert.Equal(1, server.QuitCount);
        Assert.True(session.QuitReceived);
        Assert.Equal(DemoPop3SessionEnd.Quit, await session.Completion);
        Assert.Equal(DemoPop3SessionEnd.Quit, session.EndReason);
        Assert.False(session.IsOpen);
        Assert.Equal(0, server.OpenSessionCount);
        Assert.Equal(1, server.TotalSessionCount);
        // The server announced PIPELINING before login, so the client leaves the CAPA re-read for its first listing.
        Assert.Equal(["CAPA", "AUTH PLAIN ********", "NOOP", "QUIT"], session.Commands);
        lock (commands)
        {
            Assert.Equal(session.Commands, commands);
        }
    }

    [Fact]
    public async Task DisposingTheServerClosesOpenSessionsWithoutCommitting()
    {
        var server = DemoPop3Server.Start();
        await using var client = await DemoClient.LoginAsync(server);
        await client.DeleteAsync(1, Ct);

        await server.DisposeAsync().AsTask().Within();

        Assert.Equal(DemoPop3SessionEnd.ServerStopped, server.Sessions[0].EndReason);
        await Assert.ThrowsAsync<Pop3ProtocolException>(() => client.NoopAsync(Ct));
        Assert.Equal(Sample.Messages.Count, server.GetMessages(DemoPop3Server.DemoUserName).Count);
    }

    [Fact]
    public async Task ConnectionsBeyondMaxSessionsAreRefusedWithSysTemp()
    {
        await using var server = DemoPop3Server.Start(new DemoPop3ServerOptions { MaxSessions = 1 });
        await using var first = await DemoClient.ConnectAsync(server);

        await using var second = await RawPop3Connection.ConnectAsync(server);
        var refusal = await second.ReadLineAsync();
        var rest = await second.ReadToEndAsync();

        Assert.Equal("-ERR [SYS/TEMP] Too many open sessions, try again later", refusal);
        Assert.Empty(rest);
        Assert.Equal(DemoPop3SessionEnd.Rejected, await server.Sessions[1].Completion.Within());
        Assert.True(first.IsConnected);
    }

    [Fact]
    public async Task FinishedSessionsBeyondTheHistoryLimitAreForgotten()
    {
        await using var server = DemoPop3Server.Start(new DemoPop3ServerOptions { SessionHistoryLimit = 2 });
        await using var open = await DemoClient.ConnectAsync(server);
        for (var i = 0; i < 4; i++)
        {
            await using var client = await DemoClient.ConnectAsync(server);
            await client.QuitAsync(Ct);
        }

        await server.WaitUntilAsync(static s => s.OpenSessionCount == 1, Ct).Within();

        Assert.Equal([1, 4, 5], server.Sessions.Select(static s => s.Id));
        Assert.Equal(5, server.TotalSessionCount);
    }

    [Fact]
    public void StartRefusesOptionsOutsideTheRfcLimits()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => DemoPop3Server.Start(new DemoPop3ServerOptions { MaxCommandLineLength = 254 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => DemoPop3Server.Start(new DemoPop3ServerOptions { IdleTimeout = TimeSpan.Zero }));
        Assert.Throws<ArgumentOutOfRangeException>(() => DemoPop3Server.Start(new DemoPop3ServerOptions { Port = 70_000 }));
        var mailbox = new DemoMailbox([]);
        Assert.Throws<ArgumentException>(() => DemoPop3Server.Start(new DemoPop3ServerOptions
        {
            Accounts = [new DemoPop3Account("a", "1", mailbox), new DemoPop3Account("a", "2", mailbox)],
        }));
        Assert.Throws<ArgumentException>(() => new DemoPop3Account("with space", "p", mailbox));
        Assert.Equal("a", new DemoPop3Account("a", "secret", mailbox).ToString());
    }
}
