using System.Globalization;
using Pop3Webmail.EndToEnd.Tests.Support;
using Pop3Webmail.Testing;
using Pop3Webmail.Testing.Circuits;
using Pop3Webmail.Testing.Circuits.Webmail;

namespace Pop3Webmail.EndToEnd.Tests.Load;

/// <summary>
/// The small version of the load test (the benchmark's <c>--load</c> runs the big one): twenty circuit clients at
/// once, each a different user making the whole visit. Correctness only, no timings: nobody sees anyone else's
/// mail, nothing fails, and the server saw every session end with QUIT and nothing deleted (the undo came first).
/// </summary>
[Collection(BrowserCollectionDefinition.Name)]
public sealed class ConcurrentCircuitsTests(WebmailFixture fixture)
{
    private const int Users = 20;
    private const int MessagesEach = 40;

    [Fact(Timeout = 300_000)]
    public async Task TwentyConcurrentVisitsEachSeeTheirOwnMailboxAndDeleteNothing()
    {
        fixture.Require();
        var accounts = Enumerable.Range(1, Users).Select(user => fixture.CreateAccount("crowd", Mailbox(user))).ToList();
        var options = new CircuitClientOptions { Timeout = TimeSpan.FromSeconds(90) };

        var visits = await Task.WhenAll(accounts.Select(async account =>
        {
            await using var client = new CircuitClient(options);
            var visit = await WebmailScenario.RunAsync(client, fixture.App.BaseAddress, account.Name, account.Password, TestContext.Current.CancellationToken);
            return (Account: account, Visit: visit, client.Errors);
        }));

        foreach (var (account, visit, errors) in visits)
        {
            Assert.True(errors.Count == 0, $"{account.Name}: {string.Join(Environment.NewLine, errors)}");
            var newestFirst = account.Messages.Reverse().Select(m => m.Subject).ToList();
            Assert.NotEmpty(visit.Subjects);
            Assert.Equal(newestFirst.Take(visit.Subjects.Count), visit.Subjects);
            Assert.NotEmpty(visit.SubjectsAtEnd);
            Assert.Equal(newestFirst.TakeLast(visit.SubjectsAtEnd.Count), visit.SubjectsAtEnd);
            Assert.Equal(newestFirst[0], visit.OpenedSubject);
            Assert.Equal(newestFirst[1], visit.SubjectAfterDelete);
            Assert.Equal(UiText.Inbox("PendingDeletions", 1), visit.PendingNotice.Replace(" " + UiText.Inbox("UndoAll"), string.Empty, StringComparison.Ordinal));
            Assert.Equal(0, visit.PendingRowsAfterUndo);
            Assert.Equal(UiText.Login("SignedOut"), visit.SignedOutNotice);
        }

        foreach (var account in accounts)
        {
            var session = await account.WaitForEndedSessionAsync(cancellationToken: TestContext.Current.CancellationToken);
            Assert.True(session.LoggedOut, $"{account.Name}: {session.DisconnectReason}");
            Assert.Equal(0, session.Deleted);
            Assert.Single(account.Sessions);
            Assert.Equal(MessagesEach, account.StoredMessageCount);
        }
    }

    /// <summary>A mailbox whose every subject names its user, so a row from another mailbox cannot pass unnoticed.</summary>
    private static TestMessage[] Mailbox(int user) =>
    [
        .. Enumerable.Range(1, MessagesEach).Select(n => MessageFactory.Plain(
            string.Create(CultureInfo.InvariantCulture, $"User {user:D2}, message {n:D2}"),
            "Crowd test.",
            WebmailFixture.FirstDate.AddMinutes(n))),
    ];
}
