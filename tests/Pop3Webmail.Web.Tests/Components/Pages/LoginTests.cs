using Bunit;
using Bunit.TestDoubles;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.AspNetCore.Components;
using Pop3Webmail.DemoServer;
using Pop3Webmail.Pop3;
using Pop3Webmail.Web.Components.Pages;
using Pop3Webmail.Web.Configuration;
using Pop3Webmail.Web.Session;
using Pop3Webmail.Web.Tests.Mail;
using Pop3Webmail.Web.Tests.Support;

namespace Pop3Webmail.Web.Tests.Components.Pages;

public sealed class LoginTests : WebmailComponentTest
{
    private static readonly MailServerOptions Alpha = new() { Name = "Alpha", Host = "alpha.example.test" };
    private static readonly MailServerOptions Beta = new() { Name = "Beta", Host = "beta.example.test" };

    [Fact]
    public void SigningInSendsTheCredentialsAndGoesToTheInbox()
    {
        using var culture = new CultureScope("en");
        Configure(new MailOptions { Servers = [Alpha] });
        var navigation = Services.GetRequiredService<NavigationManager>();
        var cut = Render<Login>();

        cut.Find(".login-user input").Change("alice");
        cut.Find(".login-password input").Change("s3cret");
        cut.Find("form").Submit();

        Assert.Equal(new SignInRequest("alice", "s3cret", "Alpha"), Session.SignIns.Single());
        Assert.EndsWith("/inbox", navigation.Uri, StringComparison.Ordinal);
    }

    [Fact]
    public void AfterSignInItReturnsToTheLocalPageItCameFromButNeverOffSite()
    {
        Configure(new MailOptions { Servers = [Alpha] });
        var navigation = Services.GetRequiredService<NavigationManager>();
        navigation.NavigateTo("login?returnUrl=%2F%2Fevil.example%2F");
        var cut = Render<Login>();
        cut.Find(".login-user input").Change("alice");
        cut.Find(".login-password input").Change("pw");
        cut.Find("form").Submit();
        cut.WaitForAssertion(() => Assert.Equal("http://localhost/inbox", navigation.Uri));

        Session.Account = null;
        navigation.NavigateTo("login?returnUrl=%2Fmessage%3Fid%3Dx");
        cut = Render<Login>();
        cut.Find(".login-user input").Change("alice");
        cut.Find(".login-password input").Change("pw");
        cut.Find("form").Submit();
        cut.WaitForAssertion(() => Assert.Equal("http://localhost/message?id=x", navigation.Uri));
    }

    [Theory]
    [InlineData("%2F%20%2F%2Fevil.example%2F")] // "/ //evil.example/": the browser strips the space
    [InlineData("%2F%09%2Fevil.example%2F")] // "/\t/evil.example/": the browser removes the tab
    [InlineData("%2F%2F%2Fevil.example%2F")]
    public void AReturnUrlHidingAnOffSiteTargetLeadsToTheInbox(string returnUrl)
    {
        Configure(new MailOptions { Servers = [Alpha] });
        var navigation = Services.GetRequiredService<NavigationManager>();
        navigation.NavigateTo("login?returnUrl=" + returnUrl);
        var cut = Render<Login>();

        cut.Find(".login-user input").Change("alice");
        cut.Find(".login-password input").Change("pw");
        cut.Find("form").Submit();

        cut.WaitForAssertion(() => Assert.Equal("http://localhost/inbox", navigation.Uri));
    }

    [Theory]
    [InlineData(SignInError.InvalidCredentials, null, "The user name or password is wrong.")]
    [InlineData(SignInError.MailboxInUse, 30, "The mailbox is open in another mail program. Close it there, or try again in 30 s.")]
    [InlineData(SignInError.LoginDelay, 300, "The server allows a new sign-in only after a pause. Try again in 300 s.")]
    [InlineData(SignInError.TemporaryFailure, null, "The mail server has a temporary problem. Try again in a few minutes.")]
    [InlineData(SignInError.SecureConnectionFailed, null, "A secure connection to the mail server could not be established (TLS or certificate problem).")]
    [InlineData(SignInError.ServerUnreachable, null, "The mail server cannot be reached. Try again later.")]
    [InlineData(SignInError.RateLimited, 42, "Too many sign-in attempts. Try again in 42 s.")]
    public void EachFailureShowsItsOwnSafeMessageAndClearsThePassword(SignInError error, int? seconds, string expected)
    {
        using var culture = new CultureScope("en");
        Configure(new MailOptions { Servers = [Alpha] });
        Session.NextSignIn = new SignInResult(error, seconds is { } s ? TimeSpan.FromSeconds(s) : null);
        var cut = Render<Login>();

        cut.Find(".login-user input").Change("alice");
        cut.Find(".login-password input").Change("s3cret");
        cut.Find("form").Submit();

        Assert.Equal(expected, cut.Find(".login-error").TextContent.Trim());
        Assert.Equal(string.Empty, cut.Find(".login-password input").GetAttribute("value") ?? string.Empty);
        Assert.DoesNotContain("s3cret", cut.Markup, StringComparison.Ordinal);
    }

