using Pop3Webmail.Pop3;

namespace Pop3Webmail.DemoServer.Tests.TestSupport;

/// <summary>Our own <see cref="Pop3Client"/> set up the way the web app talks to the demo server: plaintext on loopback.</summary>
internal static class DemoClient
{
    public static Pop3ClientOptions Options { get; } = new()
    {
        Security = Pop3Security.None,
        AllowPlaintextAuthentication = true,
        ConnectTimeout = TimeSpan.FromSeconds(10),
        IoTimeout = TimeSpan.FromSeconds(15),
    };

    public static async Task<Pop3Client> ConnectAsync(DemoPop3Server server)
    {
        var client = new Pop3Client(Options);
        try
        {
            await client.ConnectAsync(server.Host, server.Port, TestContext.Current.CancellationToken);
            return client;
        }
        catch
        {
            await client.DisposeAsync();
            throw;
        }
    }

    public static async Task<Pop3Client> LoginAsync(DemoPop3Server server, string userName = DemoPop3Server.DemoUserName, string password = DemoPop3Server.DemoPassword)
    {
        var client = await ConnectAsync(server);
        try
        {
            await client.AuthenticateAsync(userName, password, TestContext.Current.CancellationToken);
            return client;
        }
        catch
        {
            await client.DisposeAsync();
            throw;
        }
    }

    public static async Task<byte[]> ReadAllAsync(Stream body)
    {
        using var copy = new MemoryStream();
        await body.CopyToAsync(copy, TestContext.Current.CancellationToken);
        return copy.ToArray();
    }
}
