using Pop3Webmail.Web.MailboxState;

namespace Pop3Webmail.Web.Tests.MailboxState;

public sealed class RememberedMessageLimitsTests
{
    [Theory]
    [InlineData("1", true)]
    [InlineData("0000002a5f3c1b7e", true)]
    [InlineData("!~", true)]
    [InlineData("", false)]
    [InlineData("with space", false)]
    [InlineData("tab\t", false)]
    [InlineData("ünicode", false)]
    [InlineData("del\u007f", false)]
    public void AUidIsOneToSeventyPrintableAsciiCharacters(string uid, bool valid) =>
        Assert.Equal(valid, RememberedMessageLimits.IsValidUid(uid));

    [Fact]
    public void AUidOfSeventyCharactersIsValidAndOfSeventyOneIsNot()
    {
        Assert.True(RememberedMessageLimits.IsValidUid(new string('a', 70)));
        Assert.False(RememberedMessageLimits.IsValidUid(new string('a', 71)));
        Assert.False(RememberedMessageLimits.IsValidUid(null));
    }

    [Fact]
    public void ACutNeverEndsInHalfASurrogatePair()
    {
        var emoji = "🙂"; // two UTF-16 units
        var value = new string('x', RememberedMessageLimits.SubjectLength - 1) + emoji;

        var stored = RememberedMessageLimits.Apply(SampleMessages.Numbered(1) with { Subject = value })!;

        Assert.Equal(RememberedMessageLimits.SubjectLength - 1, stored.Subject.Length);
        Assert.False(char.IsHighSurrogate(stored.Subject[^1]));
    }

    [Fact]
    public void FieldsWithinTheirLimitsAreKeptAsTheyAre()
    {
        var message = SampleMessages.Numbered(1);

        Assert.Equal(message, RememberedMessageLimits.Apply(message));
    }

    [Fact]
    public void MissingTextBecomesEmptyAndAMissingMessageIdStaysMissing()
    {
        var stored = RememberedMessageLimits.Apply(SampleMessages.Numbered(1) with { From = null!, Subject = null!, MessageId = null })!;

        Assert.Equal(string.Empty, stored.From);
        Assert.Equal(string.Empty, stored.Subject);
        Assert.Null(stored.MessageId);
    }

    [Fact]
    public void AMessageWithANegativeSizeOrAnInvalidUidIsNotStored()
    {
        Assert.Null(RememberedMessageLimits.Apply(SampleMessages.Numbered(1) with { Size = -1 }));
        Assert.Null(RememberedMessageLimits.Apply(SampleMessages.Numbered(1) with { Uid = "a b" }));
    }
}
