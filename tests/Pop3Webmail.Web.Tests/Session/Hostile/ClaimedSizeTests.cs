using Pop3Webmail.Testing.Hostile;
using Pop3Webmail.Web.Configuration;
using Pop3Webmail.Web.Session;

namespace Pop3Webmail.Web.Tests.Session.Hostile;

/// <summary>
/// Whether an opened message is parsed in memory or spooled to a temporary file depends on the octets actually
/// received, never on the size the server claimed in LIST. The threshold is lowered to 256 KiB here because the
/// library cuts a RETR off at twice its LIST claim plus 1 MiB: six megabytes under a 1 KB claim never arrive at all.
/// </summary>
[Collection(nameof(HostileSessionsRunAlone))]
public sealed class ClaimedSizeTests
{
    private const long Threshold = 256 * 1024;

    /// <summary>Body lines of 76 octets and CRLF sent after the header, 624,000 octets in all.</summary>
    private const int BodyLines = 8000;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AMessageClaimedAsOneKilobyteThatArrivesPastTheThresholdIsSpooledToDisk()
    {
        await using var app = HostileApp.Start(new HostileMailbox(3), static async (c, command) =>
        {
            if (command is not { Verb: "RETR", Argument: "3" })
            {
                return false;
            }

            await c.SendAsync("+OK\r\n" + HostileMailbox.Header(3));
            await c.FloodLinesAsync(AttackLines.BodyLine, BodyLines);
            await c.SendAsync(".\r\n");
            return true;
        }, new MailOptions { LargeMessageThreshold = Threshold });
        await app.SignInVictimFullyAsync();
        Assert.Equal(1024, app.Victim.Messages[0].Size);

        using var opened = await app.Victim.OpenMessageAsync(app.Victim.Messages[0].Key, Ct);

        Assert.True(opened.SpooledToDisk);
        var spool = app.Victim.CurrentVisit!.OpenedContent!.SpoolPath;
        Assert.StartsWith(MessageSpool.Path, spool, StringComparison.Ordinal);
        Assert.True(File.Exists(spool));
        Assert.Equal(HostileMailbox.Subject(3), opened.Read(static m => m.Subject));
        Assert.Equal(76 * BodyLines, opened.Read(static m => (m.TextBody ?? string.Empty).Count(static ch => ch == 'x')));
    }

    [Fact]
    public async Task AMessageClaimedAsOneHundredMegabytesThatArrivesSmallIsParsedInMemory()
    {
        var mailbox = new HostileMailbox(3);
        mailbox.Claim(3, 100_000_000);
        await using var app = HostileApp.Start(mailbox, static (_, _) => Task.FromResult(false), new MailOptions { LargeMessageThreshold = Threshold });
        await app.SignInVictimFullyAsync();
        Assert.Equal(100_000_000, app.Victim.Messages[0].Size);

        using var opened = await app.Victim.OpenMessageAsync(app.Victim.Messages[0].Key, Ct);

        Assert.False(opened.SpooledToDisk);
        Assert.Null(app.Victim.CurrentVisit!.OpenedContent!.SpoolPath);
        Assert.Equal(HostileMailbox.Subject(3), opened.Read(static m => m.Subject));
    }
}
