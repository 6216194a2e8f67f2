using Pop3Webmail.Testing.Circuits;

namespace Pop3Webmail.EndToEnd.Tests.Load.Circuits;

public sealed class BlazorPageTests
{
    private const string Html = """
        <!DOCTYPE html><html><head><base href="/mail/" /><title>Static &amp; plain</title>
        <!--Blazor:{"type":"server","prerenderId":"p1","key":{"locationHash":"A:16","formattedComponentKey":""},"sequence":0,"descriptor":"D0"}--><title>Inbox</title><!--Blazor:{"prerenderId":"p1"}-->
        </head><body>
        <!--Blazor:{"type":"server","prerenderId":"p2","key":{"locationHash":"B:19","formattedComponentKey":""},"sequence":1,"descriptor":"D1"}--><div>prerendered</div><!--Blazor:{"prerenderId":"p2"}-->
        <!--Blazor:{"type":"webassembly","assembly":"X","typeName":"Y"}-->
        <!--Blazor-Server-Component-State:c3RhdGU=-->
        </body></html>
        """;

    [Fact]
    public void APrerenderedPageYieldsItsServerMarkersBaseStateAndStaticTitle()
    {
        var page = BlazorPage.Parse(new Uri("http://127.0.0.1:5000/mail/login"), Html);

        Assert.Equal(new Uri("http://127.0.0.1:5000/mail/"), page.BaseUri);
        Assert.Equal(["D0", "D1"], page.ServerComponentMarkers.Select(marker => (string?)marker["descriptor"]));
        Assert.Equal("c3RhdGU=", page.ApplicationState);
        Assert.Equal("Static & plain", page.StaticTitle);
    }
}
