using System.Globalization;
using System.Text;
using Deque.AxeCore.Commons;
using Microsoft.Playwright;

namespace Pop3Webmail.EndToEnd.Tests.Support;

/// <summary>
/// axe-core (the copy Deque.AxeCore.Playwright ships) runs in the page with the WCAG 2.0, 2.1 and 2.2 A and AA rules
/// and the best practices. Every finding is kept for the report; serious and critical ones fail the test. The script
/// goes into a document once (the context must bypass the app's CSP, which rightly forbids injected script) and stays
/// for the whole single-page visit, which makes a run about a third of what re-injecting it each time costs. The mail
/// frame's content is the sender's, not the app's: axe checks the frame element (its title) but not inside it.
/// </summary>
internal sealed class AccessibilityAudit
{
    private const string Run = """
        options => axe.run(document, options).then(result => result.violations.map(v => ({
            id: v.id,
            impact: v.impact || 'unknown',
            help: v.help,
            nodes: v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(' | ')
        })))
        """;

    private static readonly string AxeScript = new BundledAxeScriptProvider().GetScript();

    private static readonly object Options = new
    {
        runOnly = new { type = "tag", values = new[] { "wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice" } },
        iframes = false,
        resultTypes = new[] { "violations" },
    };

    private readonly List<Finding> _findings = [];

    public int Runs { get; private set; }

    /// <summary>Serious and critical findings, one line each.</summary>
    public IReadOnlyList<string> Blocking => [.. _findings.Where(f => f.Impact is "serious" or "critical").Select(f => f.ToString())];

    public async Task CheckAsync(IPage page, string state)
    {
        ArgumentNullException.ThrowIfNull(page);
        if (!await page.EvaluateAsync<bool>("() => typeof window.axe === 'object'"))
        {
            await page.AddScriptTagAsync(new PageAddScriptTagOptions { Content = AxeScript });
        }

        var violations = await page.EvaluateAsync<Violation[]>(Run, Options);
        Runs++;
        _findings.AddRange(violations.Select(v => new Finding(state, v.Id, v.Impact, v.Help, v.Nodes)));
    }

    /// <summary>Every finding grouped by rule, for the notes (artifacts/accessibility/axe-report.md).</summary>
    public async Task WriteReportAsync(CancellationToken cancellationToken)
    {
        var directory = Path.Combine(Path.GetDirectoryName(Artifacts.ScreenshotDirectory)!, "accessibility");
        Directory.CreateDirectory(directory);
        var report = new StringBuilder();
        report.AppendLine(CultureInfo.InvariantCulture, $"# axe-core findings ({Runs} runs)");
        foreach (var rule in _findings.GroupBy(f => (f.Rule, f.Impact, f.Help)).OrderBy(g => g.Key.Rule, StringComparer.Ordinal))
        {
            report.AppendLine(CultureInfo.InvariantCulture, $"- {rule.Key.Rule} ({rule.Key.Impact}): {rule.Key.Help}");
            foreach (var finding in rule.DistinctBy(f => f.State))
            {
                report.AppendLine(CultureInfo.InvariantCulture, $"  - {finding.State}: {finding.Nodes}");
            }
        }

        await File.WriteAllTextAsync(Path.Combine(directory, "axe-report.md"), report.ToString(), cancellationToken);
    }

    /// <summary>One rule's violation as the page returns it (Playwright fills it property by property).</summary>
    private sealed class Violation
    {
        public string Id { get; set; } = string.Empty;

        public string Impact { get; set; } = string.Empty;

        public string Help { get; set; } = string.Empty;

        public string Nodes { get; set; } = string.Empty;
    }

    private sealed record Finding(string State, string Rule, string Impact, string Help, string Nodes)
    {
        public override string ToString() => $"{State}: {Rule} ({Impact}) {Help} — {Nodes}";
    }
}
