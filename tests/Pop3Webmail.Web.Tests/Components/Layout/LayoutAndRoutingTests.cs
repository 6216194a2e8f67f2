using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using Pop3Webmail.Web.Components;
using Pop3Webmail.Web.Components.Common;
using Pop3Webmail.Web.Components.Layout;
using Pop3Webmail.Web.Configuration;
using Pop3Webmail.Web.Session;
using Pop3Webmail.Web.Tests.Mail;
using Pop3Webmail.Web.Tests.Support;

namespace Pop3Webmail.Web.Tests.Components.Layout;

public sealed class LayoutAndRoutingTests : WebmailComponentTest
{
    [Theory]
    [InlineData("inbox", "/login?returnUrl=%2Finbox")]
    [InlineData("message?id=uid-1", "/login?returnUrl=%2Fmessage%3Fid%3Duid-1")]
    public void AnAnonymousVisitorIsSentToTheLoginPage(string page, string expected)
    {
        var navigation = Services.GetRequiredService<NavigationManager>();
        navigation.NavigateTo(page);

        Render<Routes>();

        Assert.Equal("http://localhost" + expected, navigation.Uri);
    }

    [Fact]
    public void ASignedInVisitorSeesTheInbox()
    {
        using var culture = new CultureScope("en");
        SignIn(false, FakeMailboxSession.Summary(1, "Hello"));
        var navigation = Services.GetRequiredService<NavigationManager>();
        navigation.NavigateTo("inbox");

        var cut = Render<Routes>();

        Assert.Equal("Inbox", cut.Find("h1").TextContent);
        Assert.Equal("http://localhost/inbox", navigation.Uri);
    }

    [Fact]
    public void TheRootParametersReachTheCircuitsBrowserContext()
    {
        Render<Routes>(p => p.Add(x => x.BrowserKey, "key-123").Add(x => x.ClientAddress, "203.0.113.5"));

        var browser = Services.GetRequiredService<BrowserContext>();
        Assert.Equal("key-123", browser.BrowserKey);
        Assert.Equal("203.0.113.5", browser.ClientAddress);
    }

    [Fact]
    public void TheLayoutMarksAnInteractiveRenderForBrowserTests()
    {
        var cut = Render<MainLayout>(p => p.Add(x => x.Body, (RenderFragment)(b => b.AddContent(0, "page"))));

        Assert.Single(cut.FindAll("[data-interactive=true]"));
        Assert.Single(cut.FindAll(".mud-popover-provider"));
    }

    [Fact]
    public void APrerenderedLayoutHasNoInteractiveMarker()
    {
        SetRendererInfo(new RendererInfo("Static", isInteractive: false));

        var cut = Render<MainLayout>(p => p.Add(x => x.Body, (RenderFragment)(b => b.AddContent(0, "page"))));

        Assert.Empty(cut.FindAll("[data-interactive]"));
    }

    [Fact]
    public void SignOutEndsTheSessionAndGoesToTheLoginPage()
    {
        using var culture = new CultureScope("en");
        SignIn();
        var navigation = Services.GetRequiredService<NavigationManager>();
        var cut = Render<MainLayout>(p => p.Add(x => x.Body, (RenderFragment)(b => b.AddContent(0, "page"))));
        Assert.Equal("alice", cut.Find(".app-account").TextContent);

        cut.Find(".app-sign-out").Click();

        Assert.Contains("End UserSignedOut", Session.Calls);
        Assert.Equal("http://localhost/login", navigation.Uri);
    }

    [Fact]
    public void SignedOutTheAppBarOffersTheLanguages()
    {
        var cut = Render<MainLayout>(p => p.Add(x => x.Body, (RenderFragment)(b => b.AddContent(0, "page"))));

        var links = cut.FindAll(".language-switch a");
        Assert.Equal(["English", "Русский"], links.Select(l => l.TextContent));
        Assert.StartsWith("culture/ru?returnUrl=", links[1].GetAttribute("href"), StringComparison.Ordinal);
    }

    [Fact]
    public void TheKioskCountdownAppearsBeforeIdleSignOutAndStaySignedInDismissesIt()
    {
        using var culture = new CultureScope("en");
        Configure(new MailOptions { Kiosk = true, IdleSignOut = TimeSpan.FromMinutes(2), IdleWarning = TimeSpan.FromSeconds(30) });
        var cut = Render<IdleCountdown>();
        SignIn();
        Session.Raise();
        Assert.Empty(cut.FindAll(".idle-overlay"));

        Time.Advance(TimeSpan.FromSeconds(100));
        cut.WaitForAssertion(() => Assert.Equal("For your privacy you will be signed out in 20 s.", cut.Find("#idle-text").TextContent));

        cut.Find(".idle-stay").Click();
        cut.WaitForAssertion(() => Assert.Empty(cut.FindAll(".idle-overlay")));

        Time.Advance(TimeSpan.FromMinutes(2));
        cut.WaitForAssertion(() => Assert.Contains("End IdleTimeout", Session.Calls));
    }
}
