using Microsoft.Extensions.Time.Testing;
using Pop3Webmail.Web.Configuration;
using Pop3Webmail.Web.Security;

namespace Pop3Webmail.Web.Tests.Security;

/// <summary>
/// The sign-in throttle as a pure type on a fake clock: offices and kiosk rooms behind one address get in, guessers
/// are slowed per browser, per network and per user, and a guesser cannot lock a user out of their own browser.
/// </summary>
public sealed class SignInThrottleTests
{
    private const string Office = "198.51.100.20";
    private const string Server = "office-pop";
    private static readonly MailRateLimitOptions Defaults = new();

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 3, 2, 9, 0, 0, TimeSpan.Zero));

    [Fact]
    public void ThirtyUsersSigningInAtOnceFromOneAddressAllGetInEvenWithATypoEach()
    {
        var throttle = Create();
        var users = Enumerable.Range(1, 30).Select(i => new SignInAttempt(Office, "browser-" + i, Server, "user" + i)).ToList();

        // Everyone mistypes once, then everyone gets it right: all within the same second.
        var firstTries = users.Select(throttle.Check).ToList();
        users.ForEach(throttle.RecordFailure);
        var secondTries = users.Select(throttle.Check).ToList();
        users.ForEach(throttle.RecordSuccess);

        Assert.All(firstTries, wait => Assert.Null(wait));
        Assert.All(secondTries, wait => Assert.Null(wait));
    }

    [Fact]
    public void AKioskPcUsedByOnePersonAfterAnotherIsNotLockedByTheirTypos()
    {
        var throttle = Create();
        var waits = new List<TimeSpan?>();
        for (var person = 0; person < 3 * Defaults.FailuresPerBrowser; person++)
        {
            var attempt = new SignInAttempt(Office, "kiosk-3", Server, "visitor" + person);
            waits.Add(throttle.Check(attempt));
            throttle.RecordFailure(attempt);
            waits.Add(throttle.Check(attempt));
            throttle.RecordSuccess(attempt);
        }

        Assert.All(waits, wait => Assert.Null(wait));
    }

    [Fact]
    public void AGuesserElsewhereCannotLockTheUserOutOfTheirKnownBrowser()
    {
        var throttle = Create();
        var owner = new SignInAttempt(Office, "alice-laptop", Server, "alice");
        throttle.RecordSuccess(owner);
        var guesser = new SignInAttempt("203.0.113.66", "guesser", Server, "ALICE");
        var guesses = new List<TimeSpan?>();
        for (var guess = 0; guess < 50; guess++)
        {
            guesses.Add(throttle.Check(guesser));
            throttle.RecordFailure(guesser);
            _time.Advance(TimeSpan.FromSeconds(1));
        }

        var ownerMayTry = throttle.Check(owner);
        var guesserMayTry = throttle.Check(guesser);

        Assert.Null(ownerMayTry);
        Assert.NotNull(guesserMayTry);
        Assert.All(guesses.Take(Defaults.FailuresPerUser), wait => Assert.Null(wait));
        Assert.All(guesses.Skip(Defaults.FailuresPerUser), wait => Assert.NotNull(wait));
    }

    [Fact]
    public void GuessingOnePasswordFromOneBrowserIsSlowedByADoublingWait()
    {
        var throttle = Create();
        var guesser = new SignInAttempt("203.0.113.66", "guesser", Server, "bob");
        for (var guess = 0; guess < Defaults.FailuresPerUser; guess++)
        {
            Assert.Null(throttle.Check(guesser));
            throttle.RecordFailure(guesser);
        }

        var first = throttle.Check(guesser);
        _time.Advance(Defaults.UserBackoff);
        var afterWaiting = throttle.Check(guesser);
        throttle.RecordFailure(guesser);
        var second = throttle.Check(guesser);

        Assert.Equal(Defaults.UserBackoff, first);
        Assert.Null(afterWaiting);
        Assert.Equal(2 * Defaults.UserBackoff, second);
    }

    [Fact]
    public void TheUserWaitDoublesUpToItsCeilingAndWaitingItOutDoesNotReset()
    {
        var throttle = Create();
        var guesser = new SignInAttempt("203.0.113.66", "guesser", Server, "bob");
        var waits = new List<TimeSpan>();
        for (var guess = 0; guess < 15; guess++)
        {
            if (throttle.Check(guesser) is { } wait)
            {
                waits.Add(wait);
                _time.Advance(wait);
            }

            // A new cookie each time: only the per-user brake (and the network's) applies.
            throttle.RecordFailure(guesser with { BrowserKey = "guesser-" + guess });
        }

        Assert.Equal(
            [TimeSpan.FromSeconds(30), TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(2), TimeSpan.FromMinutes(4),
             TimeSpan.FromMinutes(8), TimeSpan.FromMinutes(15), TimeSpan.FromMinutes(15), TimeSpan.FromMinutes(15),
             TimeSpan.FromMinutes(15), TimeSpan.FromMinutes(15)],
            waits);
    }

    [Fact]
    public void AUsersFailuresAreForgottenAfterAQuietWindow()
    {
        var throttle = Create();
        var attempt = new SignInAttempt(Office, "browser", Server, "carol");
        for (var guess = 0; guess < Defaults.FailuresPerUser; guess++)
        {
            throttle.RecordFailure(attempt);
        }

        _time.Advance(Defaults.UserBackoff + Defaults.Window);

        Assert.Null(throttle.Check(attempt with { BrowserKey = "another-browser" }));
    }

    [Fact]
    public void OneBrowserTryingManyUsersIsStoppedForTheRestOfTheWindow()
    {
        var throttle = Create();
        for (var user = 0; user < Defaults.FailuresPerBrowser; user++)
        {
            throttle.RecordFailure(new SignInAttempt(Office, "sprayer", Server, "user" + user));
        }

        _time.Advance(TimeSpan.FromMinutes(1));
        var sameBrowser = throttle.Check(new SignInAttempt(Office, "sprayer", Server, "someone-new"));
        var colleague = throttle.Check(new SignInAttempt(Office, "colleague", Server, "someone-new"));
        _time.Advance(Defaults.Window - TimeSpan.FromMinutes(1));
        var windowOver = throttle.Check(new SignInAttempt(Office, "sprayer", Server, "someone-new"));

        Assert.Equal(Defaults.Window - TimeSpan.FromMinutes(1), sameBrowser);
        Assert.Null(colleague);
        Assert.Null(windowOver);
    }

    [Fact]
    public void AGuesserWhoDropsTheCookieMeetsTheNetworkBudgetButKnownBrowsersThereStillGetIn()
    {
        var throttle = Create();
        var colleague = new SignInAttempt(Office, "colleague", Server, "dave");
        throttle.RecordSuccess(colleague);
        for (var guess = 0; guess < Defaults.FailuresPerNetwork; guess++)
        {
            throttle.RecordFailure(new SignInAttempt(Office, "fresh-cookie-" + guess, Server, "user" + guess));
        }

        Assert.NotNull(throttle.Check(new SignInAttempt(Office, "fresh-cookie-x", Server, "someone")));
        Assert.NotNull(throttle.Check(colleague with { BrowserKey = "dave-new-phone" }));
        Assert.Null(throttle.Check(colleague));
        Assert.Null(throttle.Check(new SignInAttempt("198.51.100.21", "next-office", Server, "someone")));
    }

    [Fact]
    public void AKnownBrowserIsKnownOnlyForItsOwnMailbox()
    {
        var throttle = Create();
        throttle.RecordSuccess(new SignInAttempt(Office, "shared-pc", Server, "erin"));
        for (var guess = 0; guess < Defaults.FailuresPerUser; guess++)
        {
            throttle.RecordFailure(new SignInAttempt("203.0.113.66", "guesser", Server, "frank"));
            throttle.RecordFailure(new SignInAttempt("203.0.113.66", "guesser", "other-server", "erin"));
        }

        Assert.NotNull(throttle.Check(new SignInAttempt(Office, "shared-pc", Server, "frank")));
        Assert.NotNull(throttle.Check(new SignInAttempt(Office, "shared-pc", "other-server", "erin")));
    }

    [Fact]
    public void TheNextPersonAtAKnownBrowserMeetsTheDoublingWaitAndCannotResetItWithTheirOwnSignIn()
    {
        var throttle = Create();
        var victim = new SignInAttempt(Office, "kiosk-7", Server, "alice");
        var own = new SignInAttempt(Office, "kiosk-7", Server, "mallory");
        throttle.RecordSuccess(victim);
        var waits = new List<TimeSpan?>();
        for (var guess = 0; guess < Defaults.FailuresPerUser + 2; guess++)
        {
            waits.Add(throttle.Check(victim));
            throttle.RecordFailure(victim);
            throttle.RecordSuccess(own);
        }

        Assert.All(waits.Take(Defaults.FailuresPerUser), wait => Assert.Null(wait));
        Assert.Equal([Defaults.UserBackoff, 2 * Defaults.UserBackoff], waits.Skip(Defaults.FailuresPerUser));
    }

    [Fact]
    public void TyposInTheUsersOwnBrowserDoNotSlowTheirOtherBrowsersAndTheirSuccessForgivesThem()
    {
        var throttle = Create();
        var laptop = new SignInAttempt(Office, "alice-laptop", Server, "alice");
        throttle.RecordSuccess(laptop);
        for (var typo = 0; typo < Defaults.FailuresPerUser; typo++)
        {
            throttle.RecordFailure(laptop);
        }

        var phone = throttle.Check(laptop with { BrowserKey = "alice-phone" });
        var laptopBeforeSuccess = throttle.Check(laptop);
        _time.Advance(Defaults.UserBackoff);
        throttle.RecordSuccess(laptop);
        throttle.RecordFailure(laptop);
        var laptopAfterSuccess = throttle.Check(laptop);

        Assert.Null(phone);
        Assert.Equal(Defaults.UserBackoff, laptopBeforeSuccess);
        Assert.Null(laptopAfterSuccess);
    }

    [Fact]
    public void ABrowserWithoutACookieNeverBecomesKnown()
    {
        var throttle = Create();
        var cookieless = new SignInAttempt(Office, string.Empty, Server, "alice");
        throttle.RecordSuccess(cookieless);
        for (var guess = 0; guess < Defaults.FailuresPerUser; guess++)
        {
            throttle.RecordFailure(new SignInAttempt("203.0.113.66", "guesser", Server, "alice"));
        }

        Assert.NotNull(throttle.Check(cookieless));
        Assert.NotNull(throttle.Check(cookieless with { ClientAddress = "203.0.113.67" }));
    }

    [Fact]
    public void AKnownBrowserIsForgottenAfterItsLifetime()
    {
        var throttle = Create();
        var owner = new SignInAttempt(Office, "alice-laptop", Server, "alice");
        throttle.RecordSuccess(owner);
        _time.Advance(Defaults.KnownBrowserLifetime);
        for (var guess = 0; guess < Defaults.FailuresPerUser; guess++)
        {
            throttle.RecordFailure(owner with { ClientAddress = "203.0.113.66", BrowserKey = "guesser" });
        }

        Assert.NotNull(throttle.Check(owner));
    }

    [Fact]
    public void AllAddressesOfOneIPv6SlashSixtyFourShareABudgetAndTheNextSlashSixtyFourDoesNot()
    {
        var throttle = Create();
        for (var guess = 0; guess < Defaults.FailuresPerNetwork; guess++)
        {
            // A client can pick any of its 2^64 addresses and a fresh cookie for every guess.
            var address = $"2001:db8:1:2:{guess:x}:{guess:x}:{guess:x}:1";
            throttle.RecordFailure(new SignInAttempt(address, "cookie-" + guess, Server, "user" + guess));
        }

        Assert.NotNull(throttle.Check(new SignInAttempt("2001:db8:1:2:ffff::99", "cookie-new", Server, "someone")));
        Assert.Null(throttle.Check(new SignInAttempt("2001:db8:1:3::1", "cookie-new", Server, "someone")));
    }

    [Fact]
    public void OnlyFailuresCountSoSuccessesNeverThrottle()
    {
        var throttle = Create();
        var attempt = new SignInAttempt(Office, "browser", Server, "grace");
        for (var signIn = 0; signIn < 1000; signIn++)
        {
            Assert.Null(throttle.Check(attempt));
            throttle.RecordSuccess(attempt);
        }
    }

    [Fact]
    public void MemoryStaysBoundedWhateverClientsSend()
    {
        const int Capacity = 100;
        var throttle = new SignInThrottle(Defaults, _time, Capacity);

        for (var i = 0; i < 10 * Capacity; i++)
        {
            var attempt = new SignInAttempt($"203.0.{i / 256}.{i % 256}", "cookie-" + i, Server, "user" + i);
            throttle.RecordFailure(attempt);
            throttle.RecordSuccess(attempt);
        }

        Assert.InRange(throttle.EntryCount, 1, 4 * Capacity);
    }

    private SignInThrottle Create() => new(Defaults, _time, SignInThrottle.DefaultCapacity);
}
