using Pop3Webmail.EndToEnd.Tests.Support;
using Pop3Webmail.Testing;

namespace Pop3Webmail.EndToEnd.Tests.Load;

/// <summary>
/// The visit behind Recordings/visit.json: its mailbox (what the replay tests expect to see) and where the file is.
/// Re-record (after a UI change) with <c>POP3WEBMAIL_RECORD_CIRCUIT</c> set to the absolute path of
/// tests/Pop3Webmail.EndToEnd.Tests/Load/Recordings/visit.json (the test runs in its output folder) while running
/// <see cref="CircuitRecordingTests"/>.
/// </summary>
internal static class RecordedVisit
{
    public const string RecordVariable = "POP3WEBMAIL_RECORD_CIRCUIT";

    public static string Path => System.IO.Path.Combine(AppContext.BaseDirectory, "Load", "Recordings", "visit.json");

    /// <summary>POP3 order, oldest first; the inbox lists them the other way round.</summary>
    public static IReadOnlyList<TestMessage> Messages { get; } =
    [
        MessageFactory.Plain("Oldest: project kickoff", "See you on Monday.", WebmailFixture.FirstDate),
        MessageFactory.Russian(RussianCharset.Koi8R, WebmailFixture.FirstDate.AddHours(1)),
        MessageFactory.WithAttachments("Quarterly report attached", WebmailFixture.FirstDate.AddHours(2)),
        MessageFactory.Plain("Newest: lunch?", "Pizza at noon.", WebmailFixture.FirstDate.AddHours(3)),
    ];
}
