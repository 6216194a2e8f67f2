using System.Collections.Immutable;
using MimeKit;
using Pop3Webmail.Web.Session;

namespace Pop3Webmail.Web.Tests.Support;

/// <summary>
/// A mailbox session for component tests: the state is set directly, and the calls the views make are recorded, so
/// each view state (loading, empty, error, pending deletions, read-only) can be rendered on purpose.
/// </summary>
internal sealed class FakeMailboxSession : IMailboxSession
{
    private readonly HashSet<string> _read = new(StringComparer.Ordinal);

    public event EventHandler? Changed;

    public MailboxSessionStatus Status { get; set; } = MailboxSessionStatus.SignedOut;

    public MailboxAccount? Account { get; set; }

    public SignOutInfo? LastSignOut { get; set; }

    public MailboxNotice? Notice { get; set; }

    public IReadOnlyList<InboxItem> Messages { get; set; } = [];

    public InboxProgress Progress { get; set; }

    public MailboxStatistics Statistics { get; set; }

    public ImmutableHashSet<string> Pending { get; set; } = ImmutableHashSet.Create<string>(StringComparer.Ordinal);

    public IReadOnlySet<string> PendingDeletions => Pending;

    public List<string> Calls { get; } = [];

    public List<SignInRequest> SignIns { get; } = [];

    /// <summary>What the next sign-in returns; success also sets <see cref="Account"/>.</summary>
    public SignInResult NextSignIn { get; set; } = SignInResult.Success;

    /// <summary>When set, a sign-in waits for it (after being recorded), as one to a slow server would.</summary>
    public Task? SignInGate { get; set; }

    /// <summary>What opening a message does; by default it parses the message from <see cref="MessageSources"/>.</summary>
    public Func<string, Task<OpenedMessage>>? Open { get; set; }

    public Dictionary<string, string> MessageSources { get; } = new(StringComparer.Ordinal);

    public Exception? NextFailure { get; set; }

    public static InboxItem Summary(int number, string subject, string from = "Alice Example", long size = 2048, DateTimeOffset? date = null, bool attachments = false) =>
        new("uid-" + number.ToString(System.Globalization.CultureInfo.InvariantCulture), size)
    {
        From = from,
        FromAddress = from.Replace(' ', '.').ToLowerInvariant() + "@example.test",
        Subject = subject,
        Date = date ?? new DateTimeOffset(2026, 2, 1, 10, 0, 0, TimeSpan.Zero).AddHours(number),
        HasAttachments = attachments,
    };

    public void SignedIn(bool readOnly = false, params InboxItem[] newestFirst)
    {
        Account = new MailboxAccount("alice", "Test", "Test server", readOnly);
        Status = MailboxSessionStatus.Ready;
        Messages = newestFirst;
        Progress = new InboxProgress(newestFirst.Length, newestFirst.Length);
        Statistics = new MailboxStatistics(newestFirst.Length, newestFirst.Sum(m => m.Size));
    }

    public void Raise() => Changed?.Invoke(this, EventArgs.Empty);

    public HashSet<string> New { get; } = new(StringComparer.Ordinal);

    public bool UnexpectedErrorReported { get; private set; }

    public bool IsRead(string key) => _read.Contains(key);

    public bool IsNew(string key) => New.Contains(key);

    public void ReportUnexpectedError() => UnexpectedErrorReported = true;

    public void SetRead(string key, bool read)
    {
        if (read)
        {
            _read.Add(key);
        }
        else
        {
            _read.Remove(key);
        }
    }

    public async Task<SignInResult> SignInAsync(SignInRequest request, CancellationToken cancellationToken = default)
    {
        SignIns.Add(request);
        if (SignInGate is { } gate)
        {
            await gate;
        }

        if (NextSignIn.Succeeded)
        {
            SignedIn();
        }

        Raise();
        return NextSignIn;
    }

    /// <summary>Resume handles that <see cref="ResumeAsync"/> accepts (each signs the fake in).</summary>
    public HashSet<string> ResumableHandles { get; } = new(StringComparer.Ordinal);

    /// <summary>What <see cref="TakeResumeTicket"/> hands out next (once).</summary>
    public string? PendingResumeTicket { get; set; }

    public Task<bool> ResumeAsync(string handle, CancellationToken cancellationToken = default)
    {
        Calls.Add("Resume " + handle);
        if (!ResumableHandles.Contains(handle))
        {
            return Task.FromResult(false);
        }

        SignedIn();
        Raise();
        return Task.FromResult(true);
    }

    public string? TakeResumeTicket()
    {
        var ticket = PendingResumeTicket;
        PendingResumeTicket = null;
        return ticket;
    }

    public Task SignOutAsync(CancellationToken cancellationToken = default) => EndAsync(SignOutReason.UserSignedOut);

    public Task EndAsync(SignOutReason reason)
    {
        Calls.Add("End " + reason);
        Account = null;
        Status = MailboxSessionStatus.SignedOut;
        LastSignOut = new SignOutInfo(reason, Pending.Count, false);
        Raise();
        return Task.CompletedTask;
    }

    public Task DeleteAsync(IReadOnlyCollection<string> keys, CancellationToken cancellationToken = default) => Record("Delete " + string.Join(",", keys), () => Pending = Pending.Union(keys));

    public Task UndoDeleteAsync(string key, CancellationToken cancellationToken = default) => Record("Undo " + key, () => Pending = Pending.Remove(key));

    public Task UndoAllDeletionsAsync(CancellationToken cancellationToken = default) => Record("UndoAll", () => Pending = Pending.Clear());

    public Task CheckForNewMailAsync(CancellationToken cancellationToken = default) => Record("Check", () => { });

    public Task ReconnectAsync(CancellationToken cancellationToken = default) => Record("Reconnect", () => Status = MailboxSessionStatus.Ready);

    public async Task<OpenedMessage> OpenMessageAsync(string key, CancellationToken cancellationToken = default)
    {
        Calls.Add("Open " + key);
        if (Open is not null)
        {
            return await Open(key);
        }

        return await Opened(key, MessageSources[key], cancellationToken);
    }

    /// <summary>A hold on <paramref name="source"/> parsed as the message <paramref name="key"/> of this inbox (the fake's own cache reference is let go at once).</summary>
    public async Task<OpenedMessage> Opened(string key, string source, CancellationToken cancellationToken = default)
    {
        var item = Messages.First(m => m.Key == key);
        using var stream = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(source));
        using var content = new OpenedMessageContent(key, item, await MimeMessage.LoadAsync(stream, cancellationToken), spool: null);
        SetRead(key, true);
        return content.TryHold()!;
    }

    public string CreateDownloadLink(DownloadTarget target)
    {
        Calls.Add("Link " + target);
        return "download/token-for-" + target.MessageKey + "-" + (target.BodyPartIndex?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "raw");
    }

    public void DismissNotice()
    {
        Notice = null;
        Calls.Add("Dismiss");
    }

    private Task Record(string call, Action effect)
    {
        Calls.Add(call);
        if (NextFailure is { } failure)
        {
            NextFailure = null;
            return Task.FromException(failure);
        }

        effect();
        Raise();
        return Task.CompletedTask;
    }
}
