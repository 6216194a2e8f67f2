using System.Security.Cryptography;
using Pop3Webmail.Web.MailboxState;

namespace Pop3Webmail.Web.Tests.MailboxState;

public sealed class MailboxKeysTests : IDisposable
{
    private const int Iterations = 1_000;
    private static readonly byte[] Salt = RandomNumberGenerator.GetBytes(MailboxKeys.SaltLength);
    private static readonly byte[] Tag = RandomNumberGenerator.GetBytes(MailboxIdentity.TagLength);
    private static readonly byte[] Pepper = RandomNumberGenerator.GetBytes(32);

    private readonly MailboxKeys _keys = MailboxKeys.Derive("the right password", Salt, Iterations, Tag, Pepper);

    public void Dispose() => _keys.Dispose();

    [Fact]
    public void ARowOpensWithTheKeysThatSealedIt()
    {
        var message = SampleMessages.Numbered(1);

        Assert.Equal(message, _keys.Unprotect(_keys.Protect(message)));
    }

    [Fact]
    public void ARowSealedUnderOnePasswordDoesNotOpenUnderAnother()
    {
        var row = _keys.Protect(SampleMessages.Numbered(1));
        using var other = MailboxKeys.Derive("a wrong password", Salt, Iterations, Tag, Pepper);

        Assert.Null(other.Unprotect(row));
        Assert.Null(other.Unprotect(row with { RowId = other.RowId(SampleMessages.Numbered(1).Uid) }));
    }

    [Fact]
    public void TheKeyCheckMatchesOnlyTheSamePasswordSaltIterationsAndPepper()
    {
        using var same = MailboxKeys.Derive("the right password", Salt, Iterations, Tag, Pepper);
        using var otherPassword = MailboxKeys.Derive("the right passwort", Salt, Iterations, Tag, Pepper);
        using var otherSalt = MailboxKeys.Derive("the right password", RandomNumberGenerator.GetBytes(MailboxKeys.SaltLength), Iterations, Tag, Pepper);
        using var otherIterations = MailboxKeys.Derive("the right password", Salt, Iterations + 1, Tag, Pepper);
        using var otherInstallation = MailboxKeys.Derive("the right password", Salt, Iterations, Tag, RandomNumberGenerator.GetBytes(32));

        Assert.True(same.Matches(_keys.KeyCheck));
        Assert.False(otherPassword.Matches(_keys.KeyCheck));
        Assert.False(otherSalt.Matches(_keys.KeyCheck));
        Assert.False(otherIterations.Matches(_keys.KeyCheck));
        Assert.False(otherInstallation.Matches(_keys.KeyCheck), "without the installation's pepper a password guess cannot be checked");
        Assert.Equal(MailboxKeys.KeyCheckLength, _keys.KeyCheck.Length);
    }

    [Fact]
    public void ARowIdIsAKeyedHashOfTheUidThatDependsOnThePassword()
    {
        using var other = MailboxKeys.Derive("a wrong password", Salt, Iterations, Tag, Pepper);

        Assert.Equal(_keys.RowId("uidl-1"), _keys.RowId("uidl-1"));
        Assert.NotEqual(_keys.RowId("uidl-1"), _keys.RowId("uidl-2"));
        Assert.NotEqual(_keys.RowId("uidl-1"), other.RowId("uidl-1"));
        Assert.Equal(MailboxKeys.RowIdLength, _keys.RowId("uidl-1").Length);
    }

    [Fact]
    public void ARowMovedToAnotherMailboxOrRowDoesNotOpen()
    {
        var row = _keys.Protect(SampleMessages.Numbered(1));
        using var sameSecretOtherMailbox = MailboxKeys.Derive("the right password", Salt, Iterations, RandomNumberGenerator.GetBytes(MailboxIdentity.TagLength), Pepper);

        Assert.Null(sameSecretOtherMailbox.Unprotect(row));
        Assert.Null(_keys.Unprotect(row with { RowId = _keys.RowId(SampleMessages.Numbered(2).Uid) }));
    }

    [Fact]
    public void EverySealUsesAFreshNonce()
    {
        var message = SampleMessages.Numbered(1);

        var first = _keys.Protect(message);
        var second = _keys.Protect(message);

        Assert.Equal(first.RowId, second.RowId);
        Assert.NotEqual(first.Payload, second.Payload);
        Assert.Equal(message, _keys.Unprotect(second));
    }

    [Fact]
    public void AnyFlippedBitOfARowMakesItUnreadable()
    {
        var row = _keys.Protect(SampleMessages.Numbered(1));

        for (var bit = 0; bit < row.Payload.Length * 8; bit++)
        {
            var damaged = row.Payload.ToArray();
            damaged[bit / 8] ^= (byte)(1 << (bit % 8));
            Assert.Null(_keys.Unprotect(row with { Payload = damaged }));
        }
    }

    [Fact]
    public void ARowOfEveryShorterLengthIsUnreadable()
    {
        var row = _keys.Protect(SampleMessages.Numbered(1));

        for (var length = 0; length < row.Payload.Length; length++)
        {
            Assert.Null(_keys.Unprotect(row with { Payload = row.Payload[..length] }));
        }
    }
}
