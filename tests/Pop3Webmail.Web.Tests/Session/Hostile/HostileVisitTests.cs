using System.Globalization;
using System.Text;
using System.Threading.Channels;
using Pop3Webmail.Pop3;
using Pop3Webmail.Testing.Hostile;
using Pop3Webmail.Web.Session;
using Pop3Webmail.Web.Session.Visit;

namespace Pop3Webmail.Web.Tests.Session.Hostile;

/// <summary>
/// A server the user typed behaves while they sign in, then attacks: in the background listing, when a message is
/// opened or downloaded, when the user checks for new mail. What the user sees must be a <see cref="MailboxException"/>
/// of a kind the views explain (or, for the background, the session's status), never another exception and never a
/// hang; the app's managed heap must stay within budget; and another user must be served during and after the attack.
/// </summary>
[Collection(nameof(HostileSessionsRunAlone))]
public sealed class HostileVisitTests
{
    private const long Gigabyte = 1L << 30;

    /// <summary>What RETR of a message LIST called 1 KB may read (twice the claim plus 1 MiB), and one buffer in flight.</summary>
    private const long ClaimedKilobyteBound = (2 * 1024) + (1024 * 1024) + (64 * 1024);

    /// <summary>Attempts one command gets: the first, and one more on a new connection when the first broke.</summary>
    private const int MaxAttempts = 2;

    /// <summary>What the session may have read past a header bound: one copy buffer and the client's receive buffer.</summary>
    private const long CopyInFlight = (80 * 1024) + (64 * 1024);

    /// <summary>A reconnect's sign-in, listing and first page of three 1 KB mailbox summaries.</summary>
    private const long Relisting = 16 * 1024;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AGigabyteMessageClaimedAsOneKilobyteIsAnInvalidReplyWhenOpened()
    {
        var pause = new AttackPause();
        await using var app = HostileApp.Start(new HostileMailbox(3), FloodRetrieve(pause));
        await app.SignInVictimFullyAsync();
        var key = app.Victim.Messages[0].Key;

        var outcome = await app.MeasureAsync("1 GB RETR claimed 1 KB (open message)", pause, () => app.Victim.OpenMessageAsync(key, Ct));

        outcome.AssertMailboxError(MailboxErrorKind.InvalidServerReply);
        Assert.InRange(pause.Attacks, 1, MaxAttempts);
        Assert.InRange(outcome.BytesRead, 0, pause.Attacks * (ClaimedKilobyteBound + Relisting));
        Assert.Null(app.Victim.CurrentVisit!.OpenedContent);
        await app.AssertAttackOverAsync(pause);
    }

    [Fact]
    public async Task AGigabyteMessageClaimedAsOneKilobyteBreaksOffItsDownloadAsAnInvalidReply()
    {
        var pause = new AttackPause();
        await using var app = HostileApp.Start(new HostileMailbox(3), FloodRetrieve(pause));
        await app.SignInVictimFullyAsync();
        var key = app.Victim.Messages[0].Key;

        var outcome = await app.MeasureAsync("1 GB RETR claimed 1 KB (raw download)", pause, async () =>
        {
            await app.DownloadAsync(app.Victim, DownloadTarget.RawMessage(key), Stream.Null);
            return true;
        });

        outcome.AssertMailboxError(MailboxErrorKind.InvalidServerReply);
        Assert.InRange(outcome.BytesRead, 0, ClaimedKilobyteBound);
        await app.AssertAttackOverAsync(pause);
    }

    [Fact]
    public async Task AServerTricklingOneByteEveryFiftySecondsLosesTheConnectionWithinTheDeadline()
    {
        // Every byte comes well within the 60 s I/O timeout, so only the RETR's deadline (60 s, plus a second per
        // 32 KiB claimed or received) can end it; the session tries once more on a new connection, then gives up.
        var trickling = Channel.CreateUnbounded<HostileConnection>();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        await using var app = HostileApp.Start(new HostileMailbox(3), async (c, command) =>
        {
            if (command.Verb != "RETR")
            {
                return false;
            }

            await c.SendAsync("+OK\r\n");
            trickling.Writer.TryWrite(c);
            await c.TrickleAsync((byte)'x', stop.Token);
            return true;
        });
        await app.SignInVictimFullyAsync();
        var key = app.Victim.Messages[0].Key;
        await app.BystanderReadsAsync(3);
        var ticks = 0;
        var attacks = 0;

        var outcome = await app.MeasureAsync("trickle, 1 byte per 50 s (open message)", pause: null, async () =>
        {
            var opening = app.Victim.OpenMessageAsync(key, Ct);
            while (await Task.WhenAny(opening, trickling.Reader.WaitToReadAsync(Ct).AsTask()) != opening)
            {
                var server = await trickling.Reader.ReadAsync(Ct);
                attacks++;
                var client = await app.Connector.HostileConnectionAsync(server.Number, Ct);
                Task moved;
                do
                {
                    // Fifty seconds pass, the next byte arrives; the client reads it, or its deadline has closed the connection.
                    var read = client.BytesRead;
                    app.Time.Advance(TimeSpan.FromSeconds(50));
                    ticks++;
                    server.ReleaseTrickle();
                    var arrived = client.ReadAtLeastAsync(read + 1, Ct);
                    moved = await Task.WhenAny(opening, client.Closed, arrived);
                    if (moved == arrived)
                    {
                        // The other user is served while the victim's open is held by the trickle.
                        await app.BystanderReadsAsync(2);
                    }
                }
                while (moved != opening && moved != client.Closed);
            }

            return await opening;
        });

        await stop.CancelAsync();
        outcome.AssertMailboxError(MailboxErrorKind.ConnectionLost);
        Assert.IsType<Pop3TimeoutException>(outcome.Error!.InnerException);
        TestContext.Current.TestOutputHelper?.WriteLine($"trickle: {attacks} connections attacked; the user saw the error after {ticks * 50} s of (fake) time.");
        Assert.InRange(attacks, 1, MaxAttempts);
        Assert.Equal(2 * attacks, ticks); // each connection is cut at its second byte: 100 s is past the 60 s deadline
        await app.BystanderReadsAsync(1);
    }

