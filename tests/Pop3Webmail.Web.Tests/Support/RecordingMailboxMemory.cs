using System.Collections.Concurrent;
using Pop3Webmail.Pop3;
using Pop3Webmail.Web.MailboxState;

namespace Pop3Webmail.Web.Tests.Support;

/// <summary>A remembered mailbox that knows what it was made with and records every write in order.</summary>
internal sealed class RecordingMailboxMemory(DateTimeOffset? previousVisit, params RememberedMessage[] messages) : IMailboxMemory
{
    private readonly ConcurrentQueue<string> _writes = new();
    private readonly TaskCompletionSource _disposed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public DateTimeOffset? PreviousVisit => previousVisit;

    public IReadOnlyDictionary<string, RememberedMessage> Messages { get; } = messages.ToDictionary(m => m.Uid, StringComparer.Ordinal);

    public IReadOnlyList<string> Writes => [.. _writes];

    /// <summary>Completes when the memory was let go of.</summary>
    public Task Disposed => _disposed.Task;

    /// <summary>A remembered row whose subject names its UIDL ("Remembered a").</summary>
    public static RememberedMessage Message(string uid, long size, bool read) =>
        new(uid, size, "Sender", "sender@example.org", "me@example.org", "Remembered " + uid, DateTimeOffset.UnixEpoch, null, false, Pop3MessageImportance.Normal, read);

    public Task RememberAsync(IReadOnlyCollection<RememberedMessage> messages, CancellationToken cancellationToken = default) =>
        Record(string.Join(",", messages.Select(m => $"Remember {m.Uid} {m.Size} {m.Subject} {m.Read}")));

    public Task SetReadAsync(string uid, bool read, CancellationToken cancellationToken = default) => Record($"Read {uid} {read}");

    public Task ForgetAsync(IReadOnlyCollection<string> uids, CancellationToken cancellationToken = default) => Record("Forget " + string.Join(",", uids));

    public Task RecordVisitAsync(CancellationToken cancellationToken = default) => Record("Visit");

    public ValueTask DisposeAsync()
    {
        _disposed.TrySetResult();
        return ValueTask.CompletedTask;
    }

    private Task Record(string write)
    {
        _writes.Enqueue(write);
        return Task.CompletedTask;
    }
}
