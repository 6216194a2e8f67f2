using Bunit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using MudBlazor.Services;
using Pop3Webmail.Web.Components.Mail;
using Pop3Webmail.Web.Mail;
using Pop3Webmail.Web.Session;

namespace Pop3Webmail.Web.Tests.Mail;

public class MailBodyTests : BunitContext
{
    private const string BrowserKey = "browser-of-this-tab";
    private readonly MailFrameStore _frames = new(new FakeTimeProvider(), Options.Create(new MailRenderingOptions()));

    public MailBodyTests()
    {
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddMudServices();
        Services.AddLocalization(o => o.ResourcesPath = "Resources");
        Services.AddSingleton(_frames);
        Services.AddSingleton(new BrowserContext { BrowserKey = BrowserKey });
    }

    [Fact]
    public void HtmlBodyIsShownInATitledFrameSandboxedWithoutScriptsOrSameOrigin()
    {
        var view = MailFixtures.Renderer.Render(MailFixtures.HtmlMessage("<p>Hello</p><script>alert(1)</script>"));

        var cut = Render<MailBody>(p => p.Add(x => x.Message, view));

        var iframe = cut.Find("iframe");
        var sandbox = iframe.GetAttribute("sandbox")!.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(["allow-popups", "allow-popups-to-escape-sandbox"], sandbox);
        Assert.DoesNotContain("allow-scripts", sandbox);
        Assert.DoesNotContain("allow-same-origin", sandbox);
        Assert.Equal("no-referrer", iframe.GetAttribute("referrerpolicy"));
        Assert.Equal("Message body", iframe.GetAttribute("title"));
        Assert.Null(iframe.GetAttribute("srcdoc"));
        var frame = _frames.Redeem(TokenOf(iframe.GetAttribute("src")));
        Assert.Equal(new MailFrame(BrowserKey, view.Html!.Document, RemoteContentAllowed: false, frame!.Expires), frame);
    }

    [Fact]
    public void TheFrameDocumentOpensWithTheStrictContentSecurityPolicy()
    {
        var view = MailFixtures.Renderer.Render(MailFixtures.HtmlMessage("<p>Hello</p>"));

        var cut = Render<MailBody>(p => p.Add(x => x.Message, view));

        Assert.StartsWith(
            "<!DOCTYPE html><html><head><meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; img-src data:; style-src 'unsafe-inline';",
            _frames.Redeem(TokenOf(cut.Find("iframe").GetAttribute("src")))!.Document,
            StringComparison.Ordinal);
    }

    [Fact]
    public void TheSameRenderingKeepsItsFrameAndANewOneGetsANewFrame()
    {
        var blocked = MailFixtures.Renderer.Render(MailFixtures.HtmlMessage("<img src=\"https://evil.example/a.png\">"));
        var shown = MailFixtures.Renderer.Render(MailFixtures.HtmlMessage("<img src=\"https://evil.example/a.png\">"), showRemoteContent: true);
        var cut = Render<MailBody>(p => p.Add(x => x.Message, blocked));
        var first = cut.Find("iframe").GetAttribute("src");

        cut.Render(p => p.Add(x => x.Message, blocked));
        var same = cut.Find("iframe").GetAttribute("src");
        cut.Render(p => p.Add(x => x.Message, shown));
        var second = cut.Find("iframe").GetAttribute("src");

        Assert.Equal(first, same);
        Assert.NotEqual(first, second);
        Assert.Null(_frames.Redeem(TokenOf(first))); // revoked: that rendering is no longer on the page
        Assert.True(_frames.Redeem(TokenOf(second))!.RemoteContentAllowed);
    }

    [Fact]
    public async Task LeavingTheMessageRevokesAFrameNotLoadedYet()
    {
        var view = MailFixtures.Renderer.Render(MailFixtures.HtmlMessage("<p>Hello</p>"));
        var cut = Render<MailBody>(p => p.Add(x => x.Message, view));
        var token = TokenOf(cut.Find("iframe").GetAttribute("src"));

        await DisposeComponentsAsync();

        Assert.Null(_frames.Redeem(token));
        Assert.Equal(0, _frames.Count);
    }

    [Fact]
    public void ACutBodySaysSoAndOffersTheWholeMessage()
    {
        using var culture = new CultureScope("en");
        var renderer = MailFixtures.CreateRenderer(new MailRenderingOptions { MaxTextBodyBytes = 10 });
        var view = renderer.Render(MailFixtures.Parse("Content-Type: text/plain", string.Empty, "0123456789 and more"));
        var downloads = 0;

        var cut = Render<MailBody>(p => p
            .Add(x => x.Message, view)
            .Add(x => x.DownloadMessage, () => downloads++));
        cut.Find("button.mail-download-whole").Click();

        Assert.Contains("too long to show in full", cut.Find(".mail-truncated").TextContent, StringComparison.Ordinal);
        Assert.Equal("0123456789", cut.Find(".mail-text-body").TextContent);
        Assert.Equal(1, downloads);
    }

