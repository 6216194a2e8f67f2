using System.Text;
using Pop3Webmail.Pop3.Tests.Scripting;

namespace Pop3Webmail.Pop3.Tests;

/// <summary>Header summaries as <see cref="Pop3Client.GetMessageSummariesAsync(IReadOnlyList{int}, IProgress{Pop3Progress}?, CancellationToken)"/> builds them from TOP n 0.</summary>
public sealed class Pop3SummaryParserTests
{
    private static readonly ReplyShape[] SummaryShapes = [ReplyShape.WholeCrlf, ReplyShape.OneByteLf, ReplyShape.RandomCrlf];

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("=?UTF-8?B?R3LDvMOfZSDigJQg5L2g5aW9?=", "Grüße — 你好")]
    [InlineData("=?KOI8-R?B?8NLJ18XULCDNydI=?=", "Привет, мир")]
    [InlineData("=?windows-1251?Q?=CF=F0=E8=E2=E5=F2,_=EC=E8=F0?=", "Привет, мир")]
    [InlineData("=?utf-8?q?caf=C3=A9?= au lait", "café au lait")]
    [InlineData("Re: =?UTF-8?B?w6k=?= =?UTF-8?B?w6k=?=", "Re: éé")]
    [InlineData("just ascii", "just ascii")]
    public async Task EncodedWordSubjectsAreDecoded(string subject, string expected)
    {
        // RFC 2047 §4 (B and Q encodings) and §6.2 (white space between adjacent encoded words is dropped).
        foreach (var shape in SummaryShapes)
        {
            var summary = await SummaryAsync(Ascii($"Subject: {subject}\r\nFrom: a@example.test\r\n"), shape);

            Assert.Equal(expected, summary.Subject);
        }
    }

    [Fact]
    public async Task Raw8BitWindows1251HeadersAreDecoded()
    {
        // Not RFC-conformant but common: header text in windows-1251 without encoded words.
        byte[] block =
        [
            .. "Subject: "u8, .. Convert.FromHexString("cff0e8e2e5f22c20ece8f0"), .. "\r\n"u8,
            .. "From: "u8, .. Convert.FromHexString("cfb8f2f0"), .. " <petr@example.test>\r\n"u8,
        ];
        foreach (var shape in SummaryShapes)
        {
            var summary = await SummaryAsync(block, shape);

            Assert.Equal("Привет, мир", summary.Subject);
            Assert.Equal("Пётр", summary.From);
            Assert.Equal("petr@example.test", summary.FromAddress);
        }
    }

    [Fact]
    public async Task Raw8BitUtf8HeadersAreDecodedAsUtf8()
    {
        foreach (var shape in SummaryShapes)
        {
            var summary = await SummaryAsync(Encoding.UTF8.GetBytes("Subject: Привет, мир\r\nFrom: Пётр <petr@example.test>\r\n"), shape);

            Assert.Equal("Привет, мир", summary.Subject);
            Assert.Equal("Пётр", summary.From);
        }
    }

    [Fact]
    public async Task FoldedHeadersAreUnfolded()
    {
        // RFC 5322 §2.2.3: a line starting with white space continues the previous field.
        var block = Ascii(
            "Subject: first part\r\n second part\r\n"
            + "From: =?UTF-8?B?w6k=?=\r\n\t=?UTF-8?B?w6k=?= <folded@example.test>\r\n"
            + "To: one@example.test,\r\n  two@example.test\r\n");
        foreach (var shape in SummaryShapes)
        {
            var summary = await SummaryAsync(block, shape);

            Assert.Equal("first part second part", summary.Subject);
            Assert.Equal("éé", summary.From);
            Assert.Equal("folded@example.test", summary.FromAddress);
            Assert.Equal("one@example.test, two@example.test", summary.To);
        }
    }

    [Fact]
    public async Task AddressesDateAndMessageIdAreParsed()
    {
        var block = Ascii(
            "From: \"Doe, Jane\" <jane@example.test>\r\n"
            + "To: a@example.test, Bob <b@example.test>\r\n"
            + "Date: Tue, 1 Jul 2003 10:52:37 +0200\r\n"
            + "Message-ID: <abc.123@example.test>\r\n"
            + "Subject: hello\r\n");
        foreach (var shape in SummaryShapes)
        {
            var summary = await SummaryAsync(block, shape);

            Assert.Equal("Doe, Jane", summary.From);
            Assert.Equal("jane@example.test", summary.FromAddress);
            Assert.Equal("a@example.test, Bob", summary.To);
            Assert.Equal(new DateTimeOffset(2003, 7, 1, 10, 52, 37, TimeSpan.FromHours(2)), summary.Date);
            Assert.Equal("abc.123@example.test", summary.MessageId);
            Assert.Equal(1234, summary.Size);
            Assert.Equal("uid-1", summary.Uid);
            Assert.Equal(1, summary.MessageNumber);
        }
    }

    [Theory]
    [InlineData("multipart/mixed; boundary=\"b1\"", true)]
    [InlineData("multipart/report; report-type=delivery-status; boundary=x", true)]
    [InlineData("application/pdf; name=invoice.pdf", true)]
    [InlineData("multipart/alternative; boundary=x", false)]
    [InlineData("text/plain; charset=utf-8", false)]
    [InlineData("text/html", false)]
    [InlineData(null, false)]
    public async Task TheContentTypeHintsAtAttachments(string? contentType, bool expected)
    {
        var block = Ascii("Subject: x\r\n" + (contentType is null ? string.Empty : $"Content-Type: {contentType}\r\n"));
        foreach (var shape in SummaryShapes)
        {
            Assert.Equal(expected, (await SummaryAsync(block, shape)).HasAttachments);
        }
    }

    [Theory]
    [InlineData("Importance: high", Pop3MessageImportance.High)]
    [InlineData("Importance: Low", Pop3MessageImportance.Low)]
    [InlineData("Importance: normal", Pop3MessageImportance.Normal)]
    [InlineData("X-Priority: 1 (Highest)", Pop3MessageImportance.High)]
    [InlineData("X-Priority: 2", Pop3MessageImportance.High)]
    [InlineData("X-Priority: 3 (Normal)", Pop3MessageImportance.Normal)]
    [InlineData("X-Priority: 5 (Lowest)", Pop3MessageImportance.Low)]
    [InlineData("Priority: urgent", Pop3MessageImportance.High)]
    [InlineData("Priority: non-urgent", Pop3MessageImportance.Low)]
    [InlineData("Importance: low\r\nX-Priority: 1", Pop3MessageImportance.Low)]
    [InlineData("X-Mailer: no priority at all", Pop3MessageImportance.Normal)]
    public async Task ImportanceComesFromImportancePriorityOrXPriority(string headers, Pop3MessageImportance expected)
    {
        // RFC 2156 Importance and Priority; X-Priority is the de facto 1 (highest) to 5 (lowest) scale.
        foreach (var shape in SummaryShapes)
        {
            Assert.Equal(expected, (await SummaryAsync(Ascii($"Subject: x\r\n{headers}\r\n"), shape)).Importance);
        }
    }

    [Fact]
    public async Task MissingHeadersGiveEmptyValues()
    {
        foreach (var shape in SummaryShapes)
        {
            var summary = await SummaryAsync(Ascii("X-Other: only this\r\n"), shape);

            Assert.Equal(string.Empty, summary.From);
            Assert.Equal(string.Empty, summary.FromAddress);
            Assert.Equal(string.Empty, summary.To);
            Assert.Equal(string.Empty, summary.Subject);
            Assert.Null(summary.Date);
            Assert.Null(summary.MessageId);
            Assert.False(summary.HasAttachments);
            Assert.Equal(Pop3MessageImportance.Normal, summary.Importance);
        }
    }

    [Fact]
    public async Task LinesThatAreNotHeaderFieldsAreSkipped()
    {
        // An mbox "From " line or a broken line must not cost the whole summary.
        foreach (var shape in SummaryShapes)
        {
            var summary = await SummaryAsync(Ascii("From someone@example.test Sat Jan  3 01:05:34 1996\r\nno colon here\r\nSubject: still found\r\n"), shape);

            Assert.Equal("still found", summary.Subject);
        }
    }

    [Theory]
    [MemberData(nameof(ReplyShapes.All), MemberType = typeof(ReplyShapes))]
    public async Task MessagesMissingFromListAreLeftOutAndProgressIsReported(ReplyShape shape)
    {
        var script = Pop3Script.LoggedIn()
            .Client("DELE 2\r\n").Server("+OK\r\n")
            .Stat(2, 400)
            .Client("LIST\r\n").Server("+OK\r\n1 100\r\n3 300\r\n.\r\n")
            .Client("UIDL\r\n").Server("+OK\r\n1 a\r\n3 c\r\n.\r\n")
            .Client("TOP 1 0\r\n").Server("+OK\r\nSubject: one\r\n\r\n.\r\n")
            .Client("TOP 3 0\r\n").Server("+OK\r\nSubject: three\r\n\r\n.\r\n");
        await using var session = await ScriptedSession.StartLoggedInAsync(script, shape);
        var progress = new SynchronousProgress();
        await session.Client.DeleteAsync(2, Ct);

        var summaries = await session.Client.GetMessageSummariesAsync([1, 2, 3], progress, Ct);

        Assert.Equal(["one", "three"], summaries.Select(static s => s.Subject));
        Assert.Equal([300L], summaries.Where(static s => s.Uid == "c").Select(static s => s.Size));
        Assert.Equal(new Pop3Progress(2, 2), progress.Reports[^1]);
        session.AssertCompleted();
    }

    [Theory]
    [MemberData(nameof(ReplyShapes.All), MemberType = typeof(ReplyShapes))]
    public async Task WithoutTopSummariesFallBackToRetrAndSkipTheBodies(ReplyShape shape)
    {
        // RFC 1939 §7: TOP is optional. A pre-CAPA server refuses the probe, so RETR supplies the headers.
        var body = string.Concat(Enumerable.Repeat("body line that is skipped\r\n", 100));
        var script = Pop3Script.LoggedIn("-ERR unknown command\r\n")
            .Stat(2, 300)
            .Client("LIST\r\n").Server("+OK\r\n1 100\r\n2 200\r\n.\r\n")
            .Client("UIDL\r\n").Server("-ERR unknown command\r\n")
            .Client("TOP 1 0\r\n").Server("-ERR unknown command\r\n")
            .Client("RETR 1\r\n").Server("+OK\r\nSubject: one\r\n\r\n" + body + ".\r\n")
            .Client("RETR 2\r\n").Server("+OK\r\nSubject: two\r\n\r\n" + body + ".\r\n")
            .Client("NOOP\r\n").Server("+OK\r\n");
        await using var session = await ScriptedSession.StartLoggedInAsync(script, shape);

        var summaries = await session.Client.GetMessageSummariesAsync(1, 2, cancellationToken: Ct);
        await session.Client.NoopAsync(Ct);

        Assert.Equal(["one", "two"], summaries.Select(static s => s.Subject));
        Assert.All(summaries, static s => Assert.Null(s.Uid));
        session.AssertCompleted();
    }

    private static async Task<Pop3MessageSummary> SummaryAsync(byte[] headerFields, ReplyShape shape)
    {
        var script = Pop3Script.LoggedIn()
            .Stat(1, 1234)
            .Client("LIST\r\n").Server("+OK\r\n1 1234\r\n.\r\n")
            .Client("UIDL\r\n").Server("+OK\r\n1 uid-1\r\n.\r\n")
            .Client("TOP 1 0\r\n").Server([.. "+OK\r\n"u8, .. headerFields, .. "\r\n.\r\n"u8]);
        await using var session = await ScriptedSession.StartLoggedInAsync(script, shape);

        var summaries = await session.Client.GetMessageSummariesAsync([1], cancellationToken: Ct);

        session.AssertCompleted();
        return Assert.Single(summaries);
    }

    private static byte[] Ascii(string text) => Encoding.ASCII.GetBytes(text);

    /// <summary>Records reports as they are made (Progress&lt;T&gt; would post them to the thread pool).</summary>
    private sealed class SynchronousProgress : IProgress<Pop3Progress>
    {
        public List<Pop3Progress> Reports { get; } = [];

        public void Report(Pop3Progress value) => Reports.Add(value);
    }
}
