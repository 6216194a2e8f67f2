using System.Diagnostics;
using MailKit.Security;
using MimeKit;
using MimeKit.Utils;
using Pop3Webmail.Pop3;
using MailKitPop3Client = MailKit.Net.Pop3.Pop3Client;

namespace Pop3Webmail.Benchmarks.Contenders;

/// <summary>
/// MailKit 4.18.2 doing the same job with its public API: GetMessageSizes + GetMessageUids + GetMessageHeaders(0, n)
/// (which MailKit pipelines itself when the server says PIPELINING), then the same projection into summaries the
/// inbox needs. The async API is used because that is what a Blazor Server app would call.
/// </summary>
internal static class MailKitContender
{
    public static async Task<MailKitPop3Client> SignInAsync(PopEndpoint endpoint)
    {
        var client = new MailKitPop3Client { ServerCertificateValidationCallback = endpoint.IsPinnedCertificate };
        try
        {
            await client.ConnectAsync(endpoint.Host, endpoint.Port, endpoint.Tls ? SecureSocketOptions.SslOnConnect : SecureSocketOptions.None);
            await client.AuthenticateAsync(endpoint.User, endpoint.Password);
            return client;
        }
        catch
        {
            client.Dispose();
            throw;
        }
    }

    /// <summary>Sign in, every summary, <paramref name="listed"/> stopped there, then QUIT.</summary>
    public static async Task<int> ListAllSummariesAsync(PopEndpoint endpoint, Stopwatch? listed = null)
    {
        using var client = await SignInAsync(endpoint);
        var summaries = await ListAllSummariesAsync(client);
        listed?.Stop();
        await client.DisconnectAsync(quit: true);
        return summaries.Count;
    }

    /// <summary>
    /// What an inbox built on MailKit needs for its first page: every size and UID (to key the list), then the
    /// headers of the <paramref name="pageSize"/> newest messages. The session stays open.
    /// </summary>
    public static async Task<MailKitPop3Client> FirstPageAsync(PopEndpoint endpoint, int pageSize)
    {
        var client = await SignInAsync(endpoint);
        try
        {
            var sizes = await client.GetMessageSizesAsync();
            var uids = await client.GetMessageUidsAsync();
            var newest = Math.Min(pageSize, sizes.Count);
            var headers = newest == 0 ? [] : await client.GetMessageHeadersAsync(sizes.Count - newest, newest);
            for (var i = 0; i < headers.Count; i++)
            {
                var index = sizes.Count - newest + i;
                Project(headers[i], index + 1, sizes[index], uids[index]);
            }

            return client;
        }
        catch
        {
            client.Dispose();
            throw;
        }
    }

    public static async Task<List<Pop3MessageSummary>> ListAllSummariesAsync(MailKitPop3Client client)
    {
        var sizes = await client.GetMessageSizesAsync();
        var uids = await client.GetMessageUidsAsync();
        var headers = sizes.Count == 0 ? [] : await client.GetMessageHeadersAsync(0, sizes.Count);
        var summaries = new List<Pop3MessageSummary>(headers.Count);
        for (var i = 0; i < headers.Count; i++)
        {
            summaries.Add(Project(headers[i], i + 1, sizes[i], uids[i]));
        }

        return summaries;
    }

    /// <summary>The same fields our summary parser extracts, decoded with the same MimeKit helpers.</summary>
    public static Pop3MessageSummary Project(HeaderList headers, int number, long size, string uid)
    {
        var from = Addresses(headers, HeaderId.From);
        var to = Addresses(headers, HeaderId.To);
        var contentType = Raw(headers, HeaderId.ContentType);
        var date = Raw(headers, HeaderId.Date);
        return new Pop3MessageSummary
        {
            MessageNumber = number,
            Size = size,
            Uid = uid,
            From = Display(from),
            FromAddress = from?.Mailboxes.FirstOrDefault()?.Address ?? string.Empty,
            To = Display(to),
            Subject = headers[HeaderId.Subject]?.Trim() ?? string.Empty,
            Date = date is not null && DateUtils.TryParse(date, out var parsed) ? parsed : null,
            MessageId = headers[HeaderId.MessageId]?.Trim().Trim('<', '>'),
            HasAttachments = contentType is not null && ContentType.TryParse(contentType, out var type)
                && (type.IsMimeType("multipart", "mixed") || !type.MediaType.Equals("text", StringComparison.OrdinalIgnoreCase) && !type.MediaType.Equals("multipart", StringComparison.OrdinalIgnoreCase)),
            Importance = Importance(headers),
        };
    }

    private static byte[]? Raw(HeaderList headers, HeaderId id)
    {
        var index = headers.IndexOf(id);
        return index < 0 ? null : headers[index].RawValue;
    }

    private static InternetAddressList? Addresses(HeaderList headers, HeaderId id) =>
        Raw(headers, id) is { } raw && InternetAddressList.TryParse(raw, out var list) ? list : null;

    private static string Display(InternetAddressList? list) =>
        list is null ? string.Empty : string.Join(", ", list.Select(static a => string.IsNullOrWhiteSpace(a.Name) ? (a as MailboxAddress)?.Address ?? a.ToString() : a.Name));

    private static Pop3MessageImportance Importance(HeaderList headers)
    {
        var importance = headers[HeaderId.Importance]?.Trim();
        if (importance is not null)
        {
            if (importance.Equals("high", StringComparison.OrdinalIgnoreCase))
            {
                return Pop3MessageImportance.High;
            }

            if (importance.Equals("low", StringComparison.OrdinalIgnoreCase))
            {
                return Pop3MessageImportance.Low;
            }
        }

        return headers[HeaderId.XPriority]?.TrimStart() is { Length: > 0 } x
            ? x[0] switch
            {
                '1' or '2' => Pop3MessageImportance.High,
                '4' or '5' => Pop3MessageImportance.Low,
                _ => Pop3MessageImportance.Normal,
            }
            : Pop3MessageImportance.Normal;
    }
}
