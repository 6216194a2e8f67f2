using System.Collections.Immutable;
using Microsoft.AspNetCore.Components;
using MudBlazor;
using Pop3Webmail.Web.Mail;

namespace Pop3Webmail.Web.Components.Mail;

/// <summary>
/// The attachments of a message with name, type and size, a download button and, for raster images, a preview.
/// Links are asked for only when clicked, because the session issues short-lived one-time download tokens.
/// </summary>
public partial class AttachmentList
{
    private const double Kilobyte = 1024;

    private PreviewState? _preview;

    [Parameter, EditorRequired]
    public ImmutableArray<MailAttachment> Attachments { get; set; }

    /// <summary>A fresh download URL for an attachment (served as <c>Content-Disposition: attachment</c>), or null when unavailable.</summary>
    [Parameter]
    public Func<MailAttachment, string?>? DownloadUrl { get; set; }

    /// <summary>
    /// Starts a download without leaving the page (a navigation would end the circuit, and a failed download would
    /// replace the app); the page says so when it fails.
    /// </summary>
    [Parameter, EditorRequired]
    public EventCallback<string> StartDownload { get; set; }

    /// <summary>
    /// A fresh URL that serves a previewable attachment (a raster image) inline, or null when unavailable. Without it
    /// there is no preview button.
    /// </summary>
    [Parameter]
    public Func<MailAttachment, string?>? PreviewUrl { get; set; }

    protected override void OnParametersSet()
    {
        if (_preview is { } preview && !Attachments.Contains(preview.Attachment))
        {
            _preview = null;
        }
    }

    private async Task Download(MailAttachment attachment)
    {
        // Links are asked for only when clicked: each is a one-time token that expires soon.
        if (DownloadUrl?.Invoke(attachment) is { } url)
        {
            await StartDownload.InvokeAsync(url);
        }
    }

    private void Preview(MailAttachment attachment)
    {
        _preview = PreviewUrl?.Invoke(attachment) is { } url ? new PreviewState(attachment, url) : null;
    }

    private void ClosePreview() => _preview = null;

    private string FormatSize(long bytes) => bytes switch
    {
        < 1024 => L["SizeBytes", bytes],
        < 1024 * 1024 => L["SizeKilobytes", bytes / Kilobyte],
        < 1024 * 1024 * 1024 => L["SizeMegabytes", bytes / (Kilobyte * Kilobyte)],
        _ => L["SizeGigabytes", bytes / (Kilobyte * Kilobyte * Kilobyte)],
    };

    private static string IconFor(MailAttachment attachment) => attachment.ContentType switch
    {
        var type when type.StartsWith("image/", StringComparison.Ordinal) => Icons.Material.Filled.Image,
        "application/pdf" => Icons.Material.Filled.PictureAsPdf,
        "message/rfc822" => Icons.Material.Filled.Email,
        _ => Icons.Material.Filled.AttachFile,
    };

    private sealed record PreviewState(MailAttachment Attachment, string Url);
}
