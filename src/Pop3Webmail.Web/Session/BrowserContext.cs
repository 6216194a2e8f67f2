namespace Pop3Webmail.Web.Session;

/// <summary>
/// Facts about the browser tab a circuit serves, captured from the page request (a circuit has no HttpContext of
/// its own): the tab's binding cookie value, which download links are tied to, and the client address that
/// sign-in rate limits count against.
/// </summary>
public sealed class BrowserContext
{
    public string BrowserKey { get; set; } = string.Empty;

    public string ClientAddress { get; set; } = "unknown";
}
