using System.Text;
using Pop3Webmail.Pop3;
using Pop3Webmail.Web.MailboxState;

namespace Pop3Webmail.Web.Tests.MailboxState;

public sealed class RememberedMessageCodecTests
{
    [Fact]
    public void EveryFieldSurvivesTheRoundTrip()
    {
        var message = new RememberedMessage("0000002a5f3c1b7e", long.MaxValue, "Иван «Ваня» Петров", "ivan@пример.рф", "Мария, Bob 🙂",
            "Счёт № 42 — срочно", new DateTimeOffset(1999, 12, 31, 23, 59, 58, TimeSpan.FromHours(-9.5)), "<a@b>", true, Pop3MessageImportance.Low, true);

        var decoded = RememberedMessageCodec.Decode(RememberedMessageCodec.Encode(message));

        Assert.Equal(message, decoded);
        Assert.Equal(TimeSpan.FromHours(-9.5), decoded!.Date!.Value.Offset);
    }

    [Fact]
    public void AbsentDateAndMessageIdStayAbsent()
    {
        var message = SampleMessages.Numbered(3) with { Date = null, MessageId = null };

        Assert.Equal(message, RememberedMessageCodec.Decode(RememberedMessageCodec.Encode(message)));
    }

    [Fact]
    public void EveryTruncationIsRejectedWithoutAnException()
    {
        var encoded = RememberedMessageCodec.Encode(SampleMessages.Numbered(1));

        for (var length = 0; length < encoded.Length; length++)
        {
            Assert.Null(RememberedMessageCodec.Decode(encoded[..length]));
        }
    }

    [Fact]
    public void TrailingBytesAreRejected()
    {
        var encoded = RememberedMessageCodec.Encode(SampleMessages.Numbered(1));

        Assert.Null(RememberedMessageCodec.Decode([.. encoded, 0]));
    }

    [Fact]
    public void AnUnknownImportanceIsRejected()
    {
        var encoded = RememberedMessageCodec.Encode(SampleMessages.Numbered(1));
        encoded[^2] = 17; // importance is the byte before the read flag

        Assert.Null(RememberedMessageCodec.Decode(encoded));
    }

    [Fact]
    public void InvalidUtf8IsRejected()
    {
        var encoded = RememberedMessageCodec.Encode(SampleMessages.Numbered(1));
        var uid = Encoding.ASCII.GetBytes(SampleMessages.Numbered(1).Uid);
        encoded[1 + uid.Length - 1] = 0xC3; // the last byte of the UIDL becomes the start of an unfinished sequence

        Assert.Null(RememberedMessageCodec.Decode(encoded));
    }

    [Fact]
    public void AnOutOfRangeDateIsRejected()
    {
        var message = SampleMessages.Numbered(1);
        var encoded = RememberedMessageCodec.Encode(message);
        var ticksAt = encoded.AsSpan().IndexOf(BitConverter.GetBytes(message.Date!.Value.UtcTicks));

        BitConverter.TryWriteBytes(encoded.AsSpan(ticksAt), long.MaxValue);

        Assert.Null(RememberedMessageCodec.Decode(encoded));
    }
}
