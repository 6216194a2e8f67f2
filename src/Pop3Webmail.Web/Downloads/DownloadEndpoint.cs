using Pop3Webmail.Web.Security;
using Pop3Webmail.Web.Session;

namespace Pop3Webmail.Web.Downloads;

/// <summary>
/// GET /download/{token}: streams an attachment or raw message over plain HTTP. Everything that is not exactly
/// right (unknown, used or expired token, another tab's token, signed out since) is a bare 404 that tells a
/// prober nothing.
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
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }

        try
        {
            if (!await ticket.Owner.WriteDownloadAsync(ticket, context.Response, context.RequestAborted))
            {
                context.Response.StatusCode = StatusCodes.Status404NotFound;
            }
        }
        catch (Exception ex) when (ex is MailboxException && !context.Response.HasStarted)
        {
            context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        }
    }
}
