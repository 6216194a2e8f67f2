using System.Collections.Immutable;
using System.Text;
using System.Text.RegularExpressions;

namespace Pop3Webmail.Web.Mail;

/// <summary>
/// Splits plain text into text runs and http, https and mailto links. The output is data, not markup: Razor
/// encodes every run, so nothing in a message can become an element or attribute except a validated link.
/// </summary>
internal static partial class MailTextLinkifier
{
    /// <summary>Splits <paramref name="text"/>; line breaks become <c>\n</c>, other control characters are dropped.</summary>
    public static MailTextBody Split(string text)
    {
        var clean = CleanControlCharacters(text);
        var segments = ImmutableArray.CreateBuilder<MailTextSegment>();
        var cursor = 0;

        foreach (Match match in LinkCandidatePattern().Matches(clean))
        {
            var candidate = TrimTrailingPunctuation(match.Value);
            if (ToHref(candidate) is not { } href)
            {
                continue;
            }

            if (match.Index > cursor)
            {
                segments.Add(new MailTextSegment(clean[cursor..match.Index], null));
            }

            segments.Add(new MailTextSegment(candidate, href));
            cursor = match.Index + candidate.Length;
        }

        if (cursor < clean.Length)
        {
            segments.Add(new MailTextSegment(clean[cursor..], null));
        }

        return new MailTextBody(segments.ToImmutable());
    }

    /// <summary>The link target for a candidate, or null when it is not an absolute http, https or mailto URL.</summary>
    internal static string? ToHref(string candidate)
    {
        if (!Uri.TryCreate(candidate, UriKind.Absolute, out var uri))
        {
            return null;
        }

        var isWeb = uri.Scheme is "http" or "https" && uri.Host.Length > 0;
        var isMail = uri.Scheme == "mailto" && candidate.Length > "mailto:".Length;
        return isWeb || isMail ? uri.AbsoluteUri : null;
    }

    /// <summary>
    /// Punctuation that ends a sentence is not part of a link ("see https://example.org."), and a closing bracket
    /// belongs to the URL only when the URL opened it ("(https://en.wikipedia.org/wiki/Foo_(bar))").
    /// </summary>
    private static string TrimTrailingPunctuation(string candidate)
    {
        var end = candidate.Length;
        while (end > 0)
        {
            var last = candidate[end - 1];
            if (".,;:!?".Contains(last, StringComparison.Ordinal))
            {
                end--;
            }
            else if (last is ')' or ']' or '}' && !IsBalanced(candidate.AsSpan(0, end), last))
            {
                end--;
            }
            else
            {
                break;
            }
        }

        return candidate[..end];
    }

    private static bool IsBalanced(ReadOnlySpan<char> text, char closing)
    {
        var opening = closing switch { ')' => '(', ']' => '[', _ => '{' };
        var depth = 0;
        foreach (var c in text)
        {
            if (c == opening)
            {
                depth++;
            }
            else if (c == closing)
            {
                depth--;
            }
        }

        return depth >= 0;
    }

    private static string CleanControlCharacters(string text)
    {
        var builder = new StringBuilder(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '\r')
            {
                builder.Append('\n');
                if (i + 1 < text.Length && text[i + 1] == '\n')
                {
                    i++;
                }
            }
            else if (c is '\n' or '\t' || !char.IsControl(c))
            {
                builder.Append(c);
            }
        }

        return builder.ToString();
    }

    [GeneratedRegex("""(?:https?://|mailto:)[^\s<>"'`]+""", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex LinkCandidatePattern();
}
