using System.Text;

namespace Pop3Webmail.Testing.Circuits;

/// <summary>
/// A node of the DOM mirror. Like blazor.web.js (LogicalElements.ts) it keeps two views: the logical tree the render
/// batches address (components and markup blocks are containers whose children sit in their parent element), and the
/// DOM a browser shows, in which containers are transparent. <see cref="LogicalParent"/> is the former,
/// <see cref="ParentElement"/> the latter.
/// </summary>
public abstract class DomNode
{
    public DomNode? LogicalParent { get; internal set; }

    /// <summary>The element this node sits in as a browser sees it (containers skipped); null at the top.</summary>
    public DomElement? ParentElement
    {
        get
        {
            for (var parent = LogicalParent; parent is not null; parent = parent.LogicalParent)
            {
                if (parent is DomElement element)
                {
                    return element;
                }
            }

            return null;
        }
    }

    /// <summary>Whether the node is (still) in the tree under <paramref name="root"/>; a removed subtree is not.</summary>
    public bool IsInside(DomParentNode root)
    {
        for (DomNode? node = this; node is not null; node = node.LogicalParent)
        {
            if (ReferenceEquals(node, root))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The text a browser's textContent gives: every descendant text node, in order.</summary>
    public string TextContent
    {
        get
        {
            var text = new StringBuilder();
            AppendText(text);
            return text.ToString();
        }
    }

    internal abstract void AppendText(StringBuilder text);

    internal abstract void AppendHtml(StringBuilder html);

    /// <summary>A deep copy, detached (markup parsed once is cloned for every frame that repeats it).</summary>
    internal abstract DomNode Clone();
}

/// <summary>A text node.</summary>
public sealed class DomText(string text) : DomNode
{
    public string Text { get; internal set; } = text;

    internal override void AppendText(StringBuilder text) => text.Append(Text);

    internal override void AppendHtml(StringBuilder html) => html.Append(System.Net.WebUtility.HtmlEncode(Text));

    internal override DomNode Clone() => new DomText(Text);
}

/// <summary>A node with logical children: an element or a container.</summary>
public abstract class DomParentNode : DomNode
{
    private readonly List<DomNode> _children = [];

    public IReadOnlyList<DomNode> LogicalChildren => _children;

    /// <summary>The child nodes a browser shows: logical children, with every container replaced by its own children.</summary>
    public IEnumerable<DomNode> ChildNodes
    {
        get
        {
            foreach (var child in _children)
            {
                if (child is DomContainer container)
                {
                    foreach (var grandchild in container.ChildNodes)
                    {
                        yield return grandchild;
                    }
                }
                else
                {
                    yield return child;
                }
            }
        }
    }

    /// <summary>Every element below this node in document order (depth first, as querySelectorAll returns them).</summary>
    public IReadOnlyList<DomElement> Descendants
    {
        get
        {
            var elements = new List<DomElement>();
            Find(element =>
            {
                elements.Add(element);
                return false;
            });
            return elements;
        }
    }

    /// <summary>The descendants matching a CSS selector (see <see cref="CssSelector"/> for what is supported).</summary>
    public IReadOnlyList<DomElement> QuerySelectorAll(string selector)
    {
        var parsed = CssSelector.Parse(selector);
        var matches = new List<DomElement>();
        Find(element =>
        {
            if (parsed.Matches(element))
            {
                matches.Add(element);
            }

            return false;
        });
        return matches;
    }

    public DomElement? QuerySelector(string selector) => Find(CssSelector.Parse(selector).Matches);

    /// <summary>
    /// The first descendant element, in document order, that <paramref name="match"/> accepts. A plain recursive walk
    /// (containers are walked through, not returned): pages are searched after every batch, by every waiting tab.
    /// </summary>
    internal DomElement? Find(Func<DomElement, bool> match)
    {
        foreach (var child in _children)
        {
            if (child is DomElement element && match(element))
            {
                return element;
            }

            if (child is DomParentNode parent && parent.Find(match) is { } found)
            {
                return found;
            }
        }

        return null;
    }

    /// <summary>The browser DOM below this node as HTML (event handlers as <c>on*</c> attributes naming their ids).</summary>
    public string InnerHtml
    {
        get
        {
            var html = new StringBuilder();
            foreach (var child in _children)
            {
                child.AppendHtml(html);
            }

            return html.ToString();
        }
    }

    internal override void AppendText(StringBuilder text)
    {
        foreach (var child in _children)
        {
            child.AppendText(text);
        }
    }

    internal void InsertChild(int index, DomNode child)
    {
        if (index < 0 || index > _children.Count)
        {
            throw new InvalidOperationException($"Cannot insert at logical child index {index} of a node with {_children.Count} children.");
        }

        child.LogicalParent = this;
        _children.Insert(index, child);
    }

    internal void AppendChild(DomNode child) => InsertChild(_children.Count, child);

    internal DomNode RemoveChildAt(int index)
    {
        var child = ChildAt(index);
        _children.RemoveAt(index);
        child.LogicalParent = null;
        return child;
    }

    internal DomNode ChildAt(int index) =>
        index >= 0 && index < _children.Count
            ? _children[index]
            : throw new InvalidOperationException($"No logical child at index {index} (the node has {_children.Count}).");

    internal void ClearChildren()
    {
        foreach (var child in _children)
        {
            child.LogicalParent = null;
        }

        _children.Clear();
    }

    /// <summary>Moves children as a permutation list says: child <c>to</c> becomes what child <c>from</c> was.</summary>
    internal void Permute(IReadOnlyList<(int From, int To)> moves)
    {
        var moving = moves.Select(m => ChildAt(m.From)).ToList();
        for (var i = 0; i < moves.Count; i++)
        {
            _ = ChildAt(moves[i].To);
            _children[moves[i].To] = moving[i];
        }
    }

    protected void CloneChildrenInto(DomParentNode copy)
    {
        foreach (var child in _children)
        {
            copy.AppendChild(child.Clone());
        }
    }
}

/// <summary>
/// A logical container with no element of its own: a component's output, a markup block, or a root component's
/// place in the page.
/// </summary>
public sealed class DomContainer : DomParentNode
{
    internal override void AppendHtml(StringBuilder html)
    {
        foreach (var child in LogicalChildren)
        {
            child.AppendHtml(html);
        }
    }

    internal override DomNode Clone()
    {
        var copy = new DomContainer();
        CloneChildrenInto(copy);
        return copy;
    }
}
