using Bunit;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor.Services;
using Pop3Webmail.Web.Components.Mail;

namespace Pop3Webmail.Web.Tests.Mail;

public class MailBodyTests : BunitContext
{
    public MailBodyTests()
    {
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddMudServices();
        Services.AddLocalization(o => o.ResourcesPath = "Resources");
    }

    [Fact]
    public void HtmlBodyIsShownInAnIframeSandboxedWithoutScriptsOrSameOrigin()
    {
        var view = MailFixtures.Renderer.Render(MailFixtures.HtmlMessage("<p>Hello</p><script>alert(1)</script>"));

        var cut = Render<MailBody>(p => p.Add(x => x.Message, view));

        var iframe = cut.Find("iframe");
        var sandbox = iframe.GetAttribute("sandbox")!.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(["allow-popups", "allow-popups-to-escape-sandbox"], sandbox);
        Assert.DoesNotContain("allow-scripts", sandbox);
        Assert.DoesNotContain("allow-same-origin", sandbox);
        Assert.Equal("no-referrer", iframe.GetAttribute("referrerpolicy"));
        Assert.Equal(view.Html!.Document, iframe.GetAttribute("srcdoc"));
    }

    [Fact]
    public void SrcdocOpensWithTheStrictContentSecurityPolicy()
    {
        var view = MailFixtures.Renderer.Render(MailFixtures.HtmlMessage("<p>Hello</p>"));

        var cut = Render<MailBody>(p => p.Add(x => x.Message, view));

        Assert.StartsWith(
            "<!DOCTYPE html><html><head><meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; img-src data:; style-src 'unsafe-inline';",
            cut.Find("iframe").GetAttribute("srcdoc"),
            StringComparison.Ordinal);
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
        Assert.Contains("img-src data: http: https:;", cut.Find("iframe").GetAttribute("srcdoc"), StringComparison.Ordinal);
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
}
