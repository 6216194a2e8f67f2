using Microsoft.AspNetCore.Components;

namespace Pop3Webmail.Web.Components.Mailbox;

/// <summary>
/// The mailbox page's place in the browser history. Opening a message from the list adds one entry (marked, so Back
/// from the message, the browser's or the page's, goes to the list where it was); moving from message to message
/// replaces that entry. A navigation takes a round trip through the browser: until the router arrives, the message
/// asked for is already the current one, so keys pressed meanwhile act on what the reader is about to see.
/// </summary>
internal sealed class MessageHistory(NavigationManager navigation)
{
    /// <summary>The history entry state of a message opened from the list.</summary>
    internal const string OpenedFromList = "opened-from-list";

    private string? _asked;
    private bool _fromList;

    /// <summary>The message asked for, else <paramref name="shown"/> (the one the address shows).</summary>
    public string? Current(string? shown) => _asked ?? shown;

    /// <summary>Shows <paramref name="key"/>: from the list as a new entry, from another message in that one's place.</summary>
    public void Show(string key, string? shown)
    {
        var fromList = Current(shown) is null;
        _fromList |= fromList;
        _asked = key;
        navigation.NavigateTo("message?id=" + Uri.EscapeDataString(key), new NavigationOptions
        {
            ReplaceHistoryEntry = !fromList,
            HistoryEntryState = _fromList ? OpenedFromList : null,
        });
    }

    /// <summary>
    /// The router arrived at <paramref name="shown"/>. False for a step on the way to a message asked for since (the
    /// page keeps acting on that one); true when the page is where it asked to be, or where Back or Forward took it.
    /// </summary>
    public bool Arrive(string? shown)
    {
        if (_asked is not null && _asked != shown)
        {
            return false;
        }

        _asked = null;
        _fromList = shown is not null && navigation.HistoryEntryState == OpenedFromList;
        return true;
    }

    /// <summary>
    /// Back to the list. True when the list is the entry before (the caller steps back there, which keeps the history
    /// clean); otherwise the list replaces the message here.
    /// </summary>
    public bool Close(string? shown)
    {
        if (Current(shown) is null)
        {
            return false;
        }

        _asked = null;
        if (_fromList)
        {
            _fromList = false;
            return true;
        }

        navigation.NavigateTo("inbox", replace: true);
        return false;
    }
}
