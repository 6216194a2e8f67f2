using Bunit;
using Bunit.TestDoubles;
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
    public void SigningOutFromAMessageLandsOnACleanLoginPage()
    {
        SignIn(false, FakeMailboxSession.Summary(1, "Hello"));
        Session.MessageSources["uid-1"] = "Subject: Hello\r\n\r\nHi.\r\n";
        var navigation = Services.GetRequiredService<NavigationManager>();
        navigation.NavigateTo("message?id=uid-1");
        var cut = Render<Routes>();
        cut.WaitForAssertion(() => Assert.Equal("Hello", cut.Find(".message-subject").TextContent));

        cut.Find(".app-sign-out").Click();

        // Two navigations race here (the router's redirect of a page that now needs a session, and the sign-out's
        // own); both go to the same clean address.
        cut.WaitForAssertion(() => Assert.Equal("http://localhost/login", navigation.Uri));
        Assert.DoesNotContain(Services.GetRequiredService<BunitNavigationManager>().History, h => h.Uri.Contains("returnUrl", StringComparison.Ordinal));
    }

    [Fact]
    public void TheLayoutRemembersThatThisTabHadASession()
    {
        var history = Services.GetRequiredService<TabHistory>();
        Render<MainLayout>(p => p.Add(x => x.Body, (RenderFragment)(b => b.AddContent(0, "page"))));
        Assert.False(history.SignedInBefore);

        SignIn();
        Session.Raise();

        Assert.True(history.SignedInBefore);
    }

    [Fact]
    public void TheSkipLinkJumpsToTheMainContentOfThisPage()
    {
        using var culture = new CultureScope("en");
        Services.GetRequiredService<NavigationManager>().NavigateTo("inbox");

        var cut = Render<MainLayout>(p => p.Add(x => x.Body, (RenderFragment)(b => b.AddContent(0, "page"))));

        var skip = cut.Find("a.skip-link");
        Assert.Equal("Skip to main content", skip.TextContent);
        Assert.Equal("http://localhost/inbox#main-content", skip.GetAttribute("href"));
        Assert.Equal("-1", cut.Find("main#main-content").GetAttribute("tabindex"));
    }

    [Fact]
    public void SignedInTheAppBarStillOffersTheLanguagesAsAReloadOfThisPage()
    {
        SignIn(false, FakeMailboxSession.Summary(1, "Hello"));
        Services.GetRequiredService<NavigationManager>().NavigateTo("message?id=uid-1");

        var cut = Render<MainLayout>(p => p.Add(x => x.Body, (RenderFragment)(b => b.AddContent(0, "page"))));

        var russian = cut.FindAll(".language-switch a")[1];
        Assert.Equal("culture/ru?returnUrl=%2Fmessage%3Fid%3Duid-1", russian.GetAttribute("href"));
        Assert.Equal("false", russian.GetAttribute("data-enhance-nav"));

        Services.GetRequiredService<NavigationManager>().NavigateTo("inbox"); // the link follows the page
        cut.WaitForAssertion(() => Assert.Equal("culture/ru?returnUrl=%2Finbox", cut.FindAll(".language-switch a")[1].GetAttribute("href")));
    }

    [Fact]
    public void AnErrorInThePageShowsAFriendlyReloadAndTellsTheSession()
    {
        using var culture = new CultureScope("en");
        SignIn();
        var navigation = Services.GetRequiredService<NavigationManager>();
        navigation.NavigateTo("inbox");
        var cut = Render<MainLayout>(p => p.Add(x => x.Body, (RenderFragment)(b =>
        {
            b.OpenComponent<FailingOnClick>(0);
            b.CloseComponent();
        })));

        cut.Find("button.fail").Click();

        Assert.True(Session.UnexpectedErrorReported);
        Assert.Equal("Something went wrong", cut.Find(".page-error h1").TextContent);
        Assert.Equal("alert", cut.Find(".page-error").GetAttribute("role"));
        Assert.Equal("alice", cut.Find(".app-account").TextContent); // the app bar (and sign-out) is still there
        cut.Find(".page-error-reload").Click();
        Assert.Equal(navigation.Uri, Services.GetRequiredService<BunitNavigationManager>().History.First().Uri);
        Assert.True(Services.GetRequiredService<BunitNavigationManager>().History.First().Options.ForceLoad);
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

    /// <summary>A page body with a bug: its button throws.</summary>
    private sealed class FailingOnClick : ComponentBase
    {
        protected override void BuildRenderTree(Microsoft.AspNetCore.Components.Rendering.RenderTreeBuilder builder)
        {
            builder.OpenElement(0, "button");
            builder.AddAttribute(1, "class", "fail");
            builder.AddAttribute(2, "onclick", EventCallback.Factory.Create(this, () => throw new InvalidOperationException("a bug")));
            builder.CloseElement();
        }
    }
}
