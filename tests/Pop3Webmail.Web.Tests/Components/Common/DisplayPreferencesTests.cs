using Bunit;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Pop3Webmail.Web.Components.Common;
using Pop3Webmail.Web.Components.Layout;
using Pop3Webmail.Web.Configuration;
using Pop3Webmail.Web.Tests.Mail;
using Pop3Webmail.Web.Tests.Support;

namespace Pop3Webmail.Web.Tests.Components.Common;

public sealed class DisplayPreferencesTests : WebmailComponentTest
{
    [Theory]
    [InlineData(null, null, false, false)]
    [InlineData(null, "dark", false, true)]
    [InlineData("light", "dark", false, false)]
    [InlineData("dark", "light", false, true)]
    [InlineData("dark", "light", true, false)] // a kiosk ignores a cookie it never set
    public void ThePageRequestDecidesTheFirstPaint(string? cookie, string? hint, bool kiosk, bool dark)
    {
        var context = new DefaultHttpContext();
        if (cookie is not null)
        {
            context.Request.Headers.Cookie = DisplayPreferences.ThemeCookie + "=" + cookie;
        }

        if (hint is not null)
        {
            context.Request.Headers[DisplayPreferences.ColorSchemeHint] = hint;
        }

        var preferences = Services.GetRequiredService<DisplayPreferences>();
        preferences.Initialize(DisplayPreferences.Read(context, kiosk));

        Assert.Equal(dark, preferences.IsDark);
    }

    [Fact]
    public void ToggleGoesToTheOtherThemeAndBackToFollowingTheSystem()
    {
        var preferences = Services.GetRequiredService<DisplayPreferences>();
        preferences.Initialize(new DisplaySettings(Theme: null, SystemDark: false, ReadingPane: true));

        preferences.ToggleDarkAsync();
        Assert.Equal((ThemeChoice.Dark, true), (preferences.Theme, preferences.IsDark));
        Assert.Equal(["p3w-theme", "dark"], JSInterop.Invocations.Last().Arguments);

        preferences.ToggleDarkAsync();
        Assert.Equal((ThemeChoice.System, false), (preferences.Theme, preferences.IsDark));
        Assert.Equal(["p3w-theme", null], JSInterop.Invocations.Last().Arguments); // the cookie goes

        preferences.SetSystemDark(true);
        Assert.True(preferences.IsDark); // following the system again
    }

    [Fact]
    public void OnAKioskAThemeChoiceLastsOnlyAsLongAsTheTab()
    {
        Configure(new MailOptions { Kiosk = true });
        var preferences = Services.GetRequiredService<DisplayPreferences>();

        preferences.ToggleDarkAsync();

        Assert.True(preferences.IsDark);
        Assert.DoesNotContain(JSInterop.Invocations, i => i.Identifier == "pop3webmail.setPreference");
    }

    [Fact]
    public void TheLayoutPaintsDarkAndTheToggleSaysItIsPressed()
    {
        using var culture = new CultureScope("en");
        Services.GetRequiredService<DisplayPreferences>().Initialize(new DisplaySettings("dark", SystemDark: false, ReadingPane: true));

        var cut = Render<MainLayout>(p => p.Add(x => x.Body, (Microsoft.AspNetCore.Components.RenderFragment)(b => b.AddContent(0, "page"))));

        Assert.Contains("app-theme-dark", cut.Find(".mud-layout").ClassList);
        var toggle = cut.Find(".theme-toggle");
        Assert.Equal("Dark theme", toggle.GetAttribute("aria-label"));
        Assert.Equal("true", toggle.GetAttribute("aria-pressed"));

        toggle.Click();

        cut.WaitForAssertion(() => Assert.Contains("app-theme-light", cut.Find(".mud-layout").ClassList));
        Assert.Equal("false", cut.Find(".theme-toggle").GetAttribute("aria-pressed"));
    }

    [Fact]
    public void TheLayoutFollowsTheSystemWhenItSwitches()
    {
        var cut = Render<MainLayout>(p => p.Add(x => x.Body, (Microsoft.AspNetCore.Components.RenderFragment)(b => b.AddContent(0, "page"))));
        Assert.Contains("app-theme-light", cut.Find(".mud-layout").ClassList);

        cut.InvokeAsync(() => cut.Instance.OnSystemDarkChanged(true));

        cut.WaitForAssertion(() => Assert.Contains("app-theme-dark", cut.Find(".mud-layout").ClassList));
    }

    [Fact]
    public void TheToggleSpeaksRussian()
    {
        using var culture = new CultureScope("ru");

        var cut = Render<ThemeToggle>();

        Assert.Equal("Тёмная тема", cut.Find("button").GetAttribute("aria-label"));
    }
}
