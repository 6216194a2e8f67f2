using Pop3Webmail.EndToEnd.Tests.Support;
using Pop3Webmail.Testing;

namespace Pop3Webmail.EndToEnd.Tests.Browser;

/// <summary>
/// Sign-in to first rows is a budget (300 ms on loopback, measured in the browser and reported in the notes,
/// never asserted as a wall-clock limit here). What a test can hold on to is its shape: the inbox is painted with its
/// first rows in one render, with no second round trip to measure the list before any row shows.
/// </summary>
[Collection(BrowserCollectionDefinition.Name)]
public sealed class SignInSpeedTests(WebmailFixture fixture)
{
    /// <summary>Numbers the DOM mutation batches after the click; notes in which one the mailbox and its first row appeared.</summary>
    private const string Probe = """
        () => {
          window.__batches = { n: 0 };
          document.addEventListener('click', e => { if (e.target.closest('.login-submit')) window.__batches.n = 1; }, true);
          new MutationObserver(() => {
            const b = window.__batches;
            if (!b.n) return;
            b.n++;
            if (b.mailbox === undefined && document.querySelector('.mailbox')) b.mailbox = b.n;
            if (b.rows === undefined && document.querySelector('.inbox-row[data-key]')) b.rows = b.n;
          }).observe(document, { subtree: true, childList: true });
        }
        """;

    [Fact(Timeout = 60_000)]
    public async Task TheInboxIsPaintedWithItsFirstRowsInOneRender()
    {
        fixture.Require();
        var account = fixture.CreateAccount("first-rows", [.. new MailboxBuilder().AddMany(500, WebmailFixture.FirstDate, TimeSpan.FromHours(1)).Messages]);
        await using var tab = await fixture.OpenTabAsync();
        await tab.GotoAsync("login");
        await tab.Page.EvaluateAsync(Probe);

        await tab.SignInAsync(account);

        var mailbox = await tab.Page.EvaluateAsync<int>("() => window.__batches.mailbox");
        var rows = await tab.Page.EvaluateAsync<int>("() => window.__batches.rows");
        Assert.Equal(mailbox, rows);
    }
}
