using System.Text;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Web;
using Microsoft.Extensions.Localization;
using Pop3Webmail.Web.Components.Common;
using Pop3Webmail.Web.Mail;
using Pop3Webmail.Web.Session;

namespace Pop3Webmail.Web.Components.Mailbox;

/// <summary>
/// One message: headers, body, attachments, or its source; with its actions (delete or undo, source, download,
/// print). It shows in the reading pane beside the list or on its own on narrow screens; where to go next (previous,
/// next, back to the list, on after a delete) is the page's to decide.
/// </summary>
public sealed partial class MessageView
{
    /// <summary>The source view shows at most this much; the full message is a download away.</summary>
    internal const int MaxSourceBytes = 512 * 1024;

    private string? _loadedKey;
    private OpenedMessage? _opened;
    private MailMessageView? _view;
    private string? _error;
    private string? _source;
    private bool _sourceTruncated;

    /// <summary>The message to show (its session key).</summary>
    [Parameter, EditorRequired]
    public string Key { get; set; } = string.Empty;

    /// <summary>The message's inbox row, when listed: its subject shows while the message loads.</summary>
    [Parameter]
    public InboxItem? Item { get; set; }

    [Parameter]
    public bool HasPrevious { get; set; }

    [Parameter]
    public bool HasNext { get; set; }

    /// <summary>Previous (-1) or next (+1) in the list's order.</summary>
    [Parameter]
    public EventCallback<int> OnStep { get; set; }

    /// <summary>Back to the list (also Escape).</summary>
    [Parameter]
    public EventCallback OnClose { get; set; }

    /// <summary>The message was marked for deletion from here.</summary>
    [Parameter]
    public EventCallback<string> OnDeleted { get; set; }

    /// <summary>A deletion was undone from here.</summary>
    [Parameter]
    public EventCallback<string> OnUndone { get; set; }

    [Inject]
    private MessageRenderer Renderer { get; set; } = default!;

    [Inject]
    private BrowserTimeZone TimeZone { get; set; } = default!;

    [Inject]
    private PageScripts Scripts { get; set; } = default!;

    [Inject]
    private IStringLocalizer<MessageView> L { get; set; } = default!;

    private bool ReadOnly => Session.Account?.ReadOnly ?? true;

    private bool IsPending => Session.PendingDeletions.Contains(Key);

    /// <summary>Puts the keyboard focus on the message's subject, so a screen reader reads the message that is now shown.</summary>
    public Task FocusAsync() => Scripts.FocusFirstAsync(".message-view .message-subject");

    protected override async Task OnParametersSetAsync()
    {
        if (Key != _loadedKey)
        {
            await LoadAsync();
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _opened?.Dispose();
            _opened = null;
        }

        base.Dispose(disposing);
    }

    private async Task LoadAsync()
    {
        _loadedKey = Key;
        _opened?.Dispose();
        _opened = null;
        _view = null;
        _error = null;
        _source = null;
        if (IsPending)
        {
            return; // a marked message is not read from the server: its undo button is all it offers
        }

        var key = Key;
        var failure = await TryRunAsync(async () =>
        {
            var opened = await Session.OpenMessageAsync(key);
            if (key != _loadedKey)
            {
                // The user moved on while this one was loading.
                opened.Dispose();
                return;
            }

            _opened = opened;
            _view = await opened.ReadAsync((message, ct) => Renderer.RenderAsync(message, cancellationToken: ct));
        });
        if (key == _loadedKey)
        {
            _error = failure is null ? null : Describe(failure);
        }
    }

    private async Task OnKeyDownAsync(KeyboardEventArgs e)
    {
        if (e.Key == "Escape")
        {
            await OnClose.InvokeAsync();
        }
    }

    private async Task DeleteAsync()
    {
        if (ReadOnly)
        {
            return;
        }

        var key = Key;
        if (await RunAsync(() => Session.DeleteAsync([key])))
        {
            await OnDeleted.InvokeAsync(key);
        }
    }

    private async Task UndoAsync()
    {
        var key = Key;
        if (await RunAsync(() => Session.UndoDeleteAsync(key)))
        {
            await OnUndone.InvokeAsync(key);
            await LoadAsync();
        }
    }

    private async Task ShowRemoteContent()
    {
        if (_opened is not null)
        {
            _view = await _opened.ReadAsync((message, ct) => Renderer.RenderAsync(message, showRemoteContent: true, ct));
        }
    }

    private async Task ToggleSourceAsync()
    {
        if (_source is not null || _opened is null)
        {
            _source = null;
            return;
        }

        using var buffer = new MemoryStream();
        var limited = new LimitedWriteStream(buffer, MaxSourceBytes);
        await _opened.ReadAsync(async (message, ct) =>
        {
            await message.WriteToAsync(limited, ct);
            return true;
        });
        _sourceTruncated = limited.Truncated;

        // Raw mail is mostly ASCII; UTF-8 shows the modern rest, and bad bytes become U+FFFD instead of failing.
        _source = Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    /// <summary>A download that fails comes back as the session's notice; the page never leaves.</summary>
    private Task DownloadEmlAsync() =>
        IsPending ? Task.CompletedTask : Scripts.DownloadAsync(Session.CreateDownloadLink(DownloadTarget.RawMessage(Key)));

    private string? AttachmentUrl(MailAttachment attachment) =>
        IsPending ? null : Session.CreateDownloadLink(DownloadTarget.BodyPart(Key, attachment.BodyPartIndex));

    private string? PreviewUrl(MailAttachment attachment) =>
        !IsPending && attachment.IsPreviewable ? Session.CreateDownloadLink(DownloadTarget.Preview(Key, attachment.BodyPartIndex)) : null;

    private Task PrintAsync() => Scripts.PrintAsync(_source is null ? _view?.Html?.Document : null);

    /// <summary>Runs a session command; false (with the error shown) when it failed.</summary>
    private async Task<bool> RunAsync(Func<Task> action)
    {
        var failure = await TryRunAsync(action);
        if (failure is not null)
        {
            _error = Describe(failure);
        }

        return failure is null;
    }

    private string SubjectOf(string? subject) => subject is { Length: > 0 } ? subject : L["NoSubject"];

    private string? Describe(MailboxException failure) => failure.Kind switch
    {
        MailboxErrorKind.NotSignedIn => null, // signed out meanwhile: the router sends the user to the login page
        MailboxErrorKind.MessageUnavailable => L["NotFound"].Value,
        MailboxErrorKind.ServerRefused => L["ServerRefused"].Value,
        _ => L["ConnectionLost"].Value,
    };
}
