using System.Globalization;
using System.Text;

namespace Pop3Webmail.Web.Mail;

/// <summary>Cleans text from a message before it is shown as a header value or used as a file name.</summary>
internal static class MailDisplayText
{
    private const int MaxFileNameLength = 150;

    /// <summary>
    /// Drops control characters (folded whitespace becomes one space) and the bidirectional overrides and isolates
    /// that make "invoice‮fdp.exe" read as "invoiceexe.pdf" (Unicode TR #36 §2.1).
    /// </summary>
    public static string Clean(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return string.Empty;
        }

        var builder = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            if (char.IsControl(c))
            {
                if (c is '\t' or '\n' or '\r' && builder.Length > 0 && builder[^1] != ' ')
                {
                    builder.Append(' ');
                }
            }
            else if (!IsBidiControl(c))
            {
                builder.Append(c);
            }
        }

        return builder.ToString().Trim();
    }

    /// <summary>
    /// A name without directories, reserved characters or anything invisible, or null when nothing usable is left.
    /// Beyond <see cref="Clean"/>, every format character (Unicode category Cf: zero-width and bidi marks, tag
    /// characters, soft hyphens), line and paragraph separators and unpaired surrogates go: in a file name they only
    /// ever hide what the name really is.
    /// </summary>
    public static string? SafeFileName(string? name)
    {
        var clean = Clean(name);
        var lastSeparator = clean.LastIndexOfAny(['/', '\\']);
        if (lastSeparator >= 0)
        {
            clean = clean[(lastSeparator + 1)..];
        }

        var builder = new StringBuilder(clean.Length);
        for (var i = 0; i < clean.Length; i++)
        {
            var c = clean[i];
            if (char.IsSurrogate(c))
            {
                if (char.IsSurrogatePair(clean, i) && !IsInvisible(CharUnicodeInfo.GetUnicodeCategory(clean, i)))
                {
                    builder.Append(c).Append(clean[i + 1]);
                }

                i += char.IsSurrogatePair(clean, i) ? 1 : 0;
            }
            else if (!IsInvisible(CharUnicodeInfo.GetUnicodeCategory(c)))
            {
                builder.Append(c is ':' or '*' or '?' or '"' or '<' or '>' or '|' ? '_' : c);
            }
        }

        clean = builder.ToString().Trim().Trim('.').Trim();
        if (clean.Length > MaxFileNameLength)
        {
            var extension = Path.GetExtension(clean);
            extension = extension.Length is > 1 and <= 16 ? extension : string.Empty;
            var cut = MaxFileNameLength - extension.Length;
            cut -= char.IsLowSurrogate(clean[cut]) ? 1 : 0; // never split a surrogate pair
            clean = clean[..cut] + extension;
        }

        return clean.Length == 0 ? null : clean;
    }

    private static bool IsInvisible(UnicodeCategory category) =>
        category is UnicodeCategory.Format or UnicodeCategory.Control or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator;

    private static bool IsBidiControl(char c) =>
        c is '\u061C' or '\u200E' or '\u200F' or (>= '\u202A' and <= '\u202E') or (>= '\u2066' and <= '\u2069');
}
