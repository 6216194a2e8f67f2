using System.Text;

namespace Pop3Webmail.Web.Session.TabResume;

/// <summary>
/// The browser's resume cookie: for each open tab (by the random id the tab keeps in its session storage) the opaque
/// handle of the visit it showed. It is HttpOnly and SameSite=Strict, lives only as long as the browser session, holds
/// no credential, and a handle is worthless once its visit has ended.
/// </summary>
internal static class ResumeCookie
{
    public const string Name = "p3w-resume";

    /// <summary>More tabs than this in one browser are not remembered (the cookie must stay small).</summary>
    public const int MaxTabs = 24;

    public static bool IsValidTabId(string? tab) =>
        tab is { Length: >= 8 and <= 64 } && tab.All(static c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');

    public static bool IsValidHandle(string? handle) =>
        handle is { Length: >= 20 and <= 128 } && handle.All(static c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.');

    /// <summary>The tab → handle entries of a cookie value; anything malformed is skipped.</summary>
    public static Dictionary<string, string> Parse(string? value)
    {
        var entries = new Dictionary<string, string>(StringComparer.Ordinal);
        if (string.IsNullOrEmpty(value) || value.Length > 4096)
        {
            return entries;
        }

        foreach (var pair in value.Split('|', StringSplitOptions.RemoveEmptyEntries).Take(MaxTabs))
        {
            var separator = pair.IndexOf('~', StringComparison.Ordinal);
            if (separator > 0 && pair[..separator] is var tab && pair[(separator + 1)..] is var handle && IsValidTabId(tab) && IsValidHandle(handle))
            {
                entries[tab] = handle;
            }
        }

        return entries;
    }

    public static string Format(IReadOnlyDictionary<string, string> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        var builder = new StringBuilder();
        foreach (var (tab, handle) in entries.Take(MaxTabs))
        {
            if (builder.Length > 0)
            {
                builder.Append('|');
            }

            builder.Append(tab).Append('~').Append(handle);
        }

        return builder.ToString();
    }
}
