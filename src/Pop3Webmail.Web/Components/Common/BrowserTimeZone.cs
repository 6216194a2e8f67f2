using Microsoft.JSInterop;

namespace Pop3Webmail.Web.Components.Common;

/// <summary>
/// The browser's time zone, asked once per circuit (the server's zone means nothing to a user elsewhere).
/// Until it is known, and if the browser names a zone this server does not have, dates show in UTC.
/// </summary>
public sealed class BrowserTimeZone(IJSRuntime js)
{
    private Task<TimeZoneInfo>? _lookup;

    public TimeZoneInfo Current => _lookup is { IsCompletedSuccessfully: true } done ? done.Result : TimeZoneInfo.Utc;

    public Task<TimeZoneInfo> EnsureAsync() => _lookup ??= LookupAsync();

    private async Task<TimeZoneInfo> LookupAsync()
    {
        try
        {
            var id = await js.InvokeAsync<string?>("pop3webmail.timeZone");
            return id is not null && TimeZoneInfo.TryFindSystemTimeZoneById(id, out var zone) ? zone : TimeZoneInfo.Utc;
        }
        catch (Exception ex) when (ex is JSException or JSDisconnectedException or TaskCanceledException)
        {
            return TimeZoneInfo.Utc;
        }
    }
}
