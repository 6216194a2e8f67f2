using Pop3Webmail.Web.Security;

namespace Pop3Webmail.Web.Tests.Security;

public sealed class LocalUrlTests
{
    /// <summary>Known open-redirect bypasses, as the value arrives after the query string is decoded once.</summary>
    public static TheoryData<string> Bypasses() => new(
        // Off-site outright: scheme-relative, backslash forms, absolute URLs and schemes.
        "//evil.example/",
        "///evil.example/",
        "/\\evil.example/",
        "\\\\evil.example/",
        "\\/evil.example/",
        "https://evil.example/",
        "HTTPS://evil.example/",
        "javascript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "evil.example/",
        " /inbox",
        string.Empty,

        // Raw whitespace and controls a browser strips or removes (WHATWG URL §4.4) to leave "//evil.example/".
        "/ //evil.example/",
        "/\t/evil.example/",
        "/\n/evil.example/",
        "/\r\n/evil.example/",
        "/\0/evil.example/",
        "/\u001f/evil.example/",
        "/\u007f/evil.example/",
        "/\u0085/evil.example/", // C1 NEL
        "/\u00a0//evil.example/",
        "/\u200b//evil.example/", // zero-width space
        "/\u202e//evil.example/", // bidi override
        "/inbox\t",

        // Encoded whitespace, controls and slashes that a second decoding turns into the above.
        "/%20//evil.example/",
        "/%09/evil.example/",
        "/%0a/evil.example/",
        "/%0d%0a/evil.example/",
        "/%00/evil.example/",
        "/%2f%2fevil.example/",
        "/%2F%2Fevil.example/",
        "/%5c/evil.example/",
        "/%5C%5Cevil.example/",
        "/%252f%252fevil.example/", // twice encoded
        "/%25252f%25252fevil.example/", // three times
        "/%2525252f%2525252fevil.example/", // still changing after every round checked

        // Look-alike slashes and dots.
        "/\uff0f\uff0fevil.example/", // fullwidth solidus
        "/\u2215\u2215evil.example/", // division slash
        "/\u2044evil.example/", // fraction slash
        "/%EF%BC%8F%EF%BC%8Fevil.example/",
        "/\uff0e\uff0e/evil.example",

        // Dot segments that a browser resolves away.
        "/..//evil.example/",
        "/./evil.example",
        "/inbox/../..//evil.example/",
        "/%2e%2e//evil.example/",
        "/%2E/inbox");

    [Theory]
    [MemberData(nameof(Bypasses))]
    public void KnownBypassesAreRefused(string url)
    {
        Assert.False(LocalUrl.TryGetSafe(url, out var path));
        Assert.Null(path);
    }

    [Theory]
    [InlineData("/")]
    [InlineData("/inbox")]
    [InlineData("/message?id=abc")]
    [InlineData("/message?id=%23%31")] // an escaped message key
    [InlineData("/message?id=a%2Fb")] // an encoded slash in the query decides no origin
    [InlineData("/login?returnUrl=%2Finbox")]
    [InlineData("/inbox#top")]
    [InlineData("/message?id=x//y")]
    public void LocalPathsPassUnchanged(string url)
    {
        Assert.True(LocalUrl.TryGetSafe(url, out var path));
        Assert.Equal(url, path);
    }

    [Fact]
    public void NullIsRefused()
    {
        Assert.False(LocalUrl.TryGetSafe(null, out _));
    }

    [Fact]
    public void AVeryLongUrlIsRefusedAndOneAtTheLimitPasses()
    {
        var atLimit = "/" + new string('a', LocalUrl.MaxLength - 1);

        Assert.True(LocalUrl.TryGetSafe(atLimit, out _));
        Assert.False(LocalUrl.TryGetSafe(atLimit + "a", out _));
        Assert.False(LocalUrl.TryGetSafe("/" + new string('a', 1_000_000), out _));
    }
}
