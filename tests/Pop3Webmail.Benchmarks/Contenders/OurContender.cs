using System.Diagnostics;
using Pop3Webmail.Pop3;

namespace Pop3Webmail.Benchmarks.Contenders;

/// <summary>Our client, used the way the inbox uses it.</summary>
internal static class OurContender
{
    public static Pop3ClientOptions Options(PopEndpoint endpoint, IReadOnlyCollection<Pop3AuthenticationMechanism>? mechanisms = null) => new()
    {
        Security = endpoint.Tls ? Pop3Security.Tls : Pop3Security.None,
        AllowPlaintextAuthentication = !endpoint.Tls,
        CertificateThumbprint = endpoint.CertificateSha256,
        AllowedMechanisms = mechanisms,
    };

    /// <summary>
    /// Connects and signs in with the automatic cascade, or with <paramref name="mechanisms"/> only (an operator's
    /// per-server setting): against this Dovecot the cascade picks CRAM-MD5, two round trips; PLAIN takes one.
    /// </summary>
    public static async Task<Pop3Client> SignInAsync(PopEndpoint endpoint, IReadOnlyCollection<Pop3AuthenticationMechanism>? mechanisms = null)
    {
        var client = new Pop3Client(Options(endpoint, mechanisms));
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

    /// <summary>
    /// Sign in, then the whole mailbox in one flight (CAPA, STAT, LIST, UIDL, and TOP n 0 for every message queued
    /// the moment STAT has answered), parsed into summaries; <paramref name="listed"/> is stopped there, then QUIT.
    /// </summary>
    public static async Task<int> ListAllSummariesAsync(PopEndpoint endpoint, Stopwatch? listed = null)
    {
        await using var client = await SignInAsync(endpoint);
        var listing = await client.ListMailboxAsync(int.MaxValue);
        listed?.Stop();
        await client.QuitAsync();
        return listing.NewestSummaries.Count;
    }

    /// <summary>Sign in and open the mailbox with the <paramref name="pageSize"/> newest summaries; the session stays open.</summary>
    public static async Task<Pop3Client> FirstPageAsync(PopEndpoint endpoint, int pageSize, IReadOnlyCollection<Pop3AuthenticationMechanism>? mechanisms = null)
    {
        var client = await SignInAsync(endpoint, mechanisms);
        try
        {
            var listing = await client.ListMailboxAsync(pageSize);
            return listing.NewestSummaries.Count == Math.Min(pageSize, listing.Statistics.MessageCount)
                ? client
                : throw new InvalidOperationException($"The first page held {listing.NewestSummaries.Count} summaries.");
        }
        catch
        {
            await client.DisposeAsync();
            throw;
        }
    }
}
