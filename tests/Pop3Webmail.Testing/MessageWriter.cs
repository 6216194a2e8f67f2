using System.Buffers;
using System.Globalization;
using System.Text;

namespace Pop3Webmail.Testing;

/// <summary>Writes the exact bytes of a message: CRLF line ends, MIME transfer encodings done by hand.</summary>
internal sealed class MessageWriter
{
    private const int Base64LineBytes = 57; // 57 octets encode to a 76-character line (RFC 2045 §6.8).

    private readonly ArrayBufferWriter<byte> _buffer;

    public MessageWriter(int capacity = 1024) => _buffer = new ArrayBufferWriter<byte>(capacity);

    /// <summary>A header field whose value is already 7-bit (encoded words and folds included).</summary>
    public void Header(string name, string value)
    {
        if (!Ascii.IsValid(value))
        {
            throw new ArgumentException($"Header {name} must be 7-bit here; encode it first.", nameof(value));
        }

        WriteAscii(name);
        WriteAscii(": ");
        WriteAscii(value);
        WriteAscii("\r\n");
    }

    /// <summary>A header field with raw 8-bit bytes (what sloppy mailers send without RFC 2047).</summary>
    public void Header(string name, ReadOnlySpan<byte> rawValue)
    {
        WriteAscii(name);
        WriteAscii(": ");
        _buffer.Write(rawValue);
        WriteAscii("\r\n");
    }

    public void Line(string ascii = "")
    {
        WriteAscii(ascii);
        WriteAscii("\r\n");
    }

    /// <summary>Text in <paramref name="encoding"/>, every line end made CRLF, ending with CRLF.</summary>
    public void Text(string text, Encoding encoding)
    {
        foreach (var line in SplitLines(text))
        {
            _buffer.Write(encoding.GetBytes(line));
            WriteAscii("\r\n");
        }
    }

    /// <summary>Base64 body lines of 76 characters (RFC 2045 §6.8).</summary>
    public void Base64(ReadOnlySpan<byte> data)
    {
        Span<byte> line = stackalloc byte[80];
        for (var offset = 0; offset < data.Length; offset += Base64LineBytes)
        {
            var chunk = data.Slice(offset, Math.Min(Base64LineBytes, data.Length - offset));
            System.Buffers.Text.Base64.EncodeToUtf8(chunk, line, out _, out var written);
            line[written] = (byte)'\r';
            line[written + 1] = (byte)'\n';
            _buffer.Write(line[..(written + 2)]);
        }
    }

    /// <summary>Quoted-printable body (RFC 2045 §6.7): soft breaks keep lines within 76 characters.</summary>
    public void QuotedPrintable(string text, Encoding encoding)
    {
        foreach (var line in SplitLines(text))
        {
            var bytes = encoding.GetBytes(line);
            var column = 0;
            for (var i = 0; i < bytes.Length; i++)
            {
                var b = bytes[i];
                var last = i == bytes.Length - 1;
                var literal = (b is >= 33 and <= 126 && b != (byte)'=') || (b == (byte)' ' && !last);
                var width = literal ? 1 : 3;
                if (column + width > 75)
                {
                    WriteAscii("=\r\n");
                    column = 0;
                }

                if (literal)
                {
                    _buffer.Write([b]);
                }
                else
                {
                    WriteAscii(string.Create(CultureInfo.InvariantCulture, $"={b:X2}"));
                }

                column += width;
            }

            WriteAscii("\r\n");
        }
    }

    public byte[] ToArray() => _buffer.WrittenSpan.ToArray();

    private static string[] SplitLines(string text) =>
        text.ReplaceLineEndings("\n").TrimEnd('\n').Split('\n');

    private void WriteAscii(string text)
    {
        Span<byte> small = stackalloc byte[256];
        var bytes = text.Length <= small.Length ? small[..text.Length] : new byte[text.Length];
        Ascii.FromUtf16(text, bytes, out _);
        _buffer.Write(bytes);
    }
}
