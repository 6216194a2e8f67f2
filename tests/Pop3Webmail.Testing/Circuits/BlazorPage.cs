using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Pop3Webmail.Testing.Circuits;

/// <summary>
/// A page as the server prerendered it, reduced to what starting a circuit needs: where it ended up (after
/// redirects), its <c>&lt;base href&gt;</c>, the interactive server component markers (<c>&lt;!--Blazor:{...}--&gt;</c>,
/// in document order), the persisted component state comment, and a &lt;title&gt; written outside any component
/// (which blazor.web.js hands to the first PageTitle).
/// </summary>
public sealed partial record BlazorPage(Uri Location, Uri BaseUri, IReadOnlyList<JsonObject> ServerComponentMarkers, string ApplicationState, string? StaticTitle)
{
    public static async Task<BlazorPage> LoadAsync(HttpClient http, Uri location, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(http);
        using var response = await http.GetAsync(location, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw new HttpRequestException($"GET {location} answered {(int)response.StatusCode} {response.ReasonPhrase}.");
        }

        var html = await response.Content.ReadAsStringAsync(cancellationToken);
        return Parse(response.RequestMessage?.RequestUri ?? location, html);
    }

    public static BlazorPage Parse(Uri location, string html)
    {
        ArgumentNullException.ThrowIfNull(location);
        ArgumentNullException.ThrowIfNull(html);
        var baseHref = BaseHref().Match(html);
        var baseUri = baseHref.Success ? new Uri(location, System.Net.WebUtility.HtmlDecode(baseHref.Groups["href"].Value)) : location;
        var markers = new List<JsonObject>();
        foreach (Match marker in ComponentMarker().Matches(html))
        {
            if (JsonNode.Parse(marker.Groups["json"].Value) is JsonObject payload && (string?)payload["type"] == "server")
            {
                markers.Add(payload);
            }
        }

        var state = ServerState().Match(html);
        var title = Title().Match(PrerenderedRegion().Replace(html, string.Empty));
        return new BlazorPage(
            location,
            baseUri,
            markers,
            state.Success ? state.Groups["state"].Value : string.Empty,
            title.Success ? System.Net.WebUtility.HtmlDecode(title.Groups["title"].Value) : null);
    }

    [GeneratedRegex("<base\\s+href=\"(?<href>[^\"]*)\"", RegexOptions.IgnoreCase)]
    private static partial Regex BaseHref();

    [GeneratedRegex("<!--Blazor:(?<json>\\{.*?\\})-->", RegexOptions.Singleline)]
    private static partial Regex ComponentMarker();

    [GeneratedRegex("<!--Blazor:\\{\"type\":\"server\",\"prerenderId\":\"(?<id>[^\"]+)\".*?<!--Blazor:\\{\"prerenderId\":\"\\k<id>\"\\}-->", RegexOptions.Singleline)]
    private static partial Regex PrerenderedRegion();

    [GeneratedRegex("<title>(?<title>.*?)</title>", RegexOptions.Singleline | RegexOptions.IgnoreCase)]
    private static partial Regex Title();

    [GeneratedRegex("<!--Blazor-Server-Component-State:(?<state>[A-Za-z0-9+/=]+)-->")]
    private static partial Regex ServerState();
}
