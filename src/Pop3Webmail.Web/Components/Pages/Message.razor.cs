using System.Text;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.Localization;
using Microsoft.JSInterop;
using Pop3Webmail.Web.Components.Common;
using Pop3Webmail.Web.Mail;
using Pop3Webmail.Web.Session;

namespace Pop3Webmail.Web.Components.Pages;

public sealed partial class Message
{
    /// <summary>The source view shows at most this much; the full message is a download away.</summary>
    internal const int MaxSourceBytes = 512 * 1024;

    private string? _loadedId;
    private OpenedMessage? _opened;
    private MailMessageView? _view;
    private string? _error;
    private string? _source;
    private bool _sourceTruncated;

    [SupplyParameterFromQuery(Name = "id")]
    public string? Id { get; set; }

    [Inject]
    private MessageRenderer Renderer { get; set; } = default!;

    [Inject]
    private InboxViewState View { get; set; } = default!;

    [Inject]
    private BrowserTimeZone TimeZone { get; set; } = default!;

    [Inject]
    private NavigationManager Navigation { get; set; } = default!;

    [Inject]
    private IJSRuntime JS { get; set; } = default!;

    [Inject]
    private IStringLocalizer<Message> L { get; set; } = default!;

    private bool ReadOnly => Session.Account?.ReadOnly ?? true;

    private bool IsPending => Id is not null && Session.PendingDeletions.Contains(Id);

    private InboxItem? Previous => Id is null ? null : Neighbour(-1);

    private InboxItem? Next => Id is null ? null : Neighbour(+1);

    protected override async Task OnParametersSetAsync()
    {
        if (Id != _loadedId)
        {
            await LoadAsync();
        }
    }

    protected override async Task OnAfterRenderAsync(bool firstRender)
    {
        if (firstRender)
        {
            await TimeZone.EnsureAsync();
            StateHasChanged();
        }
    }

    private async Task LoadAsync()
    {
        _loadedId = Id;
        _opened?.Dispose();
        _opened = null;
        _view = null;
        _error = null;
        _source = null;
        if (Id is null)
        {
            _error = L["NotFound"];
            return;
        }

        View.Highlighted = Id;
        var id = Id;
        var failure = await TryRunAsync(async () =>
        {
            var opened = await Session.OpenMessageAsync(id);
            if (id != _loadedId)
            {
                // The user moved on while this one was loading.
                opened.Dispose();
                return;
            }

            _opened = opened;
            _view = await opened.ReadAsync((message, ct) => Renderer.RenderAsync(message, cancellationToken: ct));
        });
        _error = failure is null ? null : Describe(failure);
    }

    private InboxItem? Neighbour(int offset)
    {
        View.Apply(Session.Messages);
        return View.Neighbour(Id!, offset);
    }

    private Task GoAsync(int offset)
    {
        if (Neighbour(offset) is { } target)
        {
            Navigation.NavigateTo("message?id=" + Uri.EscapeDataString(target.Key));
        }

        return Task.CompletedTask;
    }

    private async Task DeleteAsync()
    {
        if (Id is not { } id || ReadOnly)
        {
            return;
        }

        var next = Neighbour(+1) ?? Neighbour(-1);
        if (await RunAsync(() => Session.DeleteAsync([id])))
        {
            View.RecentlyDeleted.Push(id);
            Navigation.NavigateTo(next is null ? "inbox" : "message?id=" + Uri.EscapeDataString(next.Key));
        }
    }

    private async Task UndoAsync()
    {
        if (Id is { } id)
        {
            await RunAsync(() => Session.UndoDeleteAsync(id));
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

    private void DownloadEml()
    {
        if (Id is { } id && !IsPending)
        {
            Navigation.NavigateTo(Session.CreateDownloadLink(DownloadTarget.RawMessage(id)), forceLoad: true);
        }
    }

    private string? AttachmentUrl(MailAttachment attachment) =>
        Id is { } id && !IsPending ? Session.CreateDownloadLink(DownloadTarget.BodyPart(id, attachment.BodyPartIndex)) : null;

    private string? PreviewUrl(MailAttachment attachment) =>
        Id is { } id && !IsPending && attachment.IsPreviewable ? Session.CreateDownloadLink(DownloadTarget.Preview(id, attachment.BodyPartIndex)) : null;

    private async Task PrintAsync()
    {
        try
        {
            await JS.InvokeVoidAsync("print");
        }
        catch (JSDisconnectedException)
        {
            // The tab is going away.
        }
    }

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

    private string? Describe(MailboxException failure) => failure.Kind switch
    {
        MailboxErrorKind.NotSignedIn => null, // signed out meanwhile: the router sends the user to the login page
        MailboxErrorKind.MessageUnavailable => L["NotFound"].Value,
        MailboxErrorKind.ServerRefused => L["ServerRefused"].Value,
        _ => L["ConnectionLost"].Value,
    };

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _opened?.Dispose();
            _opened = null;
        }

        base.Dispose(disposing);
    }

    /// <summary>Stops copying after a limit, remembering that it did; for a bounded preview of a large message.</summary>
    private sealed class LimitedWriteStream(Stream inner, long limit) : Stream
    {
        public bool Truncated { get; private set; }

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => inner.Length;

        public override long Position
        {
            get => inner.Position;
            set => throw new NotSupportedException();
        }

        public override void Flush() => inner.Flush();

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count)
        {
            var room = (int)Math.Min(count, limit - inner.Length);
            if (room < count)
            {
                Truncated = true;
            }

            if (room > 0)
            {
                inner.Write(buffer, offset, room);
            }
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        {
            Write(buffer, offset, count);
            return Task.CompletedTask;
        }

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            var room = (int)Math.Min(buffer.Length, limit - inner.Length);
            Truncated |= room < buffer.Length;
            if (room > 0)
            {
                inner.Write(buffer.Span[..room]);
            }

            return ValueTask.CompletedTask;
        }
    }
}
