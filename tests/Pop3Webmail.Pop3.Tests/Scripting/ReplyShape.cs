using System.Text;

namespace Pop3Webmail.Pop3.Tests.Scripting;

/// <summary>
/// How the scripted server's bytes reach the client: the read chunking (everything available at once, one byte
/// per read, or seeded random chunks) and the line ending (CRLF as RFC 1939 requires, or bare LF as sloppy
/// servers send). One byte per read puts every protocol element — a lone ".", a CR, a status line — across
/// a buffer boundary at least once.
/// </summary>
public enum ReplyShape
{
    WholeCrlf,
    OneByteCrlf,
    RandomCrlf,
    WholeLf,
    OneByteLf,
    RandomLf,
}

public static class ReplyShapes
{
    /// <summary>Every shape: the theory data of each scripted transcript test.</summary>
    public static TheoryData<ReplyShape> All { get; } = new(Enum.GetValues<ReplyShape>());

    /// <summary>The shapes that stay fast with megabytes of data (no one-byte reads).</summary>
    public static TheoryData<ReplyShape> Bulk { get; } = new(ReplyShape.WholeCrlf, ReplyShape.RandomCrlf, ReplyShape.RandomLf);

    /// <summary>Every value combined with every shape.</summary>
    public static TheoryData<T, ReplyShape> Cross<T>(params T[] values)
    {
        var data = new TheoryData<T, ReplyShape>();
        foreach (var value in values)
        {
            foreach (var shape in Enum.GetValues<ReplyShape>())
            {
                data.Add(value, shape);
            }
        }

        return data;
    }

    public static bool UsesBareLf(this ReplyShape shape) => shape >= ReplyShape.WholeLf;

    /// <summary>The server bytes as this shape sends them: CRLF pairs become LF for the bare-LF shapes.</summary>
    public static byte[] Adapt(this ReplyShape shape, byte[] bytes)
    {
        if (!shape.UsesBareLf() || bytes.AsSpan().IndexOf("\r\n"u8) < 0)
        {
            return bytes;
        }

        var result = new MemoryStream(bytes.Length);
        var rest = bytes.AsSpan();
        int crlf;
        while ((crlf = rest.IndexOf("\r\n"u8)) >= 0)
        {
            result.Write(rest[..crlf]);
            rest = rest[(crlf + 1)..];
        }

        result.Write(rest);
        return result.ToArray();
    }

    public static string Adapt(this ReplyShape shape, string text) =>
        shape.UsesBareLf() ? text.Replace("\r\n", "\n", StringComparison.Ordinal) : text;

    public static byte[] AdaptUtf8(this ReplyShape shape, string text) => Encoding.UTF8.GetBytes(shape.Adapt(text));

    /// <summary>How many bytes the next read may deliver (before capping by what is available).</summary>
    internal static int NextChunk(this ReplyShape shape, Random random) => shape switch
    {
        ReplyShape.OneByteCrlf or ReplyShape.OneByteLf => 1,
        // Mostly tiny reads (boundaries everywhere), sometimes large ones (several replies in one read).
        ReplyShape.RandomCrlf or ReplyShape.RandomLf => random.Next(4) == 0 ? random.Next(1, 8192) : random.Next(1, 24),
        _ => int.MaxValue,
    };
}
