using Pop3Webmail.Web.Mail;

namespace Pop3Webmail.Web.Tests.Mail;

public class MailTextLinkifierTests
{
    [Fact]
    public void WebAndMailLinksBecomeLinkSegmentsBetweenTextSegments()
    {
        var body = MailTextLinkifier.Split("Visit https://example.org/a?b=1&c=2 or write to mailto:info@example.org today");

        Assert.Equal(
            [
                new MailTextSegment("Visit ", null),
                new MailTextSegment("https://example.org/a?b=1&c=2", "https://example.org/a?b=1&c=2"),
                new MailTextSegment(" or write to ", null),
                new MailTextSegment("mailto:info@example.org", "mailto:info@example.org"),
                new MailTextSegment(" today", null),
            ],
            body.Segments);
    }

    [Theory]
    [InlineData("See http://example.org.", "http://example.org")]
    [InlineData("(see https://example.org/path)", "https://example.org/path")]
    [InlineData("https://en.wikipedia.org/wiki/Foo_(bar), ok", "https://en.wikipedia.org/wiki/Foo_(bar)")]
    [InlineData("Link: <https://example.org/x>", "https://example.org/x")]
    [InlineData("\"https://example.org/q\"!", "https://example.org/q")]
    [InlineData("HTTPS://Example.org/Путь", "HTTPS://Example.org/Путь")]
    public void TrailingPunctuationAndDelimitersStayOutsideTheLink(string text, string expectedLinkText)
    {
        var link = Assert.Single(MailTextLinkifier.Split(text).Segments, s => s.IsLink);

        Assert.Equal(expectedLinkText, link.Text);
        Assert.True(Uri.TryCreate(link.Href, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https");
    }

    [Theory]
    [InlineData("javascript:alert(1)")]
    [InlineData("data:text/html,<script>alert(1)</script>")]
    [InlineData("ftp://example.org/file")]
    [InlineData("http://")]
    [InlineData("mailto:")]
    [InlineData("www.example.org")]
    public void OtherSchemesAndBrokenUrlsStayText(string text)
    {
        var body = MailTextLinkifier.Split(text);

        Assert.DoesNotContain(body.Segments, s => s.IsLink);
        Assert.Equal(text, string.Concat(body.Segments.Select(s => s.Text)));
    }

    [Fact]
    public void LineBreaksAreNormalisedAndControlCharactersDropped()
    {
        var body = MailTextLinkifier.Split("one\r\ntwo\rthree\n\tfour\u0000\u001B[31m");

        Assert.Equal("one\ntwo\nthree\n\tfour[31m", Assert.Single(body.Segments).Text);
    }

    [Fact]
    public void EmptyTextHasNoSegments()
    {
        Assert.Empty(MailTextLinkifier.Split(string.Empty).Segments);
    }
}
