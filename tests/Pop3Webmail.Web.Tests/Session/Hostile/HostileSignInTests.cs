using Pop3Webmail.Testing.Hostile;
using Pop3Webmail.Web.Session;

namespace Pop3Webmail.Web.Tests.Session.Hostile;

/// <summary>
/// A server the user typed attacks while they sign in: before login, in the first listing, in the first page of
/// summaries. The user must get a sign-in result that says the server sent an invalid reply (never an exception, never
/// a hang), the app's managed heap must stay within budget, the attack must end at the library's bound (the hostile
/// clients' clock never moves, so no deadline can end it), and another user on the configured server must be signed in
/// and served while the attack is held mid-way, and again after it.
/// </summary>
[Collection(nameof(HostileSessionsRunAlone))]
public sealed class HostileSignInTests
{
    /// <summary>What a client may read past a bound before it notices: its receive buffer and the reads in flight.</summary>
    private const long ReadPastBound = 64 * 1024;

    [Fact]
    public async Task AnEndlessCapabilityListBeforeLoginIsAnInvalidReplyAtSignIn()
    {
        var pause = new AttackPause();
        await using var app = HostileApp.Start(new HostileMailbox(3),
            pause.Flood(static command => command is { Verb: "CAPA", SignedIn: false }, AttackLines.Capability, holdAfter: 100));

        var outcome = await app.MeasureAsync("endless CAPA before login", pause, app.SignInVictimAsync);

        outcome.AssertSignInRefused(SignInError.ProtocolError);
        Assert.InRange(outcome.BytesRead, 0, (257 * 24) + ReadPastBound); // CAPA: at most 256 lines
        await AssertSignedOutAfterAsync(app, pause);
    }

    [Fact]
    public async Task AnEndlessListIsAnInvalidReplyAtSignIn()
    {
        var pause = new AttackPause();
        await using var app = HostileApp.Start(new HostileMailbox(1000),
            pause.Flood(static command => command is { Verb: "LIST", Argument: "" }, AttackLines.Size, holdAfter: 500));

        var outcome = await app.MeasureAsync("endless LIST", pause, app.SignInVictimAsync);

        outcome.AssertSignInRefused(SignInError.ProtocolError);
        Assert.InRange(outcome.BytesRead, 0, (1001 * 12) + ReadPastBound); // LIST: no more lines than STAT's 1000
        await AssertSignedOutAfterAsync(app, pause);
    }

    [Fact]
    public async Task TenMillionUidlLinesAreAnInvalidReplyAtSignInLongBeforeTheLast()
    {
        const long tenMillion = 10_000_000;
        var pause = new AttackPause();
        await using var app = HostileApp.Start(new HostileMailbox(100_000),
            pause.Flood(static command => command is { Verb: "UIDL", Argument: "" }, AttackLines.Uid, holdAfter: 50_000, last: tenMillion));

        var outcome = await app.MeasureAsync("10 million UIDL lines (STAT: 100,000)", pause, app.SignInVictimAsync);

        outcome.AssertSignInRefused(SignInError.ProtocolError);
        // The honest LIST of 100,000 and UIDL up to line 100,001 are some 4 MB; all ten million lines would be 250 MB.
        Assert.InRange(outcome.BytesRead, 0, 8L * 1024 * 1024);
        await AssertSignedOutAfterAsync(app, pause);
    }

    [Fact]
    public async Task AFiftyMegabyteHeaderBlockWithoutABlankLineInTheFirstPageIsAnInvalidReplyAtSignIn()
    {
        const long fiftyMegabytes = 50L * 1024 * 1024;
        var pause = new AttackPause();
        await using var app = HostileApp.Start(new HostileMailbox(3),
            pause.Flood(static command => command.Verb == "TOP", AttackLines.HeaderField, holdAfter: 1000, last: fiftyMegabytes / AttackLines.HeaderFieldLength));

        var outcome = await app.MeasureAsync("50 MB header block, no blank line (TOP, first page)", pause, app.SignInVictimAsync);

        // The first broken message is stepped around once (a new connection); the next one ends the sign-in.
        outcome.AssertSignInRefused(SignInError.ProtocolError);
        Assert.InRange(outcome.BytesRead, 0, 2 * ((256 * 1024) + ReadPastBound + 4096)); // MaxHeaderBytes, 256 KiB, per try
        await AssertSignedOutAfterAsync(app, pause, attacks: 2);
    }

