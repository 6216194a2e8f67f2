using System.Globalization;
using Pop3Webmail.EndToEnd.Tests.Support;
using Pop3Webmail.Testing;
using Pop3Webmail.Testing.Circuits;
using Pop3Webmail.Testing.Circuits.Webmail;

namespace Pop3Webmail.EndToEnd.Tests.ScaleOut;

/// <summary>
/// The small version of the shutdown drain (the benchmark's <c>--shutdown</c> measures a thousand): an instance with
/// fifty signed-in visits, each with a message marked for deletion, is stopped with SIGTERM as Docker or Kubernetes stop
/// it. Correctness, not timing: the app exits cleanly, and before it does every visit ends with RSET and QUIT, so the
/// server saw each session logged out (not cut) with nothing deleted — the marks were the users' to commit, not the
/// shutdown's. A drain that ran out of the app's budget would show as sessions cut when the process exited.
/// </summary>
[Collection(ScaleOutCollectionDefinition.Name)]
public sealed class GracefulShutdownTests(ScaleOutFixture fixture)
{
    private const int Visits = 50;

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact(Timeout = 300_000)]
    public async Task SigtermEndsEveryOpenVisitWithRsetAndQuitBeforeTheAppExits()
    {
        fixture.Require();
        await fixture.ReadyAsync(Cancellation);
        var instance = fixture.Instances[1];
        var accounts = Enumerable.Range(1, Visits).Select(_ => fixture.CreateAccount("drain", Mailbox())).ToList();
        var clients = accounts.Select(_ => new CircuitClient(new CircuitClientOptions { Timeout = TimeSpan.FromSeconds(120) })).ToList();
        try
        {
            await Task.WhenAll(accounts.Select(async (account, i) =>
            {
                // A user who has not signed out yet, with the newest message marked for deletion.
                await WebmailSteps.SignInAsync(clients[i], instance.BaseAddress, account.Name, account.Password, Cancellation);
                await WebmailSteps.MarkTopRowForDeletionAsync(clients[i], Cancellation);
            }));
            var open = await instance.ActiveSessionsAsync(fixture.Http, Cancellation);
            await fixture.Dovecot.WaitForPop3SessionCountAsync(Visits, cancellationToken: Cancellation);

            var exitCode = await instance.StopAsync(Cancellation);

            Assert.Equal(Visits, open);
            Assert.Equal(0, exitCode);
            foreach (var account in accounts)
            {
                var session = await account.WaitForEndedSessionAsync(cancellationToken: Cancellation);
                Assert.Single(account.Sessions);
                Assert.True(session.LoggedOut, $"{account.Name}: {session.DisconnectReason}");
                Assert.Equal(0, session.Deleted);
                Assert.Equal(3, account.StoredMessageCount);
            }

            Assert.Equal(0, fixture.Dovecot.CountPop3Sessions());
        }
        finally
        {
            foreach (var client in clients)
            {
                await client.DisposeAsync();
            }
        }
    }

    private static TestMessage[] Mailbox() =>
    [
        .. Enumerable.Range(1, 3).Select(n => MessageFactory.Plain(
            string.Create(CultureInfo.InvariantCulture, $"Message {n}"), "Drain test.", WebmailFixture.FirstDate.AddHours(n))),
    ];
}