    [Fact]
    public void ErrorsAreInRussianForRussianUsers()
    {
        using var culture = new CultureScope("ru");
        Configure(new MailOptions { Servers = [Alpha] });
        Session.NextSignIn = new SignInResult(SignInError.InvalidCredentials);
        var cut = Render<Login>();

        cut.Find(".login-user input").Change("alice");
        cut.Find(".login-password input").Change("x");
        cut.Find("form").Submit();

        Assert.Equal("Неверное имя пользователя или пароль.", cut.Find(".login-error").TextContent.Trim());
        Assert.Contains("Вход в почтовый ящик", cut.Markup, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(1, 0)]
    [InlineData(2, 1)]
    public void TheServerPickerAppearsOnlyWithSeveralServers(int servers, int pickers)
    {
        Configure(new MailOptions { Servers = servers == 1 ? [Alpha] : [Alpha, Beta] });

        Assert.Equal(pickers, Render<Login>().FindAll(".login-server").Count);
    }

    [Fact]
    public void TheDemoMailboxShowsItsCredentialsAndCanFillThemIn()
    {
        using var culture = new CultureScope("en");
        Services.GetRequiredService<MailServerCatalog>().UseDemo(
            new MailServer("demo", "Demo mailbox", "127.0.0.1", 1100, Pop3Security.None, AllowPlaintextAuthentication: true),
            new DemoCredentials(DemoPop3Server.DemoUserName, DemoPop3Server.DemoPassword));
        var cut = Render<Login>();

        Assert.Contains("user name \"demo\", password \"demo\"", cut.Find(".login-demo").TextContent, StringComparison.Ordinal);
        cut.Find(".login-demo-fill").Click();
        cut.Find("form").Submit();

        Assert.Equal(new SignInRequest("demo", "demo", "demo"), Session.SignIns.Single());
    }

    [Theory]
    [InlineData(SignOutReason.TakenOver, 0, "You were signed out because this mailbox was opened in another window.")]
    [InlineData(SignOutReason.TakenOver, 2, "You were signed out because this mailbox was opened in another window. Messages deleted: 2.")]
    [InlineData(SignOutReason.IdleTimeout, 0, "You were signed out after a period of inactivity.")]
    [InlineData(SignOutReason.UserSignedOut, 3, "You are signed out. Messages deleted: 3.")]
    [InlineData(SignOutReason.UserSignedOut, 0, "You are signed out.")]
    public void ItSaysWhyThePreviousSessionEndedAndWhatWasDeleted(SignOutReason reason, int deleted, string expected)
    {
        using var culture = new CultureScope("en");
        Configure(new MailOptions { Servers = [Alpha] });
        Session.LastSignOut = new SignOutInfo(reason, deleted, DeletionsFailed: false);

        var cut = Render<Login>();

        Assert.Equal(expected, cut.Find(".login-signed-out").TextContent.Trim());
    }

    [Fact]
    public void ASignOutThatEndsAfterThePageShowedIsStillExplained()
    {
        using var culture = new CultureScope("en");
        Configure(new MailOptions { Servers = [Alpha] });
        var cut = Render<Login>();
        Assert.Empty(cut.FindAll(".login-signed-out"));

        Session.LastSignOut = new SignOutInfo(SignOutReason.UserSignedOut, 1, DeletionsFailed: false);
        Session.Raise();

        cut.WaitForAssertion(() => Assert.Equal("You are signed out. Messages deleted: 1.", cut.Find(".login-signed-out").TextContent.Trim()));
    }

    [Theory]
    [InlineData(SignOutReason.ServerRestarted, "The webmail was restarted, so you were signed out. The messages you had marked for deletion were not deleted; they are still on the server: 4.")]
    [InlineData(SignOutReason.UnexpectedError, "You were signed out after an unexpected error. The messages you had marked for deletion were not deleted; they are still on the server: 4.")]
    [InlineData(SignOutReason.ApplicationStopping, "You were signed out because the webmail was restarted. The messages you had marked for deletion were not deleted; they are still on the server: 4.")]
    public void AnEndThatWasNotTheUsersChoiceSaysTheMarkedMessagesWereKept(SignOutReason reason, string expected)
    {
        using var culture = new CultureScope("en");
        Configure(new MailOptions { Servers = [Alpha] });
        Session.LastSignOut = new SignOutInfo(reason, DeletedCount: 0, DeletionsFailed: false, DeletionsKept: 4);

        var cut = Render<Login>();

        Assert.Equal(expected, cut.Find(".login-signed-out").TextContent.Trim());
        Assert.Contains("mud-alert-text-warning", cut.Find(".login-signed-out").ClassName, StringComparison.Ordinal);
    }

    [Fact]
    public void FailedDeletionsAreSaidAfterTheReason()
    {
        using var culture = new CultureScope("en");
        Configure(new MailOptions { Servers = [Alpha] });
        Session.LastSignOut = new SignOutInfo(SignOutReason.TakenOver, DeletedCount: 0, DeletionsFailed: true);

        var cut = Render<Login>();

        Assert.Equal(
            "You were signed out because this mailbox was opened in another window. The server could not delete the messages you had marked; they are still there.",
            cut.Find(".login-signed-out").TextContent.Trim());
        Assert.Equal("status", cut.Find(".login-signed-out").GetAttribute("role"));
    }

    [Fact]
    public void TheSignOutNoticeSpeaksRussian()
    {
        using var culture = new CultureScope("ru");
        Configure(new MailOptions { Servers = [Alpha] });
        Session.LastSignOut = new SignOutInfo(SignOutReason.TakenOver, DeletedCount: 2, DeletionsFailed: false);

        var cut = Render<Login>();

        Assert.Equal("Вы вышли, потому что этот ящик открыли в другом окне. Удалено писем: 2.", cut.Find(".login-signed-out").TextContent.Trim());
    }

    [Fact]
    public void ASecondSubmitWhileSigningInIsIgnored()
    {
        Configure(new MailOptions { Servers = [Alpha] });
        var slowServer = new TaskCompletionSource();
        Session.SignInGate = slowServer.Task;
        var cut = Render<Login>();
        cut.Find(".login-user input").Change("alice");
        cut.Find(".login-password input").Change("pw");

        cut.Find("form").Submit();
        cut.Find("form").Submit();
        slowServer.SetResult();

        cut.WaitForAssertion(() => Assert.EndsWith("/inbox", Services.GetRequiredService<NavigationManager>().Uri, StringComparison.Ordinal));
        Assert.Single(Session.SignIns);
    }

    [Fact]
    public void AfterSignInTheLoginPageIsReplacedInTheHistory()
    {
        Configure(new MailOptions { Servers = [Alpha] });
        var navigation = Services.GetRequiredService<BunitNavigationManager>();
        var cut = Render<Login>();
        cut.Find(".login-user input").Change("alice");
        cut.Find(".login-password input").Change("pw");

        cut.Find("form").Submit();

        Assert.True(navigation.History.First().Options.ReplaceHistoryEntry);
    }

    [Theory]
    [InlineData(true, "off", "off")]
    [InlineData(false, "username", "current-password")]
    public void OnAKioskTheBrowserIsNotAskedToRememberThePassword(bool kiosk, string user, string password)
    {
        Configure(new MailOptions { Servers = [Alpha], Kiosk = kiosk });

        var cut = Render<Login>();

        Assert.Equal(user, cut.Find(".login-user input").GetAttribute("autocomplete"));
        Assert.Equal(password, cut.Find(".login-password input").GetAttribute("autocomplete"));
    }

    [Fact]
    public void ASignedInVisitorIsSentOnToTheInbox()
    {
        Configure(new MailOptions { Servers = [Alpha] });
        SignIn();
        var navigation = Services.GetRequiredService<NavigationManager>();

        Render<Login>();

        Assert.Equal("http://localhost/inbox", navigation.Uri);
    }
}
