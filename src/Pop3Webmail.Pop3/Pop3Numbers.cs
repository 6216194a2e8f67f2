using System.Numerics;

namespace Pop3Webmail.Pop3;

/// <summary>
/// Number parsing for protocol text: ASCII digits only, no culture, no whitespace, no signs unless asked for,
/// so "١٢" or "+1" from a hostile server never parse by accident. Works on text and straight on received bytes.
/// </summary>
internal static class Pop3Numbers
{
    public static bool TryParseInt64(ReadOnlySpan<char> text, bool allowNegative, out long value) => TryParseInt64<char>(text, allowNegative, out value);

    public static bool TryParseInt32(ReadOnlySpan<char> text, out int value) => TryParseInt32<char>(text, out value);

    public static bool TryParseInt32<T>(ReadOnlySpan<T> text, out int value)
        where T : unmanaged, IBinaryInteger<T>
    {
        if (TryParseInt64(text, allowNegative: false, out var wide) && wide <= int.MaxValue)
        {
            value = (int)wide;
            return true;
        }

        value = 0;
        return false;
    }

    public static bool TryParseInt64<T>(ReadOnlySpan<T> text, bool allowNegative, out long value)
        where T : unmanaged, IBinaryInteger<T>
    {
        value = 0;
        var negative = false;
        if (allowNegative && text.Length > 1 && int.CreateTruncating(text[0]) == '-')
        {
            negative = true;
            text = text[1..];
        }

        if (text.IsEmpty || text.Length > 18)
        {
            return false;
        }

        foreach (var unit in text)
        {
            var c = int.CreateTruncating(unit);
            if (c is < '0' or > '9')
            {
                return false;
            }

            value = (value * 10) + (c - '0');
        }

        if (negative)
        {
            value = -value;
        }

        return true;
    }
}
