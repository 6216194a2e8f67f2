using System.Collections.Concurrent;
using Microsoft.Playwright;
using Pop3Webmail.EndToEnd.Tests.Support;
using Pop3Webmail.Testing;

namespace Pop3Webmail.EndToEnd.Tests.Browser;

[Collection(BrowserCollectionDefinition.Name)]
public sealed class DownloadTests(WebmailFixture fixture)
{
    [Fact(Timeout = 60_000)]
    public async Task AnAttachmentAndTheWholeMessageDownloadByteForByte()
    {
        fixture.Require();
        var report = MessageFactory.WithAttachments("Report with attachments", WebmailFixture.FirstDate);
        var account = fixture.CreateAccount("download", MessageFactory.Plain("Older", "Nothing attached.", WebmailFixture.FirstDate.AddHours(-1)), report);
        await using var tab = await fixture.OpenTabAsync();
        await tab.SignInAsync(account);
        await tab.OpenMessageAsync(report.Subject);
        await tab.ScreenshotAsync("message-attachments");

        var pdf = await tab.Page.RunAndWaitForDownloadAsync(() => AttachmentDownloadButton(tab, MessageFactory.RussianAttachmentName).ClickAsync());
        var pdfBytes = await File.ReadAllBytesAsync(await pdf.PathAsync(), TestContext.Current.CancellationToken);
        var eml = await tab.Page.RunAndWaitForDownloadAsync(() => tab.Page.Locator(".message-download").ClickAsync());
        var emlBytes = await File.ReadAllBytesAsync(await eml.PathAsync(), TestContext.Current.CancellationToken);
        var stored = await File.ReadAllBytesAsync(account.Server.MessageFiles(account.Name)[1], TestContext.Current.CancellationToken);

        Assert.Equal(MessageFactory.RussianAttachmentName, pdf.SuggestedFilename);
        Assert.Equal(SampleFiles.Pdf, pdfBytes);
        Assert.EndsWith(".eml", eml.SuggestedFilename, StringComparison.Ordinal);
        Assert.Equal(report.Content, emlBytes);
        Assert.Equal(stored, emlBytes);

        // The page stayed where it was: a download is not a navigation away from the message.
        await Assertions.Expect(tab.Page.Locator(".message-view .message-subject")).ToHaveTextAsync(report.Subject);
    }

    [Fact(Timeout = 60_000)]
    public async Task ADownloadLinkWorksOnlyInTheBrowserItWasIssuedTo()
    {
        fixture.Require();
        var owner = fixture.CreateAccount("link-owner", MessageFactory.WithAttachments("Owner's report", WebmailFixture.FirstDate));
        var other = fixture.CreateAccount("link-other", MessageFactory.Plain("Other's mail", "Hello.", WebmailFixture.FirstDate));
        await using var ownerTab = await fixture.OpenTabAsync();
        await using var otherTab = await fixture.OpenTabAsync();
        await otherTab.SignInAsync(other);
        await ownerTab.SignInAsync(owner);
        await ownerTab.OpenMessageAsync("Owner's report");

        // The owner's browser asks for two links; they are caught before reaching the app, so both stay unused.
        var links = new ConcurrentQueue<string>();
        await ownerTab.Context.RouteAsync("**/download/**", route =>
        {
            links.Enqueue(route.Request.Url);
            // Answered as a download, as the app would: the page stays, and the app never sees the token.
            return route.FulfillAsync(new RouteFulfillOptions
            {
                Status = 200,
                Headers = new Dictionary<string, string> { ["Content-Disposition"] = "attachment; filename=\"intercepted.bin\"" },
                Body = string.Empty,
            });
        });
        await AttachmentDownloadButton(ownerTab, MessageFactory.RussianAttachmentName).ClickAsync();
        await AttachmentDownloadButton(ownerTab, MessageFactory.RussianAttachmentName).ClickAsync();
        await Assertions.Expect(ownerTab.Page.Locator(".message-view .message-subject")).ToBeVisibleAsync();
        await WaitForAsync(() => links.Count == 2);
        var (first, second) = links.ToArray() switch { [var a, var b] => (a, b), _ => throw new InvalidOperationException("Two links expected.") };

        var fromOtherBrowser = await otherTab.Context.APIRequest.GetAsync(first);
        var fromOwnerBrowser = await ownerTab.Context.APIRequest.GetAsync(second);
        var ownerBytes = await fromOwnerBrowser.BodyAsync();

        Assert.Equal(204, fromOtherBrowser.Status);
        Assert.Equal(200, fromOwnerBrowser.Status);
        Assert.Equal(SampleFiles.Pdf, ownerBytes);
    }

