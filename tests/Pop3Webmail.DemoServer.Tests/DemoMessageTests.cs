using System.Text;

namespace Pop3Webmail.DemoServer.Tests;

public sealed class DemoMessageTests
{
    [Fact]
    public void CreateNormalizesEveryLineEndingToCrlf()
    {
        var message = DemoMessage.Create("m.eml", "A: b\nC: d\r\n\nline one\nline two"u8);

        Assert.Equal("A: b\r\nC: d\r\n\r\nline one\r\nline two\r\n", Encoding.ASCII.GetString(message.Content.Span));
        Assert.Equal(message.Content.Length, message.Size);
    }

    [Fact]
    public void UidIsStableAndChangesWithNameOrContent()
    {
        var message = DemoMessage.Create("m.eml", "Subject: x\r\n\r\nbody\r\n"u8);

        Assert.Equal(message.Uid, DemoMessage.Create("m.eml", "Subject: x\n\nbody\n"u8).Uid); // Line endings do not matter.
        Assert.NotEqual(message.Uid, DemoMessage.Create("n.eml", "Subject: x\r\n\r\nbody\r\n"u8).Uid);
        Assert.NotEqual(message.Uid, DemoMessage.Create("m.eml", "Subject: y\r\n\r\nbody\r\n"u8).Uid);
        // RFC 1939 §7: 1 to 70 characters from 0x21 to 0x7E.
        Assert.Matches("^[0-9a-f]{32}$", message.Uid);
    }

    [Fact]
    public void CreateRefusesAnEmptyMessageOrName()
    {
        Assert.Throws<ArgumentException>(() => DemoMessage.Create("m.eml", []));
        Assert.Throws<ArgumentException>(() => DemoMessage.Create(" ", "x"u8));
    }
}
