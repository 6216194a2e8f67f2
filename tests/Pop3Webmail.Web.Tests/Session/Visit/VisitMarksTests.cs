using Microsoft.Extensions.Logging.Abstractions;
using Pop3Webmail.Pop3;
using Pop3Webmail.Web.MailboxState;
using Pop3Webmail.Web.Session.Inbox;
using Pop3Webmail.Web.Session.Visit;
using Pop3Webmail.Web.Tests.Session.Inbox;
using Pop3Webmail.Web.Tests.Support;
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
        var store = new RecordingMailboxMemory(DateTimeOffset.UnixEpoch, Remembered("a", 100, read: true), Remembered("b", 200, read: false));
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
        var marks = await RecallAsync(new RecordingMailboxMemory(previousVisit: null), Sizes((1, 100)), Uids((1, "a")));

        Assert.False(marks.IsNew("u:a"));
    }

    [Fact]
    public async Task ARememberedMessageWhoseSizeChangedIsNeitherRecalledNorRead()
    {
        var store = new RecordingMailboxMemory(DateTimeOffset.UnixEpoch, Remembered("a", 100, read: true));
        var marks = await RecallAsync(store, Sizes((1, 101)), Uids((1, "a")));

        Assert.False(marks.IsRead("u:a"));
        Assert.Null(_index.Summary("u:a"));
    }

    [Fact]
    public async Task MessagesNoLongerOnTheServerAreForgotten()
    {
        var store = new RecordingMailboxMemory(DateTimeOffset.UnixEpoch, Remembered("a", 100, read: true), Remembered("gone", 5, read: true));
        await RecallAsync(store, Sizes((1, 100)), Uids((1, "a")));

        Assert.Equal(["Forget gone", "Visit"], store.Writes);
    }

    [Fact]
    public async Task ReadFlagsOfMessagesWithoutAUniqueUidlAreKeptForThisVisitOnly()
    {
        var store = new RecordingMailboxMemory(DateTimeOffset.UnixEpoch);
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
        var store = new RecordingMailboxMemory(DateTimeOffset.UnixEpoch);
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

    [Fact]
    public async Task AMemoryAttachedLateLearnsTheSummariesAndReadMarksOfTheVisitSoFarAndKeepsThem()
    {
        var marks = new VisitMarks(_index, _telemetry.Telemetry);
        _index.Apply(Sizes((1, 100), (2, 200), (3, 300)), Uids((1, "a"), (2, "b"), (3, "c")));
        _index.Verify([InboxIndexTests.Summary(3, 300, "Fresh c"), InboxIndexTests.Summary(2, 200, "Fresh b")]);
        marks.SetRead("u:b", true); // before the memory came: nowhere to write it yet
        marks.SetRead("u:c", true);
        var store = new RecordingMailboxMemory(DateTimeOffset.UnixEpoch, Remembered("a", 100, read: true), Remembered("b", 200, read: false));

        await using (var memory = new VisitMemory(store, NullLogger.Instance))
        {
            Assert.True(marks.Attach(memory));
        }

        Assert.Equal([true, true, true], new[] { "u:a", "u:b", "u:c" }.Select(marks.IsRead));
        Assert.Equal([false, false, true], new[] { "u:a", "u:b", "u:c" }.Select(marks.IsNew));
        Assert.Equal("Remembered a", _index.Summary("u:a")?.Subject);
        Assert.Equal("Fresh b", _index.Summary("u:b")?.Subject); // what the wire said wins over what was remembered
        Assert.Equal(["Read b True", "Visit", "Remember c 300 Fresh c True,Remember b 200 Fresh b True"], store.Writes);
    }

    [Fact]
    public async Task AMemoryThatComesAfterTheVisitLetGoOfItsMemoryIsRefused()
    {
        var marks = new VisitMarks(_index, _telemetry.Telemetry);
        await marks.CloseMemoryAsync();
        var store = new RecordingMailboxMemory(DateTimeOffset.UnixEpoch);

        await using (var memory = new VisitMemory(store, NullLogger.Instance))
        {
            Assert.False(marks.Attach(memory));
            Assert.Same(VisitMemory.None, marks.Memory);
        }

        Assert.Empty(store.Writes);
    }

    private async Task<VisitMarks> RecallAsync(RecordingMailboxMemory store, Pop3MessageSize[] sizes, Pop3MessageUid[] uids, Action<VisitMarks>? then = null)
    {
        var marks = new VisitMarks(_index, _telemetry.Telemetry);
        _index.Apply(sizes, uids);
        await using (var memory = new VisitMemory(store, NullLogger.Instance))
        {
            Assert.True(marks.Attach(memory));
            then?.Invoke(marks);
        }

        return marks;
    }

    private static Pop3MessageSize[] Sizes(params (int Number, long Size)[] entries) => InboxIndexTests.Sizes(entries);

    private static Pop3MessageUid[] Uids(params (int Number, string Uid)[] entries) => InboxIndexTests.Uids(entries);

    private static RememberedMessage Remembered(string uid, long size, bool read) => RecordingMailboxMemory.Message(uid, size, read);
}
