using System.Buffers.Binary;
using System.Globalization;
using System.IO.Compression;
using System.Text;
using System.Text.RegularExpressions;

namespace Pop3Webmail.DemoServer.Tests.TestSupport;

/// <summary>Structural checks that a sample attachment is a real file of its type, not just a label.</summary>
internal static partial class FileFormats
{
    /// <summary>Signature, every chunk CRC, IHDR, IEND last, and IDAT inflating to exactly the declared pixels.</summary>
    public static (int Width, int Height) AssertValidPng(byte[] png)
    {
        Assert.True(png.AsSpan().StartsWith((byte[])[0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A]), "PNG signature");
        var offset = 8;
        int width = 0, height = 0;
        var idat = new MemoryStream();
        var sawEnd = false;
        while (!sawEnd)
        {
            var length = BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(offset));
            var type = Encoding.ASCII.GetString(png, offset + 4, 4);
            var data = png.AsSpan(offset + 8, length);
            var crc = BinaryPrimitives.ReadUInt32BigEndian(png.AsSpan(offset + 8 + length));
            Assert.Equal(Crc32(png.AsSpan(offset + 4, length + 4)), crc);
            switch (type)
            {
                case "IHDR":
                    width = BinaryPrimitives.ReadInt32BigEndian(data);
                    height = BinaryPrimitives.ReadInt32BigEndian(data[4..]);
                    Assert.Equal(8, data[8]); // bit depth
                    Assert.Equal(2, data[9]); // truecolour RGB
                    break;
                case "IDAT":
                    idat.Write(data);
                    break;
                case "IEND":
                    sawEnd = true;
                    break;
            }

            offset += 12 + length;
        }

        Assert.Equal(png.Length, offset);
        idat.Position = 0;
        using var inflater = new ZLibStream(idat, CompressionMode.Decompress);
        using var pixels = new MemoryStream();
        inflater.CopyTo(pixels);
        Assert.Equal(height * (1 + (width * 3)), pixels.Length);
        return (width, height);
    }

    /// <summary>Header, trailer, every xref offset pointing at its object, and the expected text drawn on the page.</summary>
    public static void AssertValidPdf(byte[] pdf, string expectedText)
    {
        var text = Encoding.Latin1.GetString(pdf);
        Assert.StartsWith("%PDF-1.", text, StringComparison.Ordinal);
        Assert.EndsWith("%%EOF\n", text, StringComparison.Ordinal);
        var start = int.Parse(StartXref().Match(text).Groups[1].Value, CultureInfo.InvariantCulture);
        var xref = XrefHeader().Match(text, start);
        Assert.True(xref.Success && xref.Index == start, "startxref points at the xref table");
        var count = int.Parse(xref.Groups[1].Value, CultureInfo.InvariantCulture);
        for (var i = 1; i < count; i++)
        {
            var entry = text.Substring(xref.Index + xref.Length + (i * 20), 20);
            var offset = int.Parse(entry[..10], CultureInfo.InvariantCulture);
            Assert.StartsWith($"{i} 0 obj", text[offset..], StringComparison.Ordinal);
        }

        Assert.Contains($"({expectedText}) Tj", text, StringComparison.Ordinal);
    }

    private static uint Crc32(ReadOnlySpan<byte> data)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in data)
        {
            crc ^= b;
            for (var bit = 0; bit < 8; bit++)
            {
                crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320u : crc >> 1;
            }
        }

        return ~crc;
    }

    [GeneratedRegex(@"startxref\n(\d+)\n%%EOF\n$")]
    private static partial Regex StartXref();

    [GeneratedRegex(@"xref\n0 (\d+)\n")]
    private static partial Regex XrefHeader();
}
