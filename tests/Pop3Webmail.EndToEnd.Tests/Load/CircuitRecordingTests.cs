using Pop3Webmail.EndToEnd.Tests.Support;
using Pop3Webmail.Testing.Circuits;
using Pop3Webmail.Testing.Circuits.Webmail;

namespace Pop3Webmail.EndToEnd.Tests.Load;

/// <summary>
/// The batches the server sends, replayed without it, rebuild exactly the page the live client built: the batch
/// reader and the mirror depend on nothing else. This is also how Recordings/visit.json was made (see
/// <see cref="RecordedVisit"/>), which the replay tests read.
/// </summary>
[Collection(BrowserCollectionDefinition.Name)]
public sealed class CircuitRecordingTests(WebmailFixture fixture)
{
    [Fact(Timeout = 120_000)]
    public async Task ReplayingTheBatchesOfALiveVisitRebuildsThePageTheClientSaw()
    {
        fixture.Require();
        var account = fixture.CreateAccount("recorded", [.. RecordedVisit.Messages]);
        var recording = new CircuitRecording();
        await using var client = new CircuitClient(new CircuitClientOptions { Recording = recording });

        await WebmailScenario.RunAsync(client, fixture.App.BaseAddress, account.Name, account.Password, TestContext.Current.CancellationToken);
        // Batches keep coming after the visit (the client lives on); the page and the recording are taken together.
        var (live, recorded) = client.Read(page => (page.InnerHtml, recording.Entries.Count));
        if (Environment.GetEnvironmentVariable(RecordedVisit.RecordVariable) is { Length: > 0 } path)
        {
            recording.Save(path);
        }

        Assert.True(client.Errors.Count == 0, string.Join(Environment.NewLine, client.Errors));
        Assert.Contains(recording.Entries, entry => entry.PageLoad is not null);
        Assert.True(recording.Entries.Count(entry => entry.Batch is not null) > 10, "A whole visit takes more than ten render batches.");
        Assert.Equal(WithoutFocusMarks(live), WithoutFocusMarks(recording.Replay(upTo: recorded).InnerHtml));
    }

    /// <summary>
    /// FocusOnNavigate focuses the heading through blazor.web.js, which gives it tabindex="-1" in the page itself;
    /// that mark is the client's, not the server's, so it is not in the batches.
    /// </summary>
    private static string WithoutFocusMarks(string html) => html.Replace(" tabindex=\"-1\"", string.Empty, StringComparison.Ordinal);
}
