using Microsoft.Playwright;
using Pop3Webmail.EndToEnd.Tests.Support;
using Pop3Webmail.Pop3;
using Pop3Webmail.Testing;

namespace Pop3Webmail.EndToEnd.Tests.Browser;

[Collection(BrowserCollectionDefinition.Name)]
public sealed class SignInErrorTests(WebmailFixture fixture)
{
    [Fact(Timeout = 60_000)]
    public async Task AWrongPasswordSaysSoAndTheServerSawOnlyAFailedLogin()
    {
        fixture.Require();
        var account = fixture.CreateAccount("typo", MessageFactory.Plain("Private", "Not for others.", WebmailFixture.FirstDate));
        await using var tab = await fixture.OpenTabAsync();

        await tab.SubmitSignInAsync(account.Name, account.Password + "-wrong");
        var error = await tab.Page.Locator(".login-error").InnerTextAsync();
        await tab.ScreenshotAsync("login-wrong-password");

        Assert.Equal(UiText.Login("ErrorInvalidCredentials"), error.Trim());
        Assert.Empty(await tab.Page.Locator(".login-password input").InputValueAsync()); // asked for again, not kept
        await account.Server.WaitForFailedLoginAsync(f => f.User == account.Name, cancellationToken: TestContext.Current.CancellationToken);
        Assert.Empty(account.Sessions);
    }

    [Fact(Timeout = 60_000)]
    public async Task AMailboxInUseElsewhereSaysSoAndLeavesTheOtherSessionAlone()
    {
        fixture.Require();
        var server = fixture.LockingDovecot;
        var holder = new Pop3Client(new Pop3ClientOptions { Security = Pop3Security.StartTls, CertificateThumbprint = server.CertificateThumbprint });
        await using (holder)
        {
            await holder.ConnectAsync(server.Host, server.Port, TestContext.Current.CancellationToken);
            await holder.AuthenticateAsync(WebmailFixture.BusyUser, WebmailFixture.BusyPassword, TestContext.Current.CancellationToken);
            await using var tab = await fixture.OpenTabAsync();

            await tab.SubmitSignInAsync(WebmailFixture.BusyUser, WebmailFixture.BusyPassword, WebmailFixture.LockingServerName);
            // Dovecot waits for the lock for a while before it answers [IN-USE].
            var error = await tab.Page.Locator(".login-error").InnerTextAsync(new LocatorInnerTextOptions { Timeout = 40_000 });

            Assert.Equal(UiText.Login("ErrorInUse", 30), error.Trim());
            await server.WaitForPop3SessionCountAsync(1, WebmailFixture.BusyUser, cancellationToken: TestContext.Current.CancellationToken);
            var holderStill = await holder.StatAsync(TestContext.Current.CancellationToken);
            Assert.Equal(1, holderStill.MessageCount);
            await holder.QuitAsync(TestContext.Current.CancellationToken);
        }
    }

    [Fact(Timeout = 60_000)]
    public async Task AServerThatIsDownSaysItCannotBeReached()
    {
        fixture.Require();
        await using var tab = await fixture.OpenTabAsync();

        await tab.SubmitSignInAsync("anyone", "any-password", WebmailFixture.OfflineServerName);
        var error = await tab.Page.Locator(".login-error").InnerTextAsync();

        Assert.Equal(UiText.Login("ErrorUnreachable"), error.Trim());
    }
}
