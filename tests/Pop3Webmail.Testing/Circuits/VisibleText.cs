using System.Text.RegularExpressions;

namespace Pop3Webmail.Testing.Circuits;

/// <summary>Text as a reader compares it: runs of whitespace collapsed to one space, trimmed (for any tab, mirror or browser).</summary>
public static partial class VisibleText
{
    public static string Of(string? text) => text is null ? string.Empty : Whitespace().Replace(text, " ").Trim();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();
}
