using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;
using Pop3Webmail.Web.Downloads;

namespace Pop3Webmail.Web.Tests.Downloads;

/// <summary>Every file name a download carries is cleaned here, whatever produced it.</summary>
public sealed class DownloadResponseTests
{
    [Theory]
    [InlineData("invoice\u202Efdp.exe", "invoicefdp.exe")] // RIGHT-TO-LEFT OVERRIDE: would read "invoiceexe.pdf"
    [InlineData("\u202Aa\u202Bb\u202Cc\u202Dd\u202Ee.txt", "abcde.txt")]
    [InlineData("\u2066a\u2067b\u2068c\u2069.txt", "abc.txt")] // isolates
    [InlineData("a\u200Eb\u200Fc\u061C.txt", "abc.txt")] // LRM, RLM, ARABIC LETTER MARK
    [InlineData("a\u200Bb\u200Dc\uFEFFd\u00ADe\u2060.txt", "abcde.txt")] // other format characters
    [InlineData("a\u0001b\u001Fc\u007Fd\u0085e\u009F.txt", "abcde.txt")] // C0 and C1 controls
    [InlineData("a\u2028b\u2029c.txt", "abc.txt")] // line and paragraph separators
    [InlineData("a\U000E0041b.txt", "ab.txt")] // a tag character (outside the BMP)
    [InlineData("отчёт 📎.pdf", "отчёт 📎.pdf")] // letters and emoji stay
    [InlineData("../../etc/passwd", "passwd")]
    [InlineData("a:b*c?.txt", "a_b_c_.txt")]
    [InlineData("\u202E", "download")]
    public void AttachmentNamesLoseControlAndFormatCharacters(string name, string expected)
    {
        var response = new DefaultHttpContext().Response;

        DownloadResponse.Begin(response, "application/octet-stream", name);

        Assert.Equal(expected, FileNameOf(response));
    }

    [Fact]
    public void AnUnpairedSurrogateIsDropped()
    {
        // Not theory data: serializing it would already have replaced the lone surrogate with U+FFFD.
        var response = new DefaultHttpContext().Response;

        DownloadResponse.Begin(response, "application/octet-stream", "a\uD800b\uDC00c.txt");

        Assert.Equal("abc.txt", FileNameOf(response));
    }

    [Fact]
    public void AnInlinePreviewNameIsCleanedToo()
    {
        var response = new DefaultHttpContext().Response;

        DownloadResponse.BeginInline(response, "image/png", "photo\u202Egnp.exe");

        Assert.Equal("photognp.exe", FileNameOf(response));
        Assert.StartsWith("sandbox;", response.Headers.ContentSecurityPolicy.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void OnlyImagesAreEverShownInline()
    {
        var response = new DefaultHttpContext().Response;

        Assert.Throws<ArgumentException>(() => DownloadResponse.BeginInline(response, "application/pdf", "report.pdf"));
    }

    [Theory]
    [InlineData("Quarterly report", "Quarterly report.eml")]
    [InlineData("Re: Q1/Q2 \u202Efigures", "Re_ Q1_Q2 figures.eml")]
    [InlineData("\u200B \u202E ", "message.eml")]
    [InlineData(null, "message.eml")]
    public void TheMessageFileNameIsTheCleanedSubject(string? subject, string expected)
    {
        Assert.Equal(expected, DownloadResponse.MessageFileName(subject));
    }

    private static string? FileNameOf(HttpResponse response) =>
        ContentDispositionHeaderValue.Parse(response.Headers.ContentDisposition.ToString()).FileNameStar.Value;
}
