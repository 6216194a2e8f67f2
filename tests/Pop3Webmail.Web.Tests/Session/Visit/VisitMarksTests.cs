using System.Collections.Concurrent;
using Microsoft.Extensions.Logging.Abstractions;
using Pop3Webmail.Pop3;
using Pop3Webmail.Web.MailboxState;
using Pop3Webmail.Web.Session.Inbox;
using Pop3Webmail.Web.Session.Visit;
using Pop3Webmail.Web.Tests.Session.Inbox;
using Pop3Webmail.Web.Tests.Telemetry;

namespace Pop3Webmail.Web.Tests.Session.Visit;

public sealed class VisitMarksTests : IDisposable
{
    private readonly TelemetryCapture _telemetry = new();
    private readonly InboxIndex _index = new();

    public void Dispose() => _telemetry.Dispose();

    [Fact]
    public async Task ARevisitRecallsReadFlagsAndRowsAndMarksOnlyUnknownMessagesNew()
    {
        var store = new RecordingMemory(DateTimeOffset.UnixEpoch, Remembered("a", 100, read: true), Remembered("b", 200, read: false));
        var marks = await RecallAsync(store, Sizes((1, 100), (2, 200), (3, 300)), Uids((1, "a"), (2, "b"), (3, "c")));

        Assert.True(marks.IsRead("u:a"));
        Assert.False(marks.IsRead("u:b"));
        Assert.Equal([false, false, true], new[] { "u:a", "u:b", "u:c" }.Select(marks.IsNew));
        Assert.Equal("Remembered a", _index.Summary("u:a")?.Subject);
        Assert.False(_index.IsVerified("u:a")); // a remembered row is shown, but read again before anything acts on it
        Assert.Null(_index.Summary("u:c"));
        Assert.Equal(["Visit"], store.Writes);
    }

    [Fact]
    public async Task AFirstVisitMarksNothingNew()
    {
        var marks = await RecallAsync(new RecordingMemory(previousVisit: null), Sizes((1, 100)), Uids((1, "a")));

        Assert.False(marks.IsNew("u:a"));
    }

    [Fact]
    public async Task ARememberedMessageWhoseSizeChangedIsNeitherRecalledNorRead()
    {
        var store = new RecordingMemory(DateTimeOffset.UnixEpoch, Remembered("a", 100, read: true));
        var marks = await RecallAsync(store, Sizes((1, 101)), Uids((1, "a")));

        Assert.False(marks.IsRead("u:a"));
        Assert.Null(_index.Summary("u:a"));
    }

    [Fact]
    public async Task MessagesNoLongerOnTheServerAreForgotten()
    {
        var store = new RecordingMemory(DateTimeOffset.UnixEpoch, Remembered("a", 100, read: true), Remembered("gone", 5, read: true));
        await RecallAsync(store, Sizes((1, 100)), Uids((1, "a")));

        Assert.Equal(["Forget gone", "Visit"], store.Writes);
    }

    [Fact]
    public async Task ReadFlagsOfMessagesWithoutAUniqueUidlAreKeptForThisVisitOnly()
    {
        var store = new RecordingMemory(DateTimeOffset.UnixEpoch);
        var marks = await RecallAsync(store, Sizes((1, 100), (2, 200)), Uids((1, "same"), (2, "same")), then: m =>
        {
            Assert.True(m.SetRead("n1:1", true));
            Assert.False(m.SetRead("n1:1", true));
        });

        Assert.True(marks.IsRead("n1:1"));
        Assert.Equal(["Visit"], store.Writes);
    }

    [Fact]
    public async Task ReadFlagsAndReadSummariesOfProvenMessagesAreRemembered()
    {
        var store = new RecordingMemory(DateTimeOffset.UnixEpoch);
        await RecallAsync(store, Sizes((1, 100)), Uids((1, "a")), then: m =>
        {
            m.SetRead("u:a", true);
            m.Remember([InboxIndexTests.Summary(1, 999, "Fresh")]);
        });

        Assert.Equal(["Visit", "Read a True", "Remember a 100 Fresh True"], store.Writes);
    }

    [Fact]
    public void AfterANewListingReadMarksOfMessagesNoLongerListedAreDropped()
    {
        var marks = new VisitMarks(_index, _telemetry.Telemetry);
        _index.Apply(Sizes((1, 100), (2, 200)), Uids((1, "a"), (2, "b")));
        marks.SetRead("u:a", true);
        marks.SetRead("u:b", true);

        _index.Apply(Sizes((1, 200)), Uids((1, "b")));
        marks.KeepListedOnly();

        Assert.False(marks.IsRead("u:a"));
        Assert.True(marks.IsRead("u:b"));
    }

    private async Task<VisitMarks> RecallAsync(RecordingMemory store, Pop3MessageSize[] sizes, Pop3MessageUid[] uids, Action<VisitMarks>? then = null)
    {
        var marks = new VisitMarks(_index, _telemetry.Telemetry);
        _index.Apply(sizes, uids);
        await using (var memory = new VisitMemory(store, NullLogger.Instance))
        {
            marks.Memory = memory;
            marks.Recall();
            then?.Invoke(marks);
        }

        return marks;
    }

    private static Pop3MessageSize[] Sizes(params (int Number, long Size)[] entries) => InboxIndexTests.Sizes(entries);

    private static Pop3MessageUid[] Uids(params (int Number, string Uid)[] entries) => InboxIndexTests.Uids(entries);

    private static RememberedMessage Remembered(string uid, long size, bool read) =>
        new(uid, size, "Sender", "sender@example.org", "me@example.org", "Remembered " + uid, DateTimeOffset.UnixEpoch, null, false, Pop3MessageImportance.Normal, read);

    /// <summary>A memory that remembers what it was opened with and records every write in order.</summary>
    private sealed class RecordingMemory(DateTimeOffset? previousVisit, params RememberedMessage[] messages) : IMailboxMemory
    {
        private readonly ConcurrentQueue<string> _writes = new();

        public DateTimeOffset? PreviousVisit => previousVisit;

        public IReadOnlyDictionary<string, RememberedMessage> Messages { get; } = messages.ToDictionary(m => m.Uid, StringComparer.Ordinal);

        public IReadOnlyList<string> Writes => [.. _writes];

        public Task RememberAsync(IReadOnlyCollection<RememberedMessage> messages, CancellationToken cancellationToken = default) =>
            Record(string.Join(",", messages.Select(m => $"Remember {m.Uid} {m.Size} {m.Subject} {m.Read}")));

        public Task SetReadAsync(string uid, bool read, CancellationToken cancellationToken = default) => Record($"Read {uid} {read}");

        public Task ForgetAsync(IReadOnlyCollection<string> uids, CancellationToken cancellationToken = default) => Record("Forget " + string.Join(",", uids));

        public Task RecordVisitAsync(CancellationToken cancellationToken = default) => Record("Visit");

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;

        private Task Record(string write)
        {
            _writes.Enqueue(write);
            return Task.CompletedTask;
        }
    }
}
