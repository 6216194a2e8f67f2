using System.Buffers;
using System.Security.Cryptography;
using System.Text;

namespace Pop3Webmail.DemoServer;

/// <summary>
/// One message of a demo maildrop, immutable so every session snapshot can share it. <see cref="Content"/> is the
/// message in the CRLF form POP3 transfers (RFC 1939 §3); the dot-stuffed wire form is prepared once here.
/// </summary>
public sealed class DemoMessage
{
    private readonly byte[] _content;
    private readonly byte[] _wire;

    private DemoMessage(string name, byte[] content)
    {
        Name = name;
        _content = content;
        _wire = DotStuff(content);
        WireBodyOffset = FindBodyOffset(_wire);
        Uid = ComputeUid(name, content);
    }

    /// <summary>The name the message was loaded under (file name); it orders the maildrop and seeds the UID.</summary>
    public string Name { get; }

    /// <summary>
    /// The unique id for UIDL (RFC 1939 §7): 32 hex digits of SHA-256 over name and content, so it stays the
    /// same across restarts and never changes while the message exists.
    /// </summary>
    public string Uid { get; }

    /// <summary>The message with every line ending normalized to CRLF and a final CRLF guaranteed.</summary>
    public ReadOnlyMemory<byte> Content => _content;

    /// <summary>The size LIST and STAT report: octets of <see cref="Content"/>, before dot-stuffing (RFC 1939 §5).</summary>
    public long Size => _content.Length;

    /// <summary>The content with every line starting with "." given one more "." (RFC 1939 §3).</summary>
    internal ReadOnlyMemory<byte> WireContent => _wire;

    /// <summary>Where the body starts in <see cref="WireContent"/>: just after the empty line ending the header.</summary>
    internal int WireBodyOffset { get; }

    /// <summary>Creates a message from raw bytes; bare LF and CRLF line endings are both accepted.</summary>
    public static DemoMessage Create(string name, ReadOnlySpan<byte> content)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        if (content.IsEmpty)
        {
            throw new ArgumentException("A message needs at least one line.", nameof(content));
        }

        return new DemoMessage(name, NormalizeLineEndings(content));
    }

    /// <summary>Octets of <see cref="WireContent"/> that TOP sends: the header, the empty line and <paramref name="lines"/> body lines.</summary>
    internal int WireTopLength(int lines)
    {
        var end = WireBodyOffset;
        for (var i = 0; i < lines && end < _wire.Length; i++)
        {
            end += _wire.AsSpan(end).IndexOf((byte)'\n') + 1;
        }

        return end;
    }

    private static byte[] NormalizeLineEndings(ReadOnlySpan<byte> content)
    {
        var output = new ArrayBufferWriter<byte>(content.Length + (content.Length / 16) + 2);
        foreach (var line in Lines(content))
        {
            output.Write(line);
            output.Write("\r\n"u8);
        }

        return output.WrittenSpan.ToArray();
    }

    private static byte[] DotStuff(byte[] content)
    {
        var output = new ArrayBufferWriter<byte>(content.Length + 64);
        foreach (var line in Lines(content))
        {
            if (line.Length > 0 && line[0] == (byte)'.')
            {
                output.Write("."u8);
            }

            output.Write(line);
            output.Write("\r\n"u8);
        }

        return output.WrittenSpan.ToArray();
    }

    private static int FindBodyOffset(byte[] wire)
    {
        if (wire.AsSpan().StartsWith("\r\n"u8))
        {
            return 2;
        }

        var separator = wire.AsSpan().IndexOf("\r\n\r\n"u8);
        return separator < 0 ? wire.Length : separator + 4;
    }

    private static string ComputeUid(string name, byte[] content)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(Encoding.UTF8.GetBytes(name));
        hash.AppendData([0]);
        hash.AppendData(content);
        return Convert.ToHexStringLower(hash.GetHashAndReset().AsSpan(0, 16));
    }

    /// <summary>The lines of <paramref name="content"/> without their LF or CRLF; a missing final line end is tolerated.</summary>
    private static LineEnumerator Lines(ReadOnlySpan<byte> content) => new(content);

    private ref struct LineEnumerator(ReadOnlySpan<byte> remaining)
    {
        private ReadOnlySpan<byte> _remaining = remaining;

        public ReadOnlySpan<byte> Current { get; private set; }

        public readonly LineEnumerator GetEnumerator() => this;

        public bool MoveNext()
        {
            if (_remaining.IsEmpty)
            {
                return false;
            }

            var lf = _remaining.IndexOf((byte)'\n');
            var line = lf < 0 ? _remaining : _remaining[..lf];
            _remaining = lf < 0 ? [] : _remaining[(lf + 1)..];
            Current = line.EndsWith("\r"u8) ? line[..^1] : line;
            return true;
        }
    }
}
