using Pop3Webmail.Web.Session.TabResume;

namespace Pop3Webmail.Web.Tests.Session.TabResume;

public sealed class ResumeCookieTests
{
    private const string Handle = "0123456789ABCDEF.abcdefghijklmnopqrstuvwxyz0123456789-_ABCDEFG";

    [Fact]
    public void EntriesSurviveFormatAndParse()
    {
        var entries = new Dictionary<string, string> { ["aaaaaaaa11111111"] = Handle, ["bbbbbbbb22222222"] = Handle + "x" };

        var parsed = ResumeCookie.Parse(ResumeCookie.Format(entries));

        Assert.Equal(entries, parsed);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("garbage")]
    [InlineData("short~" + Handle)]
    [InlineData("aaaaaaaa11111111~tooshort")]
    [InlineData("aaaaaaaa11111111~has space in it that is long enough")]
    [InlineData("aaaaaaaa1111111<~" + Handle)]
    public void MalformedEntriesAreSkipped(string? value) => Assert.Empty(ResumeCookie.Parse(value));

    [Fact]
    public void AnOversizedCookieIsIgnoredWhole() => Assert.Empty(ResumeCookie.Parse(new string('a', 5000)));

    [Fact]
    public void AtMostTheTabLimitIsRemembered()
    {
        var many = Enumerable.Range(0, 40).ToDictionary(i => "tab" + i.ToString("D8", System.Globalization.CultureInfo.InvariantCulture), _ => Handle);

        Assert.Equal(ResumeCookie.MaxTabs, ResumeCookie.Parse(ResumeCookie.Format(many)).Count);
    }
}
