using System.Globalization;
using Pop3Webmail.DemoServer;

namespace Pop3Webmail.EndToEnd.Tests.Support;

/// <summary>
/// The webmail in front of the in-process demo POP3 server, with the shipped sample mailbox (HTML, attachments,
/// Cyrillic, hostile mail) and an empty one. Its fault injection reaches states a real server shows only by
/// accident: a connection held in the middle of a login, a server that hangs up at once.
/// </summary>
internal sealed class DemoWebmail : IAsyncDisposable
{
    public const string SampleUser = DemoPop3Server.DemoUserName;
    public const string SamplePassword = DemoPop3Server.DemoPassword;
    public const string EmptyUser = "empty";
    public const string EmptyPassword = "empty-password";

    private DemoWebmail(DemoPop3Server server, WebmailApp app)
    {
        Server = server;
        App = app;
    }

    public DemoPop3Server Server { get; }

    public WebmailApp App { get; }

    public static DemoWebmail Start()
    {
        var server = DemoPop3Server.Start(new DemoPop3ServerOptions
        {
            Accounts =
            [
                new DemoPop3Account(SampleUser, SamplePassword, DemoMailbox.Sample),
                new DemoPop3Account(EmptyUser, EmptyPassword, new DemoMailbox([])),
            ],
        });
        try
        {
            var app = WebmailApp.Start(
            [
                new("Mail:Servers:0:Name", "Demo"),
                new("Mail:Servers:0:Host", server.Host),
                new("Mail:Servers:0:Port", server.Port.ToString(CultureInfo.InvariantCulture)),
                new("Mail:Servers:0:Security", "None"),
                new("Mail:Servers:0:AllowPlaintextAuthentication", "true"),

                // The walks sign the same users in and out many times from 127.0.0.1.
                new("Mail:RateLimits:AttemptsPerUser", "1000"),
                new("Mail:RateLimits:AttemptsPerClient", "1000"),
            ]);
            return new DemoWebmail(server, app);
        }
        catch
        {
            server.DisposeAsync().AsTask().GetAwaiter().GetResult();
            throw;
        }
    }

    /// <summary>Holds every login (USER/PASS and SASL) until the returned gates are opened, or <see cref="DemoPop3Faults.Clear"/>.</summary>
    public void HoldLogins()
    {
        Server.Faults.HoldReplies("USER");
        Server.Faults.HoldReplies("AUTH");
    }

    public async ValueTask DisposeAsync()
    {
        // The app first: stopping it QUITs its sessions while the server still listens.
        await App.DisposeAsync();
        await Server.DisposeAsync();
    }
}
