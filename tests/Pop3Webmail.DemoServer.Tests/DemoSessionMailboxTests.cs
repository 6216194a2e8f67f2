namespace Pop3Webmail.DemoServer.Tests;

public sealed class DemoSessionMailboxTests
{
    private static readonly DemoMessage[] Messages =
    [
        DemoMessage.Create("one.eml", "Subject: one\r\n\r\nfirst\r\n"u8),
        DemoMessage.Create("two.eml", "Subject: two\r\n\r\nsecond body\r\n"u8),
        DemoMessage.Create("three.eml", "Subject: three\r\n\r\nthird\r\n"u8),
    ];

    [Fact]
    public void MessagesAreNumberedFromOneInLoginOrder()
    {
        var mailbox = new DemoSessionMailbox(Messages);

        Assert.Equal(DemoMessageLookup.Found, mailbox.Find("2", out var number, out var message));
        Assert.Equal(2, number);
        Assert.Same(Messages[1], message);
        Assert.Equal([1, 2, 3], mailbox.Live().Select(static m => m.Number));
        Assert.Equal(Messages.Sum(static m => m.Size), mailbox.LiveSize);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("4")]
    [InlineData("-1")]
    [InlineData("+1")]
    [InlineData("1.0")]
    [InlineData("99999999999")]
    [InlineData("")]
    public void AnArgumentThatIsNotAListedNumberNamesNoMessage(string argument)
    {
        var mailbox = new DemoSessionMailbox(Messages);

        Assert.Equal(DemoMessageLookup.NoSuchMessage, mailbox.Find(argument, out _, out var message));
        Assert.Null(message);
    }

    [Fact]
    public void AMarkedMessageKeepsItsNumberButCannotBeReferencedUntilReset()
    {
        var mailbox = new DemoSessionMailbox(Messages);

        mailbox.MarkDeleted(2);

        Assert.Equal(DemoMessageLookup.Deleted, mailbox.Find("2", out _, out _));
        Assert.Equal([1, 3], mailbox.Live().Select(static m => m.Number));
        Assert.Equal(2, mailbox.LiveCount);
        Assert.Equal(3, mailbox.Count);
        Assert.Equal(Messages[0].Size + Messages[2].Size, mailbox.LiveSize);
        Assert.Equal([Messages[1].Uid], mailbox.MarkedUids());

        mailbox.Reset();

        Assert.Equal(DemoMessageLookup.Found, mailbox.Find("2", out _, out _));
        Assert.Empty(mailbox.MarkedUids());
    }
}
