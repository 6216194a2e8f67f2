using System.Text;

namespace Pop3Webmail.Pop3;

/// <summary>A parsed status line (RFC 1939 §3) with its optional response code (RFC 2449 §8).</summary>
internal readonly record struct Pop3Response(Pop3ResponseKind Kind, Pop3ResponseCode Code, string Text)
{
    public bool IsOk => Kind == Pop3ResponseKind.Ok;

    /// <summary>Longest response code accepted; a longer bracket is treated as plain text.</summary>
    private const int MaxCodeLength = 64;

    public static Pop3Response Parse(ReadOnlySpan<byte> line)
    {
        Pop3ResponseKind kind;
        int rest;
        if (line.StartsWith("+OK"u8))
        {
            kind = Pop3ResponseKind.Ok;
            rest = 3;
        }
        else if (line.StartsWith("-ERR"u8))
        {
            kind = Pop3ResponseKind.Err;
            rest = 4;
        }
        else if (line.Length > 0 && line[0] == (byte)'+' && (line.Length == 1 || line[1] == (byte)' '))
        {
            // RFC 5034 §4: a SASL continuation is "+" SP base64, or a bare "+".
            return new Pop3Response(Pop3ResponseKind.Continuation, Pop3ResponseCode.None, Decode(line[Math.Min(2, line.Length)..]));
        }
        else
        {
            throw new Pop3ProtocolException("The server sent a reply that is neither +OK nor -ERR.");
        }

        if (rest < line.Length && line[rest] != (byte)' ')
        {
            // "+OKAY" or "-ERROR": not a status indicator followed by a space.
            throw new Pop3ProtocolException("The server sent a malformed status line.");
        }

        var text = line[Math.Min(rest + 1, line.Length)..];
        var code = Pop3ResponseCode.None;
        if (text.Length > 1 && text[0] == (byte)'[')
        {
            var close = text.IndexOf((byte)']');
            if (close > 1 && close <= MaxCodeLength && IsCodeText(text[1..close]))
            {
                code = Pop3ResponseCode.Parse(Encoding.ASCII.GetString(text[1..close]));
                text = text[(close + 1)..].TrimStart((byte)' ');
            }
        }

        return new Pop3Response(kind, code, Decode(text));
    }

    /// <summary>Server text is shown to people: decode leniently and strip control characters.</summary>
    public static string Decode(ReadOnlySpan<byte> text)
    {
        var decoded = Encoding.UTF8.GetString(text);
        if (decoded.AsSpan().IndexOfAnyInRange('\0', '\u001f') < 0 && !decoded.Contains('\u007f', StringComparison.Ordinal))
        {
            return decoded;
        }

        var builder = new StringBuilder(decoded.Length);
        foreach (var c in decoded)
        {
            builder.Append(char.IsControl(c) ? ' ' : c);
        }

        return builder.ToString();
    }

    private static bool IsCodeText(ReadOnlySpan<byte> code)
    {
        // RFC 2449 §8: resp-code-name = atom chars plus "/" separators; no spaces or brackets.
        foreach (var b in code)
        {
            if (b <= 0x20 || b >= 0x7f || b == (byte)'[' || b == (byte)']')
            {
                return false;
            }
        }

        return true;
    }
}

internal enum Pop3ResponseKind
{
    Ok,
    Err,
    Continuation,
}
