using Microsoft.AspNetCore.Components;
using Pop3Webmail.Web.Mail;
using Pop3Webmail.Web.Session;

namespace Pop3Webmail.Web.Components.Mail;

/// <summary>
/// A message body: HTML in a sandboxed frame loaded from <c>/mailframe/{token}</c> (a one-time link for this browser,
/// issued when the body changes), text as encoded text and links, and a notice when the body was cut.
/// </summary>
public sealed partial class MailBody : IDisposable
{
    private MailHtmlBody? _framedBody;
    private string? _frameToken;

    /// <summary>The rendered message (from <see cref="MessageRenderer.RenderAsync"/>).</summary>
    [Parameter, EditorRequired]
    public MailMessageView Message { get; set; } = default!;

    /// <summary>Raised by the "Show images" button; the owner renders the message again with remote content shown.</summary>
    [Parameter]
    public EventCallback ShowRemoteContent { get; set; }

    /// <summary>Raised by the button on a cut body's notice; the owner downloads the whole message.</summary>
    [Parameter]
    public EventCallback DownloadMessage { get; set; }

    [Inject]
    private MailFrameStore Frames { get; set; } = default!;

    [Inject]
    private BrowserContext Browser { get; set; } = default!;

    private string? FrameUrl => _frameToken is null ? null : MailFrameEndpoint.RelativeUrl(_frameToken);

    public void Dispose() => RevokeFrame();

    protected override void OnParametersSet()
    {
        // A new rendering (e.g. with images shown) gets a new frame; the same one keeps its frame, already loaded.
        if (ReferenceEquals(Message.Html, _framedBody))
        {
            return;
        }

        RevokeFrame();
        _framedBody = Message.Html;
        if (Message.Html is { } html)
        {
            _frameToken = Frames.Issue(Browser.BrowserKey, html);
        }
    }

    private void RevokeFrame()
    {
        if (_frameToken is { } token)
        {
            Frames.Revoke(token);
            _frameToken = null;
        }
    }
}