    [Fact(Timeout = 60_000)]
    public async Task AnImageAttachmentPreviewsInsideTheAppWhileAPdfIsADownloadOnly()
    {
        fixture.Require();
        var report = MessageFactory.WithAttachments("Report to preview", WebmailFixture.FirstDate);
        var account = fixture.CreateAccount("preview", report);
        await using var tab = await fixture.OpenTabAsync();
        await tab.SignInAsync(account);
        await tab.OpenMessageAsync(report.Subject);

        var pdfPreviews = await Attachment(tab, MessageFactory.RussianAttachmentName).Locator(".mail-attachment-preview").CountAsync();
        var preview = await tab.Page.RunAndWaitForResponseAsync(
            () => Attachment(tab, "chart.png").Locator(".mail-attachment-preview").ClickAsync(),
            response => response.Url.Contains("/download/", StringComparison.Ordinal));
        var image = tab.Page.Locator(".mail-attachment-preview-panel img");
        await Assertions.Expect(image).ToHaveJSPropertyAsync("naturalWidth", 24);
        await tab.ScreenshotAsync("message-attachment-preview");

        Assert.Equal(0, pdfPreviews);
        Assert.Equal(200, preview.Status);
        Assert.StartsWith("inline", await preview.HeaderValueAsync("content-disposition"), StringComparison.Ordinal);
        Assert.StartsWith("sandbox;", await preview.HeaderValueAsync("content-security-policy"), StringComparison.Ordinal);
        await Assertions.Expect(tab.Page.Locator(".message-view .message-subject")).ToHaveTextAsync(report.Subject);
    }

    [Fact(Timeout = 60_000)]
    public async Task ADownloadThatFailsLeavesTheReaderInTheAppToldWhyWithNothingCommitted()
    {
        fixture.Require();
        var date = WebmailFixture.FirstDate;
        var account = fixture.CreateAccount("download-gone",
            MessageFactory.Plain("Gone meanwhile", "Deleted by another mail program.", date),
            MessageFactory.Plain("Still here", "Stays.", date.AddHours(1)));
        await using var tab = await fixture.OpenTabAsync();
        var page = tab.Page;
        var downloads = 0;
        page.Download += (_, _) => downloads++;
        await tab.SignInAsync(account);
        await tab.OpenMessageAsync("Gone meanwhile");
        await account.DeleteInNewSessionAsync("Gone meanwhile", TestContext.Current.CancellationToken);
        var address = page.Url;

        await page.Locator(".message-download").ClickAsync();
        await page.Locator("iframe.download-frame").WaitForAsync(new LocatorWaitForOptions { State = WaitForSelectorState.Attached });
        await Assertions.Expect(page.Locator(".inbox-notice .mailbox-alert-text")).ToHaveTextAsync(UiText.Get("Components.Mailbox.MailboxText", "NoticeDownloadFailed"));

        // Still the app, still signed in: the next message opens over the same circuit.
        await tab.OpenMessageAsync("Still here");
        await Assertions.Expect(page.Locator(".message-view .mail-text-body")).ToHaveTextAsync("Stays.");
        Assert.Equal(address, page.Url.Replace(Uri.EscapeDataString(account.Key("Still here")), Uri.EscapeDataString(account.Key("Gone meanwhile")), StringComparison.Ordinal));
        Assert.Equal(0, downloads);
        Assert.Equal(1, account.Server.CountPop3Sessions(account.Name));
    }

    private static ILocator AttachmentDownloadButton(WebmailTab tab, string fileName) =>
        Attachment(tab, fileName).Locator(".mail-attachment-download");

    /// <summary>Route handlers run on Playwright's event loop; wait (bounded) until they have seen what the clicks sent.</summary>
    private static async Task WaitForAsync(Func<bool> condition)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(10));
        while (!condition())
        {
            await Task.Delay(20, timeout.Token);
        }
    }

    private static ILocator Attachment(WebmailTab tab, string fileName) =>
        tab.Page.Locator(".mail-attachment").Filter(new LocatorFilterOptions { HasText = fileName });
}
