using System.Collections.Concurrent;
using System.Text;

namespace Pop3Webmail.Testing.Circuits;

/// <summary>
/// The part of CSS selectors scenarios use, matched against the DOM mirror: type (<c>div</c>, <c>*</c>), <c>#id</c>,
/// <c>.class</c>, attributes (<c>[a]</c>, <c>[a=v]</c>, <c>~=</c>, <c>^=</c>, <c>$=</c>, <c>*=</c>, quoted or bare
/// values), <c>:not(compound)</c>, descendant and child (<c>&gt;</c>) combinators, and comma-separated lists; plus
/// Playwright's <c>:has-text("…")</c> (the element's text contains it, case-insensitive, whitespace collapsed), so a
/// selector finds an element by its text the same way in both tabs. Anything else is a <see cref="FormatException"/>
/// rather than a silent mismatch.
/// </summary>
public sealed class CssSelector
{
    private static readonly ConcurrentDictionary<string, CssSelector> Cache = new(StringComparer.Ordinal);

    private readonly IReadOnlyList<IReadOnlyList<Step>> _alternatives;

    private CssSelector(string text, IReadOnlyList<IReadOnlyList<Step>> alternatives)
    {
        Text = text;
        _alternatives = alternatives;
    }

    public string Text { get; }

    public static CssSelector Parse(string selector)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(selector);
        return Cache.GetOrAdd(selector, static text => new Parser(text).ParseList());
    }

    public bool Matches(DomElement element)
    {
        foreach (var steps in _alternatives)
        {
            if (MatchesFrom(steps, steps.Count - 1, element))
            {
                return true;
            }
        }

        return false;
    }

    public override string ToString() => Text;

    /// <summary>Right to left: the last compound must match the element, each combinator then walks up.</summary>
    private static bool MatchesFrom(IReadOnlyList<Step> steps, int index, DomElement element)
    {
        var step = steps[index];
        if (!step.Compound.Matches(element))
        {
            return false;
        }

        if (index == 0)
        {
            return true;
        }

        if (step.ChildOfPrevious)
        {
            return element.ParentElement is { } parent && MatchesFrom(steps, index - 1, parent);
        }

        for (var ancestor = element.ParentElement; ancestor is not null; ancestor = ancestor.ParentElement)
        {
            if (MatchesFrom(steps, index - 1, ancestor))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>A compound selector and how it relates to the one before it (child, or any descendant).</summary>
    private sealed record Step(Compound Compound, bool ChildOfPrevious);

    private sealed record Compound(string? TagName, IReadOnlyList<Func<DomElement, bool>> Conditions)
    {
        public bool Matches(DomElement element)
        {
            if (TagName is not null && !string.Equals(element.TagName, TagName, StringComparison.OrdinalIgnoreCase))
            {
                return false;
            }

            foreach (var condition in Conditions)
            {
                if (!condition(element))
                {
                    return false;
                }
            }

            return true;
        }
    }

    private sealed class Parser(string text)
    {
        private int _position;

        public CssSelector ParseList()
        {
            var alternatives = new List<IReadOnlyList<Step>>();
            do
            {
                alternatives.Add(ParseComplex());
            }
            while (TryConsume(','));

            SkipSpaces();
            return _position == text.Length ? new CssSelector(text, alternatives) : throw Error("unexpected character");
        }

        private List<Step> ParseComplex()
        {
            SkipSpaces();
            var steps = new List<Step> { new(ParseCompound(), ChildOfPrevious: false) };
            while (true)
            {
                var hadSpace = SkipSpaces();
                if (TryConsume('>'))
                {
                    SkipSpaces();
                    steps.Add(new Step(ParseCompound(), ChildOfPrevious: true));
                }
                else if (hadSpace && _position < text.Length && text[_position] is not ',' and not ')')
                {
                    steps.Add(new Step(ParseCompound(), ChildOfPrevious: false));
                }
                else
                {
                    return steps;
                }
            }
        }

        private Compound ParseCompound()
        {
            var universal = TryConsume('*');
            var tag = !universal && _position < text.Length && IsIdentifierChar(text[_position]) ? ReadIdentifier() : null;

            var conditions = new List<Func<DomElement, bool>>();
            while (_position < text.Length)
            {
                if (TryConsume('.'))
                {
                    var name = ReadIdentifier();
                    conditions.Add(e => e.HasClass(name));
                }
                else if (TryConsume('#'))
                {
                    var id = ReadIdentifier();
                    conditions.Add(e => e.GetAttribute("id") == id);
                }
                else if (TryConsume('['))
                {
                    conditions.Add(ParseAttribute());
                }
                else if (text.AsSpan(_position).StartsWith(":has-text(", StringComparison.Ordinal))
                {
                    _position += 10;
                    SkipSpaces();
                    var wanted = VisibleText.Of(_position < text.Length && text[_position] is '"' or '\'' ? ReadQuoted() : throw Error("a quoted text is expected"));
                    SkipSpaces();
                    Expect(')');
                    conditions.Add(e => VisibleText.Of(e.TextContent).Contains(wanted, StringComparison.OrdinalIgnoreCase));
                }
                else if (text.AsSpan(_position).StartsWith(":not(", StringComparison.Ordinal))
                {
                    _position += 5;
                    SkipSpaces();
                    var inner = ParseCompound();
                    SkipSpaces();
                    Expect(')');
                    conditions.Add(e => !inner.Matches(e));
                }
                else
                {
                    break;
                }
            }

            return !universal && tag is null && conditions.Count == 0
                ? throw Error("a selector is expected")
                : new Compound(tag, conditions);
        }

        private Func<DomElement, bool> ParseAttribute()
        {
            SkipSpaces();
            var name = ReadIdentifier();
            SkipSpaces();
            if (TryConsume(']'))
            {
                return e => e.HasAttribute(name);
            }

            if (_position >= text.Length)
            {
                throw Error("']' is expected");
            }

            var op = text[_position] == '=' ? '=' : text[_position++];
            Expect('=');
            SkipSpaces();
            var value = _position < text.Length && text[_position] is '"' or '\'' ? ReadQuoted() : ReadIdentifier();
            SkipSpaces();
            Expect(']');
            Func<string, bool> test = op switch
            {
                '=' => v => v == value,
                '~' => v => v.Split(' ', StringSplitOptions.RemoveEmptyEntries).Contains(value, StringComparer.Ordinal),
                '^' => v => value.Length > 0 && v.StartsWith(value, StringComparison.Ordinal),
                '$' => v => value.Length > 0 && v.EndsWith(value, StringComparison.Ordinal),
                '*' => v => value.Length > 0 && v.Contains(value, StringComparison.Ordinal),
                _ => throw Error($"attribute operator '{op}=' is not supported"),
            };
            return e => e.GetAttribute(name) is { } actual && test(actual);
        }

        private string ReadQuoted()
        {
            var quote = text[_position++];
            var value = new StringBuilder();
            while (_position < text.Length && text[_position] != quote)
            {
                if (text[_position] == '\\' && _position + 1 < text.Length)
                {
                    _position++;
                }

                value.Append(text[_position++]);
            }

            Expect(quote);
            return value.ToString();
        }

        private string ReadIdentifier()
        {
            var start = _position;
            while (_position < text.Length && IsIdentifierChar(text[_position]))
            {
                _position++;
            }

            return _position > start ? text[start.._position] : throw Error("a name is expected");
        }

        private static bool IsIdentifierChar(char c) => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' || c > 127;

        private bool SkipSpaces()
        {
            var start = _position;
            while (_position < text.Length && char.IsWhiteSpace(text[_position]))
            {
                _position++;
            }

            return _position > start;
        }

        private bool TryConsume(char c)
        {
            if (_position < text.Length && text[_position] == c)
            {
                _position++;
                return true;
            }

            return false;
        }

        private void Expect(char c)
        {
            if (!TryConsume(c))
            {
                throw Error($"'{c}' is expected");
            }
        }

        private FormatException Error(string what) => new($"CSS selector '{text}': {what} at position {_position}.");
    }
}
