using Pop3Webmail.Pop3;

namespace Pop3Webmail.Benchmarks.Contenders;

/// <summary>Our client, used the way the inbox uses it.</summary>
internal static class OurContender
{
    public static Pop3ClientOptions Options(PopEndpoint endpoint) => new()
    {
        Security = endpoint.Tls ? Pop3Security.Tls : Pop3Security.None,
        AllowPlaintextAuthentication = !endpoint.Tls,
        CertificateThumbprint = endpoint.CertificateSha256,
    };

    public static async Task<Pop3Client> SignInAsync(PopEndpoint endpoint)
    {
        var client = new Pop3Client(Options(endpoint));
        try
        {
            await client.ConnectAsync(endpoint.Host, endpoint.Port);
            await client.AuthenticateAsync(endpoint.User, endpoint.Password);
            return client;
        }
        catch
        {
            await client.DisposeAsync();
            throw;
        }
    }

    /// <summary>Sign in, LIST, UIDL, pipelined TOP n 0 for every message, parsed into summaries, QUIT.</summary>
    public static async Task<int> ListAllSummariesAsync(PopEndpoint endpoint)
    {
        await using var client = await SignInAsync(endpoint);
        var sizes = await client.ListAsync();
        var summaries = sizes.Count == 0 ? [] : await client.GetMessageSummariesAsync(1, sizes.Count);
        await client.QuitAsync();
        return summaries.Count;
    }
}
