using System.Collections.Concurrent;
using System.Security.Cryptography;
using Pop3Webmail.Web.Security;

namespace Pop3Webmail.Web.Session.TabResume;

/// <summary>
/// POST /session/tab?ticket=…&amp;tab=…: writes a tab's resume handle into the HttpOnly resume cookie. A circuit cannot
/// set cookies, so after sign-in the page sends a one-time ticket here; the handle itself never reaches script. Entries
/// whose visits have ended are dropped on every write, so the cookie only ever names live visits.
/// </summary>
internal static class ResumeEndpoint
{
    public static IEndpointRouteBuilder MapSessionResume(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost("/session/tab", Handle).ExcludeFromDescription();
        return endpoints;
    }

    private static IResult Handle(string? ticket, string? tab, HttpContext context, ResumeTickets tickets, MailboxSessionRegistry registry)
    {
        if (!ResumeCookie.IsValidTabId(tab) || tickets.Redeem(ticket) is not { } issued || !BrowserBinding.Matches(context, issued.BrowserKey))
        {
            return Results.NoContent();
        }

        var entries = ResumeCookie.Parse(context.Request.Cookies[ResumeCookie.Name]);
        foreach (var (knownTab, handle) in entries.ToArray())
        {
            if (registry.Lookup(handle, out _) != ResumeLookup.Found)
            {
                entries.Remove(knownTab);
            }
        }

        entries[tab!] = issued.Handle;
        context.Response.Cookies.Append(ResumeCookie.Name, ResumeCookie.Format(entries), new CookieOptions
        {
            HttpOnly = true,
            SameSite = SameSiteMode.Strict,
            Secure = context.Request.IsHttps,
            IsEssential = true,
            Path = context.Request.PathBase.HasValue ? context.Request.PathBase.Value : "/",

            // No expiry: a browser-session cookie, gone when the browser closes (kiosks keep nothing).
        });
        return Results.NoContent();
    }
}

/// <summary>One-time, short-lived tickets that let the page have a visit's resume handle written into its cookie.</summary>
public sealed class ResumeTickets(TimeProvider time)
{
    private static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(1);
    private readonly ConcurrentDictionary<string, Issued> _tickets = new(StringComparer.Ordinal);

    internal string Issue(string handle, string browserKey)
    {
        var now = time.GetUtcNow();
        foreach (var (key, old) in _tickets)
        {
            if (old.Expires <= now)
            {
                _tickets.TryRemove(key, out _);
            }
        }

        var ticket = System.Buffers.Text.Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));
        _tickets[ticket] = new Issued(handle, browserKey, now + Lifetime);
        return ticket;
    }

    internal Issued? Redeem(string? ticket) =>
        ticket is not null && _tickets.TryRemove(ticket, out var issued) && issued.Expires > time.GetUtcNow() ? issued : null;

    internal sealed record Issued(string Handle, string BrowserKey, DateTimeOffset Expires);
}
