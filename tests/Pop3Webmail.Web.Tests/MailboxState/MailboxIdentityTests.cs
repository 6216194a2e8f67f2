using Pop3Webmail.Web.MailboxState;

namespace Pop3Webmail.Web.Tests.MailboxState;

public sealed class MailboxIdentityTests : IDisposable
{
    private readonly MailboxIdentity _identity = new([.. Enumerable.Range(0, 32).Select(i => (byte)i)]);

    public void Dispose() => _identity.Dispose();

    [Fact]
    public void TheTagDependsOnServerUserAndInstallationSecret()
    {
        using var otherInstallation = new MailboxIdentity([.. Enumerable.Range(1, 32).Select(i => (byte)i)]);
        var tag = _identity.Tag("mail.example.org:995", "bob");

        Assert.Equal(tag, _identity.Tag("mail.example.org:995", "bob"));
        Assert.NotEqual(tag, _identity.Tag("mail.example.org:110", "bob"));
        Assert.NotEqual(tag, _identity.Tag("mail.example.org:995", "bob2"));
        Assert.NotEqual(tag, otherInstallation.Tag("mail.example.org:995", "bob"));
        Assert.Equal(MailboxIdentity.TagLength, tag.Length);
    }

    [Fact]
    public void ThePepperIsSecretDependentAndUnlikeAnyTag()
    {
        using var otherInstallation = new MailboxIdentity([.. Enumerable.Range(1, 32).Select(i => (byte)i)]);

        Assert.Equal(32, _identity.Pepper.Length);
        Assert.NotEqual(_identity.Pepper, otherInstallation.Pepper);
        Assert.NotEqual(_identity.Pepper, _identity.Tag(string.Empty, string.Empty));
    }

    [Fact]
    public void ServerAndUserNameCannotBeShiftedIntoEachOther() =>
        Assert.NotEqual(_identity.Tag("mail:99", "5bob"), _identity.Tag("mail:995", "bob"));

    [Fact]
    public void UserNamesAreComparedAfterNormalizationButWithTheirCase()
    {
        Assert.Equal(_identity.Tag("s", "Ren\u00e9e"), _identity.Tag("s", "Rene\u0301e"));
        Assert.NotEqual(_identity.Tag("s", "renee"), _identity.Tag("s", "Renee"));
    }

    [Fact]
    public void AnInstallationSecretShorterThan256BitsIsRefused() =>
        Assert.Throws<ArgumentException>(() => new MailboxIdentity(new byte[31]));
}
