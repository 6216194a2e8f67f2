using System.Text.RegularExpressions;

namespace Pop3Webmail.Testing.Circuits;

/// <summary>Text as a reader compares it: runs of whitespace collapsed to one space, trimmed (for any tab, mirror or browser).</summary>
public static partial class VisibleText
{
    public static string Of(string? text) => text is null ? string.Empty : Whitespace().Replace(text, " ").Trim();

    /// <summary>The start of what a page reads as (text outside style and script elements), e.g. for a failed wait's message.</summary>
    public static string Excerpt(DomParentNode page, int length)
    {
        ArgumentNullException.ThrowIfNull(page);
        var text = new System.Text.StringBuilder();
        void Append(DomParentNode node)
        {
            foreach (var child in node.ChildNodes)
            {
                if (child is DomText content)
                {
                    text.Append(content.Text).Append(' ');
                }
                else if (child is DomElement { TagName: not ("style" or "script") } element)
                {
                    Append(element);
                }
            }
        }

        Append(page);
        var visible = Of(text.ToString());
        return visible.Length <= length ? visible : visible[..length] + "…";
    }

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();
}
