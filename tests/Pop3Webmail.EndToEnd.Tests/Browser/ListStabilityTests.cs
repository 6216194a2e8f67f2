using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Playwright;
using Pop3Webmail.EndToEnd.Tests.Support;
using Pop3Webmail.Testing;

namespace Pop3Webmail.EndToEnd.Tests.Browser;

/// <summary>
/// The message list under stress: reloads in the middle of scrolling, and a walk through a long list (hostile mail
/// among it) while it keeps loading and mail is checked. Rows stay where they were found; nothing is logged.
/// </summary>
[Collection(BrowserCollectionDefinition.Name)]
public sealed class ListStabilityTests(WebmailFixture fixture)
{
    [Fact(Timeout = 120_000)]
    public async Task ReloadingWhileTheListScrollsLogsNothing()
    {
        fixture.Require();
        var settings = WebmailFixture.ServerSettings(0, WebmailFixture.DovecotServerName, fixture.Dovecot)
            .Append(new("Mail:RateLimits:AttemptsPerUser", "1000"))
            .Append(new("Mail:ResumeGracePeriod", WebmailFixture.ResumeGrace.ToString("c", CultureInfo.InvariantCulture)));
        await using var app = WebmailApp.Start(settings, services => services.AddFakeLogging());
        var logs = app.Services.GetRequiredService<FakeLogCollector>();
        var account = fixture.CreateAccount("reload", [.. new MailboxBuilder().AddMany(400, WebmailFixture.FirstDate, TimeSpan.FromMinutes(30)).Messages]);
        await using (var tab = await WebmailTab.OpenAsync(fixture.Browser, app.BaseAddress))
        {
            await tab.GotoAsync("login");
            for (var round = 0; round < 4; round++)
            {
                await SignInUnlessResumedAsync(tab, account);

                // The grid scrolls a row and a half every frame; the reload comes in the middle of it.
                await tab.Page.Locator(".inbox-grid").EvaluateAsync("g => { const step = () => { g.scrollTop += 66; requestAnimationFrame(step); }; step(); }");
                await tab.Page.WaitForFunctionAsync("() => +document.querySelector('.inbox-grid').dataset.first > 60");
                await tab.Page.ReloadAsync();
                await tab.WaitUntilInteractiveAsync();
            }
        }

        // Every circuit of this test has closed (its session with it): all their components have been disposed.
        await account.Server.WaitForPop3SessionCountAsync(0, account.Name, cancellationToken: TestContext.Current.CancellationToken);
        var problems = logs.GetSnapshot().Where(r => r.Level >= LogLevel.Warning).Select(r => $"{r.Level} {r.Category}: {r.Message} {r.Exception?.GetType().Name}");
        Assert.Empty(problems);
    }

    [Fact(Timeout = 120_000)]
    public async Task AWalkThroughALongListOpensEveryClickedMessageAndNeverLosesItsPlace()
    {
        fixture.Require();
        var builder = new MailboxBuilder().AddMany(300, WebmailFixture.FirstDate, TimeSpan.FromHours(1));
        builder.Add(MessageFactory.HostileHtml(WebmailFixture.FirstDate.AddDays(20)));
        var account = fixture.CreateAccount("walk", [.. builder.Messages]);
        var context = await fixture.Browser.NewContextAsync(new Microsoft.Playwright.BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 768, Height = 900 } });
        await using var tab = await WebmailTab.OpenAsync(context, fixture.App.BaseAddress);
        var page = tab.Page;
        var grid = page.Locator(".inbox-grid");
        await tab.SignInAsync(account);
        var opened = new List<string>();
        var places = new List<(double Before, double After)>();

        foreach (var index in new[] { 0, 40, 120, 260, 180, 299, 75, 210, 5, 150 })
        {
            var subject = index == 0 ? account.Messages[^1].Subject : MessageFactory.NumberedSubject(301 - index);
            await grid.EvaluateAsync("(g, i) => g.scrollTop = Math.max(0, i * 44 - 200)", index);
            var row = tab.Row(subject);
            await Assertions.Expect(row).ToBeInViewportAsync();
            var before = await grid.EvaluateAsync<double>("g => g.scrollTop");
            await row.Locator(".col-subject").ClickAsync();
            await Assertions.Expect(page.Locator(".message-view .message-subject")).ToHaveTextAsync(subject);
            opened.Add(subject);
            await page.GoBackAsync();
            await Assertions.Expect(row).ToBeInViewportAsync();
            places.Add((before, await grid.EvaluateAsync<double>("g => g.scrollTop")));
            if (index == 120)
            {
                // New mail is looked for in the middle of the walk: the list is published anew under the reader.
                await page.Locator(".inbox-check").ClickAsync();
                await page.Locator(".inbox-notice").WaitForAsync();
            }
        }

        Assert.Equal(10, opened.Count);
        Assert.All(places, p => Assert.Equal(p.Before, p.After));
        Assert.Equal(string.Empty, string.Join(", ", tab.Dialogs)); // the hostile mail ran nothing
    }

    private static async Task SignInUnlessResumedAsync(WebmailTab tab, MailAccount account)
    {
        var rowsOrLogin = tab.InboxRows.First.Or(tab.Page.Locator(".login-user input"));
        await rowsOrLogin.WaitForAsync();
        if (await tab.Page.Locator(".login-user input").IsVisibleAsync())
        {
            await tab.SignInAsync(account);
        }
    }
}
