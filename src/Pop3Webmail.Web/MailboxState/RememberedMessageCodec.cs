using System.Text;
using Pop3Webmail.Pop3;

namespace Pop3Webmail.Web.MailboxState;

/// <summary>
/// The plaintext of one row (before encryption): a compact binary form of <see cref="RememberedMessage"/>. Strings are
/// length-prefixed UTF-8. Reading is strict: anything that is not exactly one well-formed record is rejected.
/// </summary>
internal static class RememberedMessageCodec
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public static byte[] Encode(RememberedMessage message)
    {
        using var buffer = new MemoryStream(capacity: 128);
        using (var writer = new BinaryWriter(buffer, Encoding.UTF8, leaveOpen: true))
        {
            writer.Write(message.Uid);
            writer.Write(message.Size);
            writer.Write(message.From);
            writer.Write(message.FromAddress);
            writer.Write(message.To);
            writer.Write(message.Subject);
            writer.Write(message.Date.HasValue);
            if (message.Date is { } date)
            {
                writer.Write(date.UtcTicks);
                writer.Write((short)date.TotalOffsetMinutes);
            }

            writer.Write(message.MessageId is not null);
            if (message.MessageId is { } messageId)
            {
                writer.Write(messageId);
            }

            writer.Write(message.HasAttachments);
            writer.Write((byte)message.Importance);
            writer.Write(message.Read);
        }

        return buffer.ToArray();
    }

    /// <summary>The message, or null when <paramref name="plaintext"/> is not one well-formed record.</summary>
    public static RememberedMessage? Decode(byte[] plaintext)
    {
        using var reader = new BinaryReader(new MemoryStream(plaintext, writable: false), StrictUtf8);
        try
        {
            var uid = reader.ReadString();
            var size = reader.ReadInt64();
            var from = reader.ReadString();
            var fromAddress = reader.ReadString();
            var to = reader.ReadString();
            var subject = reader.ReadString();
            DateTimeOffset? date = reader.ReadBoolean() ? ReadDate(reader) : null;
            var messageId = reader.ReadBoolean() ? reader.ReadString() : null;
            var hasAttachments = reader.ReadBoolean();
            var importance = (Pop3MessageImportance)reader.ReadByte();
            var read = reader.ReadBoolean();
            if (reader.BaseStream.Position != plaintext.Length || !Enum.IsDefined(importance) || !RememberedMessageLimits.IsValidUid(uid) || size < 0)
            {
                return null;
            }

            return new RememberedMessage(uid, size, from, fromAddress, to, subject, date, messageId, hasAttachments, importance, read);
        }
        catch (Exception ex) when (ex is EndOfStreamException or IOException or FormatException or ArgumentException)
        {
            // ArgumentException covers DecoderFallbackException (invalid UTF-8) and out-of-range ticks or offsets.
            return null;
        }
    }

    private static DateTimeOffset ReadDate(BinaryReader reader)
    {
        var utcTicks = reader.ReadInt64();
        var offset = TimeSpan.FromMinutes(reader.ReadInt16());
        return new DateTimeOffset(utcTicks, TimeSpan.Zero).ToOffset(offset);
    }
}
