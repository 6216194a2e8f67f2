namespace Pop3Webmail.Web.Tests.Mail;

/// <summary>Every vector of <see cref="HostileHtmlCorpus"/>, rendered both ways and inspected as a browser would parse it.</summary>
public class MessageRendererHostileHtmlTests
{
    [Fact]
    public void CorpusHoldsAtLeastOneHundredDistinctVectors()
    {
        Assert.True(HostileHtmlCorpus.All.Length >= 100, $"only {HostileHtmlCorpus.All.Length} vectors");
        Assert.Equal(HostileHtmlCorpus.All.Length, HostileHtmlCorpus.All.Select(v => v.Name).Distinct().Count());
        Assert.Equal(HostileHtmlCorpus.All.Length, HostileHtmlCorpus.All.Select(v => v.Html).Distinct().Count());
    }

    /// <summary>Vectors that are inert even unsanitized (browsers parse them into text, comments or nothing).</summary>
    private static readonly HashSet<string> InertWithoutSanitizing =
    [
        "script split by nested script", "script in comment", "script in conditional comment", "script in cdata",
        "data png authored by sender", "frameset", "unterminated img", "javascript include entity",
    ];

    [Theory]
    [MemberData(nameof(HostileHtmlCorpus.Vectors), MemberType = typeof(HostileHtmlCorpus))]
    public void InspectorFlagsEveryLiveVectorWhenItIsNotSanitized(string name, string html)
    {
        // Proves the inspector below can fail: the raw vector behind the same CSP head must be caught.
        var unsanitized = "<!DOCTYPE html><html><head><meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none';\">"
            + "<meta name=\"referrer\" content=\"no-referrer\"></head><body>" + html;

        var violations = SanitizedHtmlInspector.Inspect(unsanitized, remoteContentAllowed: false);

        Assert.Equal(!InertWithoutSanitizing.Contains(name), violations.Count > 0);
    }

    [Theory]
    [MemberData(nameof(HostileHtmlCorpus.Vectors), MemberType = typeof(HostileHtmlCorpus))]
    public void HostileHtmlKeepsNoScriptAndNoRemoteUrlWhileImagesAreBlocked(string name, string html)
    {
        var view = MailFixtures.Renderer.Render(MailFixtures.HtmlMessage(html));

        var document = Assert.IsType<string>(view.Html?.Document);
        var violations = SanitizedHtmlInspector.Inspect(document, remoteContentAllowed: false);
        Assert.True(violations.Count == 0, $"{name}: {string.Join("; ", violations)}\n{document}");
        Assert.DoesNotContain("evil.example", document, StringComparison.OrdinalIgnoreCase);
        Assert.False(view.Html!.RemoteContentAllowed);
    }

    [Theory]
    [MemberData(nameof(HostileHtmlCorpus.Vectors), MemberType = typeof(HostileHtmlCorpus))]
    public void HostileHtmlKeepsNoScriptWhenImagesAreShown(string name, string html)
    {
        var view = MailFixtures.Renderer.Render(MailFixtures.HtmlMessage(html), showRemoteContent: true);

        var document = Assert.IsType<string>(view.Html?.Document);
        var violations = SanitizedHtmlInspector.Inspect(document, remoteContentAllowed: true);
        Assert.True(violations.Count == 0, $"{name}: {string.Join("; ", violations)}\n{document}");
        Assert.False(view.RemoteContentBlocked);
    }

