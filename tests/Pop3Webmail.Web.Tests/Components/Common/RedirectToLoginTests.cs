using Bunit.TestDoubles;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using Pop3Webmail.Web.Components.Common;
using Pop3Webmail.Web.Session;
using Pop3Webmail.Web.Tests.Support;

namespace Pop3Webmail.Web.Tests.Components.Common;

public sealed class RedirectToLoginTests : WebmailComponentTest
{
    [Fact]
    public void AVisitorWhoWasNeverSignedInComesBackToThePageAfterSigningIn()
    {
        var navigation = Services.GetRequiredService<BunitNavigationManager>();
        navigation.NavigateTo("message?id=uid-7");

        Render<RedirectToLogin>();

        Assert.Equal("http://localhost/login?returnUrl=%2Fmessage%3Fid%3Duid-7", navigation.Uri);
        Assert.True(navigation.History.First().Options.ReplaceHistoryEntry); // Back does not bounce through the protected page
    }

    [Fact]
    public void AfterThisTabsSessionEndedTheLoginPageIsCleanWhateverTheSessionSaid()
    {
        // The session may report "no account" before it says why it ended: the tab's own memory decides.
        Services.GetRequiredService<TabHistory>().SignedInBefore = true;
        var navigation = Services.GetRequiredService<NavigationManager>();
        navigation.NavigateTo("message?id=uid-7");

        Render<RedirectToLogin>();

        Assert.Equal("http://localhost/login", navigation.Uri);
    }

    [Theory]
    [InlineData(SignOutReason.TakenOver)]
    [InlineData(SignOutReason.IdleTimeout)]
    [InlineData(SignOutReason.ServerRestarted)]
    public void AfterASessionEndLeavesNoPreviousUsersMessageInTheAddress(SignOutReason reason)
    {
        Session.LastSignOut = new SignOutInfo(reason, 0, DeletionsFailed: false);
        var navigation = Services.GetRequiredService<NavigationManager>();
        navigation.NavigateTo("message?id=uid-7");

        Render<RedirectToLogin>();

        Assert.Equal("http://localhost/login", navigation.Uri);
    }
}
