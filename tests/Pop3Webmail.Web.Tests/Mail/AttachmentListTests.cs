using System.Collections.Immutable;
using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor.Services;
using Pop3Webmail.Web.Components.Mail;
using Pop3Webmail.Web.Mail;

namespace Pop3Webmail.Web.Tests.Mail;

public class AttachmentListTests : BunitContext
{
    private static readonly ImmutableArray<MailAttachment> Attachments =
    [
        new(1, "report.pdf", "application/pdf", 1536, IsPreviewable: false),
        new(2, "archive.zip", "application/zip", 3 * 1024 * 1024, IsPreviewable: false),
        new(3, "photo.png", "image/png", 512, IsPreviewable: true),
    ];

    public AttachmentListTests()
    {
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddMudServices();
        Services.AddLocalization(o => o.ResourcesPath = "Resources");
    }

    [Fact]
    public void EachAttachmentShowsNameTypeAndSize()
    {
        using var culture = new CultureScope("en");

        var cut = Render<AttachmentList>(p => p.Add(x => x.Attachments, Attachments));

        var items = cut.FindAll("li.mail-attachment");
        Assert.Equal(["report.pdf", "archive.zip", "photo.png"], items.Select(i => i.QuerySelector(".mail-attachment-name")!.TextContent));
        Assert.Equal(
            ["application/pdf · 1.5 KB", "application/zip · 3 MB", "image/png · 512 B"],
            items.Select(i => i.QuerySelector(".mail-attachment-meta")!.TextContent));
        Assert.Equal("Attachments (3)", cut.Find(".mail-attachments h6, .mail-attachments p").TextContent.Trim());
    }

    [Fact]
    public void DownloadAsksForAFreshUrlOnClickAndStartsItWithoutLeavingThePage()
    {
        var asked = new List<MailAttachment>();
        var started = new List<string>();
        var navigation = Services.GetRequiredService<NavigationManager>();
        var before = navigation.Uri;
        var cut = Render<AttachmentList>(p => p
            .Add(x => x.Attachments, Attachments)
            .Add(x => x.DownloadUrl, a =>
            {
                asked.Add(a);
                return $"/download/token-{a.BodyPartIndex}";
            })
            .Add(x => x.StartDownload, (string url) => started.Add(url)));
        Assert.Empty(asked);

        cut.FindAll("button.mail-attachment-download")[1].Click();

        Assert.Equal([Attachments[1]], asked);
        Assert.Equal(["/download/token-2"], started);
        Assert.Equal(before, navigation.Uri);
    }

    [Fact]
    public void PreviewIsOfferedOnlyForPreviewableAttachmentsAndShowsThemAsAnImage()
    {
        var cut = Render<AttachmentList>(p => p
            .Add(x => x.Attachments, Attachments)
            .Add(x => x.PreviewUrl, a => $"/download/preview-{a.BodyPartIndex}"));

        var previewButton = cut.Find("button.mail-attachment-preview");
        Assert.Single(cut.FindAll("button.mail-attachment-preview"));
        previewButton.Click();

        var image = cut.Find(".mail-attachment-preview-panel img");
        Assert.Equal("/download/preview-3", image.GetAttribute("src"));
        Assert.Equal("photo.png", image.GetAttribute("alt"));
        Assert.Empty(cut.FindAll("iframe"));

        cut.Find("button.mail-attachment-preview-close").Click();
        Assert.Empty(cut.FindAll(".mail-attachment-preview-panel"));
    }

    [Fact]
    public void WithoutUrlProvidersThereAreNoButtons()
    {
        var cut = Render<AttachmentList>(p => p.Add(x => x.Attachments, Attachments));

        Assert.Empty(cut.FindAll("button"));
    }

    [Fact]
    public void NoAttachmentsRenderNothing()
    {
        var cut = Render<AttachmentList>(p => p.Add(x => x.Attachments, ImmutableArray<MailAttachment>.Empty));

        Assert.Equal(string.Empty, cut.Markup.Trim());
    }

    [Fact]
    public void StringsAndSizesAreRussianUnderTheRussianCulture()
    {
        using var culture = new CultureScope("ru");

        var cut = Render<AttachmentList>(p => p
            .Add(x => x.Attachments, Attachments)
            .Add(x => x.DownloadUrl, _ => "/download/x"));

        Assert.Equal("Вложения (3)", cut.Find(".mail-attachments h6, .mail-attachments p").TextContent.Trim());
        Assert.Equal("application/pdf · 1,5 КБ", cut.Find(".mail-attachment-meta").TextContent);
        Assert.Equal("Скачать report.pdf", cut.Find("button.mail-attachment-download").GetAttribute("aria-label"));
    }
}
