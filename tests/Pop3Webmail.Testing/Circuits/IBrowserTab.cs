using System.Text.RegularExpressions;

namespace Pop3Webmail.Testing.Circuits;

/// <summary>
/// What a scenario does with a browser tab, so one scenario can drive both a <see cref="CircuitClient"/> and a real
/// browser (the end-to-end tests wrap Playwright) and their observations can be compared. Texts are compared as
/// <see cref="VisibleText"/> gives them. Every wait is bounded by the tab's own timeout.
/// </summary>
public interface IBrowserTab
{
    Uri Location { get; }

    Task GotoAsync(Uri address, CancellationToken cancellationToken = default);

    /// <summary>Types into the first matching enabled field, replacing its value.</summary>
    Task FillAsync(string selector, string text, CancellationToken cancellationToken = default);

    /// <summary>Clicks the first matching enabled element.</summary>
    Task ClickAsync(string selector, CancellationToken cancellationToken = default);

    /// <summary>Scrolls the first match to <paramref name="top"/> CSS pixels from its top, clamped to its content as a browser clamps it.</summary>
    Task ScrollToAsync(string selector, double top, CancellationToken cancellationToken = default);

    Task WaitForAsync(string selector, CancellationToken cancellationToken = default);

    /// <summary>Waits until nothing matches <paramref name="selector"/>.</summary>
    Task WaitForAbsentAsync(string selector, CancellationToken cancellationToken = default);

    /// <summary>Waits until the first match's text matches <paramref name="pattern"/>; returns that text.</summary>
    Task<string> WaitForTextAsync(string selector, Regex pattern, CancellationToken cancellationToken = default);

    /// <summary>
    /// Waits until the page has settled: what it told the server (events, layout reports such as a virtualized
    /// list's) has been answered and rendered, so what it shows is not a moment between two renders.
    /// </summary>
    Task WaitForSettledAsync(CancellationToken cancellationToken = default);

    /// <summary>The texts of every match, in document order.</summary>
    Task<IReadOnlyList<string>> TextsAsync(string selector, CancellationToken cancellationToken = default);

    /// <summary>An attribute of every match, in document order (null where it is absent).</summary>
    Task<IReadOnlyList<string?>> AttributesAsync(string selector, string name, CancellationToken cancellationToken = default);
}
