using Pop3Webmail.EndToEnd.Tests.Support;
using Pop3Webmail.Testing;
using Pop3Webmail.Testing.Circuits;
using Pop3Webmail.Testing.Circuits.Webmail;

namespace Pop3Webmail.EndToEnd.Tests.Load;

/// <summary>
/// The load test's circuit client stands in for a browser only if it behaves like one: the same visit, made by real
/// Chromium and by the circuit client on the same mailbox, must show the same rows (scrolled to the end of a long list
/// too), the same message, the same deletion and undo, and the same sign-out, and leave the same trace on the POP3
/// server.
/// </summary>
[Collection(BrowserCollectionDefinition.Name)]
public sealed class CircuitClientMatchesChromiumTests(WebmailFixture fixture)
{
    [Fact(Timeout = 180_000)]
    public async Task TheCircuitClientSeesWhatChromiumSeesOnTheSameVisits()
    {
        fixture.Require();
        var date = WebmailFixture.FirstDate;
        var accounts = new[]
        {
            fixture.CreateAccount("same-plain", [.. Enumerable.Range(1, 120).Select(n => MessageFactory.Numbered(n, date.AddMinutes(n)))]),
            fixture.CreateAccount("same-mixed",
                MessageFactory.Plain("Oldest: project kickoff", "See you on Monday.", date),
                MessageFactory.Russian(RussianCharset.Koi8R, date.AddHours(1)),
                MessageFactory.WithAttachments("Quarterly report attached", date.AddHours(2)),
                MessageFactory.Html("Newsletter with an inline chart", date.AddHours(3)),
                MessageFactory.Russian(RussianCharset.Windows1251, date.AddHours(4), rawHeaders: true)),
        };

        foreach (var account in accounts)
        {
            await using var browser = await fixture.OpenTabAsync();
            var inChromium = await WebmailScenario.RunAsync(new PlaywrightBrowserTab(browser.Page), fixture.App.BaseAddress, account.Name, account.Password,
                TestContext.Current.CancellationToken);
            var chromiumSession = await account.WaitForEndedSessionAsync(cancellationToken: TestContext.Current.CancellationToken);

            await using var circuit = new CircuitClient();
            var inCircuit = await WebmailScenario.RunAsync(circuit, fixture.App.BaseAddress, account.Name, account.Password, TestContext.Current.CancellationToken);
            var circuitSession = await account.Server.WaitForSessionAsync(
                s => s.User == account.Name && s.Ended && s.SessionId != chromiumSession.SessionId, cancellationToken: TestContext.Current.CancellationToken);

            Assert.True(circuit.Errors.Count == 0, string.Join(Environment.NewLine, circuit.Errors));
            var rows = Math.Min(inChromium.Keys.Count, inCircuit.Keys.Count);
            Assert.True(rows >= Math.Min(10, account.Messages.Count), $"Chromium showed {inChromium.Keys.Count} rows, the circuit client {inCircuit.Keys.Count}.");
            Assert.Equal(inChromium.Keys.Take(rows), inCircuit.Keys.Take(rows));
            Assert.Equal(inChromium.Subjects.Take(rows), inCircuit.Subjects.Take(rows));

            // The same window at the end means the client reported what Chromium reported when scrolled there.
            Assert.Equal(inChromium.KeysAtEnd, inCircuit.KeysAtEnd);
            Assert.Equal(inChromium.SubjectsAtEnd, inCircuit.SubjectsAtEnd);
            Assert.Equal(Essentials(inChromium), Essentials(inCircuit));
            Assert.Equal((chromiumSession.LoggedOut, chromiumSession.Deleted, chromiumSession.Retrieved),
                (circuitSession.LoggedOut, circuitSession.Deleted, circuitSession.Retrieved));
        }
    }

    /// <summary>Everything a visit saw after the first rows, as one comparable value.</summary>
    private static (string, string, string, string, string, string, int, string) Essentials(WebmailVisit visit) =>
        (visit.Statistics, visit.OpenedKey, visit.OpenedSubject, visit.OpenedFrom, visit.SubjectAfterDelete, visit.PendingNotice,
            visit.PendingRowsAfterUndo, visit.SignedOutNotice);
}
