namespace Pop3Webmail.Pop3;

/// <summary>
/// Number parsing for protocol text: ASCII digits only, no culture, no whitespace, no signs unless asked for,
/// so "١٢" or "+1" from a hostile server never parse by accident.
/// </summary>
internal static class Pop3Numbers
{
    public static bool TryParseInt64(ReadOnlySpan<char> text, bool allowNegative, out long value)
    {
        value = 0;
        var negative = false;
        if (allowNegative && text.Length > 1 && text[0] == '-')
        {
            negative = true;
            text = text[1..];
        }

        if (text.IsEmpty || text.Length > 18)
        {
            return false;
        }

        foreach (var c in text)
        {
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

    public static bool TryParseInt32(ReadOnlySpan<char> text, out int value)
    {
        if (TryParseInt64(text, allowNegative: false, out var wide) && wide <= int.MaxValue)
        {
            value = (int)wide;
            return true;
        }

        value = 0;
        return false;
    }
}