    [Fact]
    public async Task OneMessageWhoseHeaderBlockNeverEndsIsShownUnavailableAndTheRestOfTheInboxReads()
    {
        const long fiftyMegabytes = 50L * 1024 * 1024;
        await using var app = HostileApp.Start(new HostileMailbox(3),
            new AttackPause().Flood(static command => command is { Verb: "TOP", Argument: "2 0" }, AttackLines.HeaderField, holdAfter: long.MaxValue, last: fiftyMegabytes / AttackLines.HeaderFieldLength));

        var result = await app.SignInVictimAsync();

        Assert.True(result.Succeeded, result.Error.ToString());
        Assert.Equal(3, app.Victim.Progress.Total);
        Assert.Equal(2, app.Victim.Messages.Count); // message 2 is left out, not the other two
        using var opened = await app.Victim.OpenMessageAsync(app.Victim.Messages[0].Key, TestContext.Current.CancellationToken);
        Assert.Equal(app.Victim.Messages[0].Subject, opened.Read(m => m.Subject));
    }

    [Theory]
    [InlineData("LIST", "+OK\r\n1 1024\r\n", "1 1024\r\n3 1024\r\n.\r\n")] // a repeated number
    [InlineData("LIST", "+OK\r\n1 1024\r\n", "4 1024\r\n.\r\n")] // beyond STAT's count
    [InlineData("LIST", "+OK\r\n", "0 1024\r\n.\r\n")] // numbers start at 1
    [InlineData("LIST", "+OK\r\n1 1024\r\n", "2 -1024\r\n.\r\n")] // a negative size
    [InlineData("LIST", "+OK\r\n1 1024\r\n", "2 2199023255553\r\n.\r\n")] // over 1 TiB
    [InlineData("LIST", "+OK\r\n1 1024\r\n", "2 99999999999999999999999\r\n.\r\n")] // past any integer
    [InlineData("LIST", "+OK\r\n", "2147483648 1024\r\n.\r\n")] // a number past any int
    [InlineData("UIDL", "+OK\r\n1 hostile-1\r\n2 hostile-2\r\n", "2 hostile-3\r\n.\r\n")] // a repeated number
    [InlineData("UIDL", "+OK\r\n1 hostile-1\r\n", "7 hostile-7\r\n.\r\n")] // beyond STAT's count
    public async Task AnInvalidListingAtSignInIsAnInvalidReply(string verb, string before, string invalid)
    {
        var pause = new AttackPause();
        await using var app = HostileApp.Start(new HostileMailbox(3), async (c, command) =>
        {
            if (command.Verb != verb || command.Argument.Length > 0)
            {
                return false;
            }

            await c.SendAsync(before);
            await pause.HoldAsync(c);
            await c.SendAsync(invalid);
            return true;
        });

        var outcome = await app.MeasureAsync($"{verb} with \"{invalid.Split('\r')[0]}\" at sign-in", pause, app.SignInVictimAsync);

        outcome.AssertSignInRefused(SignInError.ProtocolError);
        await AssertSignedOutAfterAsync(app, pause);
    }

    /// <summary>The victim is signed out, the attack's connection hung up on, and the bystander still served.</summary>
    private static async Task AssertSignedOutAfterAsync(HostileApp app, AttackPause pause, int attacks = 1)
    {
        Assert.Equal(MailboxSessionStatus.SignedOut, app.Victim.Status);
        Assert.Equal(attacks, pause.Attacks);
        await app.AssertAttackOverAsync(pause);
    }
}

/// <summary>The hostile-session attacks measure the process's managed heap, so they run alone, after the parallel tests.</summary>
[CollectionDefinition(nameof(HostileSessionsRunAlone), DisableParallelization = true)]
public sealed class HostileSessionsRunAlone;
