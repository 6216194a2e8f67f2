using Pop3Webmail.Pop3;

namespace Pop3Webmail.Web.Session.Wire;

/// <summary>Connect and authenticate: the one login path of first sign-in and every reconnect.</summary>
internal static class MailboxLogin
{
    public static async Task<Pop3Client> ConnectAndAuthenticateAsync(IPop3Connector connector, MailboxCredentials credentials, CancellationToken cancellationToken)
    {
        var client = await connector.ConnectAsync(credentials.Server, cancellationToken);
        try
        {
            await client.AuthenticateAsync(credentials.UserName, credentials.Password, cancellationToken);
            return client;
        }
        catch (Exception ex) when (SignInErrors.IsLoginDelay(ex))
        {
            // RFC 2449 §6.5: the LOGIN-DELAY capability (read before login) says how long the wait is.
            var delay = client.Capabilities.LoginDelay is { } seconds ? TimeSpan.FromSeconds(seconds) : (TimeSpan?)null;
            await client.DisposeAsync();
            throw new LoginDelayException(delay, ex);
        }
        catch
        {
            // Disposal, not QUIT: the session never reached TRANSACTION, so there is nothing to commit.
            await client.DisposeAsync();
            throw;
        }
    }
}