    [Fact]
    public void AWholeBodyHasNoTruncationNotice()
    {
        var view = MailFixtures.Renderer.Render(MailFixtures.HtmlMessage("<p>Hello</p>"));

        var cut = Render<MailBody>(p => p.Add(x => x.Message, view));

        Assert.Empty(cut.FindAll(".mail-truncated"));
    }

    [Fact]
    public void BlockedRemoteContentShowsABarWhoseButtonAsksToShowIt()
    {
        var view = MailFixtures.Renderer.Render(MailFixtures.HtmlMessage("<img src=\"https://evil.example/track.gif\">"));
        var requests = 0;

        var cut = Render<MailBody>(p => p
            .Add(x => x.Message, view)
            .Add(x => x.ShowRemoteContent, () => requests++));
        cut.Find("button.mail-show-remote").Click();

        Assert.Contains("Remote images are blocked", cut.Find(".mail-remote-blocked").TextContent, StringComparison.Ordinal);
        Assert.Equal(1, requests);
    }

    [Fact]
    public void NoBarWhenNothingWasBlocked()
    {
        var view = MailFixtures.Renderer.Render(MailFixtures.HtmlMessage("<p>Hello</p>"));

        var cut = Render<MailBody>(p => p.Add(x => x.Message, view));

        Assert.Empty(cut.FindAll(".mail-remote-blocked"));
    }

    [Fact]
    public void NoBarOnceImagesAreShown()
    {
        var view = MailFixtures.Renderer.Render(MailFixtures.HtmlMessage("<img src=\"https://evil.example/a.png\">"), showRemoteContent: true);

        var cut = Render<MailBody>(p => p.Add(x => x.Message, view));

        Assert.Empty(cut.FindAll(".mail-remote-blocked"));
        Assert.Contains("img-src data: http: https:;", _frames.Redeem(TokenOf(cut.Find("iframe").GetAttribute("src")))!.Document, StringComparison.Ordinal);
    }

    [Fact]
    public void TextBodyShowsTextAsTextAndLinksOpenWithoutOpenerOrReferrer()
    {
        var message = MailFixtures.Parse(
            "Content-Type: text/plain; charset=utf-8",
            string.Empty,
            "<script>alert(1)</script> see https://example.org/page and <b>bold</b>");
        var view = MailFixtures.Renderer.Render(message);

        var cut = Render<MailBody>(p => p.Add(x => x.Message, view));

        var link = cut.Find(".mail-text-body a");
        Assert.Equal("https://example.org/page", link.GetAttribute("href"));
        Assert.Equal("_blank", link.GetAttribute("target"));
        Assert.Equal("noopener noreferrer", link.GetAttribute("rel"));
        Assert.Empty(cut.FindAll("script"));
        Assert.Empty(cut.FindAll(".mail-text-body b"));
        Assert.Equal("<script>alert(1)</script> see https://example.org/page and <b>bold</b>\n", cut.Find(".mail-text-body").TextContent);
        Assert.Empty(cut.FindAll("iframe"));
    }

    [Fact]
    public void MessageWithoutBodySaysSoInEnglish()
    {
        using var culture = new CultureScope("en");
        var view = MailFixtures.Renderer.Render(MailFixtures.Parse("Content-Type: application/pdf", string.Empty, "x"));

        var cut = Render<MailBody>(p => p.Add(x => x.Message, view));

        Assert.Equal("This message has no text.", cut.Find(".mail-empty-body").TextContent.Trim());
    }

    [Fact]
    public void StringsAreRussianUnderTheRussianCulture()
    {
        using var culture = new CultureScope("ru");
        var view = MailFixtures.Renderer.Render(MailFixtures.HtmlMessage("<img src=\"https://evil.example/a.png\">"));

        var cut = Render<MailBody>(p => p.Add(x => x.Message, view));

        Assert.Contains("Внешние изображения заблокированы", cut.Find(".mail-remote-blocked").TextContent, StringComparison.Ordinal);
        Assert.Equal("Показать изображения", cut.Find("button.mail-show-remote").TextContent.Trim());
        Assert.Equal("Текст письма", cut.Find("iframe").GetAttribute("title"));
    }

    /// <summary>The token of a mail frame URL, which is relative to the app's base.</summary>
    private static string TokenOf(string? src)
    {
        Assert.NotNull(src);
        Assert.StartsWith("mailframe/", src, StringComparison.Ordinal);
        return src["mailframe/".Length..];
    }
}
