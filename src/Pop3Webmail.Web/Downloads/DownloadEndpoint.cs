using Pop3Webmail.Web.Security;
using Pop3Webmail.Web.Session;

namespace Pop3Webmail.Web.Downloads;

/// <summary>
/// GET /download/{token}: streams an attachment or raw message over plain HTTP. A download is started from the page
/// without leaving it, so a failure must not replace the page either: anything that is not exactly right (unknown,
/// used or expired token, another browser's token, the message gone, the server unreachable) is answered
/// 204 No Content, which a browser never navigates to, and tells a prober nothing. When the token was good, the
/// visit that issued it is told, and the page shows the error.
/// </summary>
internal static class DownloadEndpoint
{
    public static IEndpointRouteBuilder MapDownloads(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/download/{token}", HandleAsync).ExcludeFromDescription();
        return endpoints;
    }

    private static async Task HandleAsync(string token, HttpContext context, DownloadTokenStore store)
    {
        var ticket = store.Redeem(token);
        if (ticket is null || !BrowserBinding.Matches(context, ticket.BrowserKey))
        {
            context.Response.StatusCode = StatusCodes.Status204NoContent;
            return;
        }

        DownloadContent? content;
        try
        {
            content = await ticket.Owner.OpenDownloadAsync(ticket.Target, context.RequestAborted);
        }
        catch (MailboxException)
        {
            content = null;
        }

        if (content is null)
        {
            ticket.Owner.ReportDownloadFailed();
            context.Response.StatusCode = StatusCodes.Status204NoContent;
            return;
        }

        await using (content)
        {
            if (content.Inline)
            {
                DownloadResponse.BeginInline(context.Response, content.ContentType, content.FileName);
            }
            else
            {
                DownloadResponse.Begin(context.Response, content.ContentType, content.FileName);
            }

            try
            {
                await content.WriteToAsync(context.Response.Body, context.RequestAborted);
            }
            catch (MailboxException)
            {
                // Broken in the middle: the bytes already sent cannot be taken back, so the download is cut off (the
                // browser marks it failed) and the page says so.
                ticket.Owner.ReportDownloadFailed();
                context.Abort();
            }
        }
    }
}
