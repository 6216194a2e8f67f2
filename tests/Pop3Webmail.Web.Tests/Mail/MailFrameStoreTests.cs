using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Pop3Webmail.Web.Mail;

namespace Pop3Webmail.Web.Tests.Mail;

public sealed class MailFrameStoreTests
{
    private static readonly MailHtmlBody Body = new("<!DOCTYPE html><html><body>Hello</body></html>", RemoteContentAllowed: false);
    private readonly FakeTimeProvider _time = new();
    private readonly MailFrameStore _store;

    public MailFrameStoreTests() => _store = new MailFrameStore(_time, Options.Create(new MailRenderingOptions()));

    [Fact]
    public void AFrameIsRedeemedOnceWithItsDocumentAndBrowser()
    {
        var token = _store.Issue("browser-a", Body);

        var first = _store.Redeem(token);
        var second = _store.Redeem(token);

        Assert.Equal(new MailFrame("browser-a", Body.Document, false, _time.GetUtcNow() + new MailRenderingOptions().FrameLinkLifetime), first);
        Assert.Null(second);
    }

    [Fact]
    public void TokensAreUnguessable256BitValues()
    {
        var tokens = Enumerable.Range(0, 100).Select(_ => _store.Issue("browser-a", Body)).ToList();

        Assert.All(tokens, t => Assert.Equal(32, System.Buffers.Text.Base64Url.DecodeFromChars(t).Length));
        Assert.Equal(tokens.Count, tokens.Distinct().Count());
    }

    [Fact]
    public void AnExpiredFrameIsGone()
    {
        var token = _store.Issue("browser-a", Body);

        _time.Advance(new MailRenderingOptions().FrameLinkLifetime);

        Assert.Null(_store.Redeem(token));
    }

    [Fact]
    public void ARevokedFrameIsGone()
    {
        var token = _store.Issue("browser-a", Body);

        _store.Revoke(token);

        Assert.Null(_store.Redeem(token));
    }

    [Fact]
    public void OneBrowserHoldsAFewFramesAtMostTheOldestGoingFirst()
    {
        var tokens = new List<string>();
        for (var i = 0; i < MailFrameStore.MaxFramesPerBrowser + 2; i++)
        {
            tokens.Add(_store.Issue("browser-a", Body));
            _time.Advance(TimeSpan.FromMilliseconds(1));
        }

        var other = _store.Issue("browser-b", Body);

        Assert.Equal(MailFrameStore.MaxFramesPerBrowser + 1, _store.Count);
        Assert.Null(_store.Redeem(tokens[0]));
        Assert.Null(_store.Redeem(tokens[1]));
        Assert.All(tokens.Skip(2), t => Assert.NotNull(_store.Redeem(t)));
        Assert.NotNull(_store.Redeem(other));
    }

    [Fact]
    public void TheStoreAsAWholeIsBounded()
    {
        for (var i = 0; i < 2 * MailFrameStore.MaxFrames; i++)
        {
            _store.Issue("browser-" + i, Body);
        }

        Assert.Equal(MailFrameStore.MaxFrames, _store.Count);
    }
}
