using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Net.Http.Headers;
using Pop3Webmail.DemoServer;
using Pop3Webmail.Web.Session;
using Pop3Webmail.Web.Session.TabResume;
using Pop3Webmail.Web.Tests.Support;

namespace Pop3Webmail.Web.Tests.Session.TabResume;

/// <summary>POST /session/tab: a one-time ticket, from the browser it was issued to, becomes an HttpOnly per-tab entry.</summary>
public sealed class ResumeEndpointTests : IAsyncLifetime
{
    private const string Tab = "0123456789abcdef0123456789abcdef";
    private DemoPop3Server _demo = null!;
    private WebAppFactory _app = null!;

    public ValueTask InitializeAsync()
    {
        _demo = TestMailboxes.Start(1);
        _app = new WebAppFactory(_demo, ("Mail:RememberMailbox", "false"));
        return ValueTask.CompletedTask;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.DisposeAsync();
        await _demo.DisposeAsync();
    }

    [Fact]
    public async Task ATicketBecomesAnHttpOnlyStrictSessionCookieNamingTheVisit()
    {
        var (scope, session) = _app.CreateTab("browser-a");
        await using var tab = scope;
        await session.SignInAsync(new SignInRequest(DemoPop3Server.DemoUserName, DemoPop3Server.DemoPassword, "Test"), TestContext.Current.CancellationToken);
        using var browser = _app.CreateBrowser("browser-a");

        using var response = await browser.PostAsync("/session/tab?ticket=" + session.TakeResumeTicket() + "&tab=" + Tab, null, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        var cookie = SetCookieHeaderValue.Parse(response.Headers.GetValues("Set-Cookie").Single());
        Assert.Equal(ResumeCookie.Name, cookie.Name.Value);
        Assert.True(cookie.HttpOnly);
        Assert.Equal(Microsoft.Net.Http.Headers.SameSiteMode.Strict, cookie.SameSite);
        Assert.Null(cookie.Expires);
        var handle = Assert.Single(ResumeCookie.Parse(Uri.UnescapeDataString(cookie.Value.Value!)), e => e.Key == Tab).Value;
        Assert.Equal(ResumeLookup.Found, _app.Services.GetRequiredService<MailboxSessionRegistry>().Lookup(handle, out _));
        Assert.DoesNotContain(DemoPop3Server.DemoPassword, cookie.Value.Value!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ATicketFromAnotherBrowserOrUsedTwiceSetsNoCookie()
    {
        var (scope, session) = _app.CreateTab("browser-a");
        await using var tab = scope;
        await session.SignInAsync(new SignInRequest(DemoPop3Server.DemoUserName, DemoPop3Server.DemoPassword, "Test"), TestContext.Current.CancellationToken);
        var ticket = session.TakeResumeTicket();
        using var other = _app.CreateBrowser("browser-b");
        using var owner = _app.CreateBrowser("browser-a");

        using var stolen = await other.PostAsync("/session/tab?ticket=" + ticket + "&tab=" + Tab, null, TestContext.Current.CancellationToken);
        using var again = await owner.PostAsync("/session/tab?ticket=" + ticket + "&tab=" + Tab, null, TestContext.Current.CancellationToken);

        Assert.False(stolen.Headers.Contains("Set-Cookie"));
        Assert.False(again.Headers.Contains("Set-Cookie"));
    }
}
