using Pop3Webmail.Testing.Circuits;
using static Pop3Webmail.EndToEnd.Tests.Load.Circuits.Batches;

namespace Pop3Webmail.EndToEnd.Tests.Load.Circuits;

public sealed class CssSelectorTests
{
    private static readonly DomDocument Page = Batches.Page(Markup(
        "<div class=\"inbox-list\" data-keyboard-list=\"true\">"
        + "<div class=\"inbox-row inbox-header\"><span class=\"col-subject\">Subject</span></div>"
        + "<div class=\"inbox-row pending\" data-key=\"a1\"><span class=\"col-subject\">First</span><button class=\"inbox-undo\" disabled>u</button></div>"
        + "<div class=\"inbox-row\" data-key=\"b2\"><span class=\"col-subject\">Second</span><p><button class=\"inbox-delete\">d</button></p></div>"
        + "</div>"));

    [Theory]
    [InlineData(".inbox-row[data-key] .col-subject", "First|Second")]
    [InlineData(".inbox-row > .col-subject", "Subject|First|Second")]
    [InlineData(".inbox-row > button", "u")]
    [InlineData(".inbox-row button", "u|d")]
    [InlineData(".inbox-row[data-key=\"b2\"] .col-subject", "Second")]
    [InlineData(".inbox-row[data-key=b2] .col-subject", "Second")]
    [InlineData(".inbox-row[data-key^=a] .col-subject", "First")]
    [InlineData(".inbox-row[class~=pending] .col-subject", "First")]
    [InlineData(".inbox-row:not(.pending)[data-key] .col-subject", "Second")]
    [InlineData("button[disabled], .inbox-delete", "u|d")]
    [InlineData("div.inbox-row.pending span", "First")]
    [InlineData(".inbox-row:has-text(\"second\") button", "d")]
    [InlineData(".inbox-row[data-key]:has-text('FIRST') .col-subject", "First")]
    public void SelectorsMatchAsInABrowser(string selector, string expected)
    {
        Assert.Equal(expected.Split('|'), Page.QuerySelectorAll(selector).Select(element => element.TextContent));
    }

    [Theory]
    [InlineData(".inbox-row >")]
    [InlineData("div[data-key")]
    [InlineData("div:hover")]
    [InlineData("div[data-key|=a]")]
    [InlineData("div:has-text(second)")]
    public void SelectorsOutsideTheSupportedSubsetAreRejected(string selector)
    {
        Assert.Throws<FormatException>(() => CssSelector.Parse(selector));
    }
}
