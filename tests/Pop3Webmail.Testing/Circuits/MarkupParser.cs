using AngleSharp.Dom;
using AngleSharp.Html.Parser;

namespace Pop3Webmail.Testing.Circuits;

/// <summary>
/// Turns a markup frame (static Razor markup, a MarkupString such as an SVG icon) into mirror nodes, parsed as the
/// browser parses it: in a &lt;template&gt; context, or inside &lt;g&gt; when the frame sits in an SVG element.
/// Frames repeat (the same icon on every row), so parsed results are kept and cloned.
/// </summary>
internal sealed class MarkupParser
{
    private const string SvgNamespace = "http://www.w3.org/2000/svg";
    private const int CacheLimit = 512;

    private readonly HtmlParser _parser = new();
    private readonly IElement _htmlContext;
    private readonly IElement _svgContext;
    private readonly Dictionary<(string Markup, bool Svg), DomNode[]> _parsed = [];

    public MarkupParser()
    {
        var document = _parser.ParseDocument(string.Empty);
        _htmlContext = document.CreateElement("template");
        _svgContext = document.CreateElement(SvgNamespace, "g");
    }

    public IEnumerable<DomNode> Parse(string markup, bool svg)
    {
        if (!_parsed.TryGetValue((markup, svg), out var template))
        {
            if (_parsed.Count >= CacheLimit)
            {
                _parsed.Clear();
            }

            var nodes = _parser.ParseFragment(markup, svg ? _svgContext : _htmlContext);
            template = [.. nodes.Select(Convert).OfType<DomNode>()];
            _parsed[(markup, svg)] = template;
        }

        return template.Select(node => node.Clone());
    }

    private static DomNode? Convert(INode node)
    {
        switch (node)
        {
            case IElement element:
                var copy = new DomElement(element.LocalName, element.NamespaceUri == SvgNamespace);
                foreach (var attribute in element.Attributes)
                {
                    copy.SetAttribute(attribute.Name, attribute.Value);
                }

                if (copy.TagName is "input" or "textarea")
                {
                    copy.Value = copy.TagName == "textarea" ? element.TextContent : copy.GetAttribute("value");
                    copy.Checked = copy.HasAttribute("checked");
                }

                foreach (var child in element.ChildNodes.Select(Convert).OfType<DomNode>())
                {
                    copy.AppendChild(child);
                }

                return copy;
            case IText text:
                return new DomText(text.Data);
            default:
                return null; // comments and processing instructions are not part of what a page shows
        }
    }
}