    [Fact]
    public async Task FiftyMegabyteHeaderBlocksInTheBackgroundListingAreSteppedAroundAndTheInboxStaysUsable()
    {
        // 60 messages: the first page is the newest 50, so the attack on the oldest ten comes in the background.
        var pause = new AttackPause();
        await using var app = HostileApp.Start(new HostileMailbox(60), pause.Flood(
            static command => command.Verb == "TOP" && int.Parse(command.Argument.Split(' ')[0], CultureInfo.InvariantCulture) <= 10,
            AttackLines.HeaderField, holdAfter: 1000, last: 50L * 1024 * 1024 / AttackLines.HeaderFieldLength));

        var outcome = await app.MeasureAsync("50 MB header block, no blank line (TOP, background listing)", pause, async () =>
        {
            var result = await app.SignInVictimAsync();
            Assert.True(result.Succeeded);
            await app.Victim.CurrentVisit!.LoaderCompletion;
            return app.Victim.Status;
        });

        // Each broken message is left out and the listing signs in again to go on, up to a few; then it stops.
        Assert.Null(outcome.Error);
        Assert.Equal(MailboxSessionStatus.Ready, outcome.Result);
        Assert.Equal(50, app.Victim.Messages.Count);
        Assert.InRange(pause.Attacks, 1, InboxLoader.MaxRefusedMessages + 1);
        Assert.InRange(outcome.BytesRead, 0, pause.Attacks * ((256 * 1024) + (64 * 1024) + Relisting));
        using (var opened = await app.Victim.OpenMessageAsync(app.Victim.Messages[0].Key, Ct))
        {
            Assert.Equal(HostileMailbox.Subject(60), opened.Read(static m => m.Subject));
        }

        await app.BystanderReadsAsync(1);
    }

    [Fact]
    public async Task AMessageWithAFiftyMegabyteHeaderBlockIsRefusedAsAnInvalidReplyWhenOpened()
    {
        // LIST is honest about the size, so no library bound applies (50 MB is far below MaxMessageSize): the session
        // itself must refuse a header block it would otherwise hand to MimeKit, which keeps every header in memory.
        const long fiftyMegabytes = 50L * 1024 * 1024;
        var mailbox = new HostileMailbox(3);
        mailbox.Claim(3, fiftyMegabytes);
        var pause = new AttackPause();
        await using var app = HostileApp.Start(mailbox, pause.Flood(
            static command => command is { Verb: "RETR", Argument: "3" },
            AttackLines.HeaderField, holdAfter: 1000, last: fiftyMegabytes / AttackLines.HeaderFieldLength, status: "+OK\r\nSubject: " + HostileMailbox.Subject(3) + "\r\n"));
        await app.SignInVictimFullyAsync();

        var outcome = await app.MeasureAsync("50 MB header block, no blank line (RETR, size claimed honestly)", pause,
            () => app.Victim.OpenMessageAsync(app.Victim.Messages[0].Key, Ct));

        outcome.AssertMailboxError(MailboxErrorKind.InvalidServerReply);
        Assert.Equal(1, pause.Attacks);
        Assert.InRange(outcome.BytesRead, 0, (256 * 1024) + CopyInFlight);
        await app.AssertAttackOverAsync(pause);
        using var other = await app.Victim.OpenMessageAsync(app.Victim.Messages[1].Key, Ct);
        Assert.Equal(HostileMailbox.Subject(2), other.Read(static m => m.Subject));
    }