    [Theory]
    [InlineData("<img src=\"http://evil.example/a.png\">")]
    [InlineData("<img src=\"//evil.example/a.png\">")]
    [InlineData("<table background=\"https://evil.example/bg.png\"><tr><td>x</td></tr></table>")]
    [InlineData("<div style=\"background-image:url(http://evil.example/a.png)\">x</div>")]
    [InlineData("<style>p{background:url('https://evil.example/a.png')}</style><p>x</p>")]
    public void RemoteImagesAreReportedAsBlocked(string html)
    {
        var view = MailFixtures.Renderer.Render(MailFixtures.HtmlMessage(html));

        Assert.True(view.RemoteContentBlocked);
        Assert.DoesNotContain("evil.example", view.Html!.Document, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("<img src=\"http://evil.example/a.png\">", "src=\"http://evil.example/a.png\"")]
    [InlineData("<img src=\"//evil.example/a.png\">", "src=\"https://evil.example/a.png\"")]
    [InlineData("<table background=\"https://evil.example/bg.png\"><tr><td>x</td></tr></table>", "background=\"https://evil.example/bg.png\"")]
    [InlineData("<div style=\"background-image:url(http://evil.example/a.png)\">x</div>", "http://evil.example/a.png")]
    [InlineData("<style>p{background:url('https://evil.example/a.png')}</style><p>x</p>", "https://evil.example/a.png")]
    public void RemoteImagesLoadOnlyWhenShown(string html, string expected)
    {
        var view = MailFixtures.Renderer.Render(MailFixtures.HtmlMessage(html), showRemoteContent: true);

        Assert.Contains(expected, view.Html!.Document, StringComparison.Ordinal);
        Assert.Contains("img-src data: http: https:;", view.Html.Document, StringComparison.Ordinal);
        Assert.True(view.Html.RemoteContentAllowed);
        Assert.False(view.RemoteContentBlocked);
    }

    [Fact]
    public void MessageWithoutRemoteContentReportsNothingBlocked()
    {
        var view = MailFixtures.Renderer.Render(MailFixtures.HtmlMessage("<p style=\"color:red\">Hello <b>there</b></p>"));

        Assert.False(view.RemoteContentBlocked);
        Assert.Contains("<p style=\"color: rgba(255, 0, 0, 1)\">Hello <b>there</b></p>", view.Html!.Document, StringComparison.Ordinal);
        Assert.Contains("img-src data:;", view.Html.Document, StringComparison.Ordinal);
    }

    [Fact]
    public void LinksOpenInANewTabWithoutOpenerOrReferrer()
    {
        var view = MailFixtures.Renderer.Render(MailFixtures.HtmlMessage("<a href=\"https://link.example/page?q=1\" target=\"_self\" rel=\"opener\">x</a>"));

        Assert.Contains("<a href=\"https://link.example/page?q=1\" target=\"_blank\" rel=\"noopener noreferrer\">x</a>", view.Html!.Document, StringComparison.Ordinal);
    }

    [Fact]
    public void FormattingSurvivesSanitizing()
    {
        const string html = "<table border=\"1\" cellpadding=\"4\"><tr><td bgcolor=\"#eeeeee\" align=\"center\"><font color=\"blue\" face=\"Arial\">Cell</font></td></tr></table><ul><li><i>item</i></li></ul><blockquote>quoted</blockquote>";

        var view = MailFixtures.Renderer.Render(MailFixtures.HtmlMessage(html));

        Assert.Contains("<td bgcolor=\"#eeeeee\" align=\"center\"><font color=\"blue\" face=\"Arial\">Cell</font></td>", view.Html!.Document, StringComparison.Ordinal);
        Assert.Contains("<ul><li><i>item</i></li></ul><blockquote>quoted</blockquote>", view.Html.Document, StringComparison.Ordinal);
    }

    [Fact]
    public void TextInsideRemovedWrappersStaysReadable()
    {
        var view = MailFixtures.Renderer.Render(MailFixtures.HtmlMessage("<form action=\"http://evil.example/\"><label>Name</label> <o:p>kept</o:p></form>"));

        Assert.Contains("Name", view.Html!.Document, StringComparison.Ordinal);
        Assert.Contains("kept", view.Html.Document, StringComparison.Ordinal);
        Assert.DoesNotContain("<form", view.Html.Document, StringComparison.Ordinal);
    }
}