    [Fact]
    public async Task AMimePartWithAFiftyMegabyteHeaderBlockIsRefusedAsAnInvalidReplyAndTheConnectionStays()
    {
        // The message's own header block is short and ends; the 50 MB block is the header of its first body part
        // (RFC 2046 §5.1.1), which MimeKit would keep in memory whole. The reply ends properly, so the wire is fine.
        const long fiftyMegabytes = 50L * 1024 * 1024;
        var mailbox = new HostileMailbox(3);
        mailbox.Claim(3, fiftyMegabytes);
        var pause = new AttackPause();
        const string outer = "+OK\r\nSubject: Parts\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b\"\r\n\r\n--b\r\n";
        await using var app = HostileApp.Start(mailbox, pause.Flood(
            static command => command is { Verb: "RETR", Argument: "3" },
            AttackLines.HeaderField, holdAfter: 1000, last: fiftyMegabytes / AttackLines.HeaderFieldLength, status: outer));
        await app.SignInVictimFullyAsync();

        var outcome = await app.MeasureAsync("50 MB header block of a MIME part (RETR, size claimed honestly)", pause,
            () => app.Victim.OpenMessageAsync(app.Victim.Messages[0].Key, Ct));

        outcome.AssertMailboxError(MailboxErrorKind.InvalidServerReply);
        Assert.Equal(1, pause.Attacks);
        using var other = await app.Victim.OpenMessageAsync(app.Victim.Messages[1].Key, Ct);
        Assert.Equal(HostileMailbox.Subject(2), other.Read(static m => m.Subject));
        Assert.Equal(1, app.Connector.Connections); // no reconnect: the same connection served the next message
    }

    [Fact]
    public async Task DuplicateNumbersWhenCheckingForNewMailAreAnInvalidReply()
    {
        var pause = new AttackPause();
        await using var app = HostileApp.Start(new HostileMailbox(3), async (c, command) =>
        {
            if (c.Number == 1 || command is not { Verb: "LIST", Argument: "" })
            {
                return false;
            }

            await c.SendAsync("+OK\r\n1 1024\r\n2 1024\r\n");
            await pause.HoldAsync(c);
            await c.SendAsync("2 1024\r\n.\r\n");
            return true;
        });
        await app.SignInVictimFullyAsync();

        var outcome = await app.MeasureAsync("duplicate LIST number (check for new mail)", pause, async () =>
        {
            await app.Victim.CheckForNewMailAsync(Ct);
            return true;
        });

        outcome.AssertMailboxError(MailboxErrorKind.InvalidServerReply);
        Assert.Equal(MailboxSessionStatus.ConnectionLost, app.Victim.Status);
        await app.AssertAttackOverAsync(pause);
    }

    [Fact]
    public async Task AReplyThatSwitchesToBareLfMidwayIsReadAsTheServerMeantIt()
    {
        // RFC 1939 asks for CRLF; real servers mix in bare LF, so a switch is read line by line, not refused.
        var pause = new AttackPause();
        var message = Encoding.ASCII.GetString(new HostileMailbox(3).Message(3));
        var switchAt = message.IndexOf("\r\n", 600, StringComparison.Ordinal) + 2;
        await using var app = HostileApp.Start(new HostileMailbox(3), async (c, command) =>
        {
            switch (command.Verb)
            {
                case "LIST" when command.Argument.Length == 0:
                    await c.SendAsync("+OK\r\n1 1024\r\n");
                    await pause.HoldAsync(c);
                    await c.SendAsync("2 1024\n3 1024\n.\n");
                    return true;
                case "UIDL" when command.Argument.Length == 0:
                    await c.SendAsync("+OK\r\n1 hostile-1\r\n2 hostile-2\n3 hostile-3\n.\r\n");
                    return true;
                case "RETR":
                    await c.SendAsync("+OK\r\n" + message[..switchAt] + message[switchAt..].Replace("\r\n", "\n", StringComparison.Ordinal) + ".\r\n");
                    return true;
                default:
                    return false;
            }
        });

        var outcome = await app.MeasureAsync("bare LF from mid-reply on (sign-in, open)", pause, async () =>
        {
            var result = await app.SignInVictimAsync();
            Assert.True(result.Succeeded, $"Sign-in failed: {result.Error}.");
            await app.Victim.CurrentVisit!.LoaderCompletion;
            using var opened = await app.Victim.OpenMessageAsync(app.Victim.Messages[0].Key, Ct);
            return opened.Read(static m => (m.Subject, m.TextBody));
        });

        Assert.Null(outcome.Error);
        Assert.Equal(HostileMailbox.Subject(3), outcome.Result.Subject);
        Assert.Equal(Lines(message[(message.IndexOf("\r\n\r\n", StringComparison.Ordinal) + 4)..]), Lines(outcome.Result.TextBody ?? string.Empty));
        Assert.Equal([HostileMailbox.Subject(3), HostileMailbox.Subject(2), HostileMailbox.Subject(1)], app.Victim.Messages.Select(static m => m.Subject));
        await app.BystanderReadsAsync(1);
    }

    /// <summary>RETR: +OK, a proper header, then a gigabyte of body lines (the pause after half a megabyte), then the end.</summary>
    private static HostileAttack FloodRetrieve(AttackPause pause) => pause.Flood(
        static command => command.Verb == "RETR", AttackLines.BodyLine,
        holdAfter: 512 * 1024 / AttackLines.BodyLineLength, last: Gigabyte / AttackLines.BodyLineLength, status: "+OK\r\n" + HostileMailbox.Header(3));

    private static string[] Lines(string text) => text.Split('\n').Select(static l => l.TrimEnd('\r')).ToArray();
}
