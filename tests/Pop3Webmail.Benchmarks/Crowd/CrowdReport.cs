using System.Text;
using System.Text.Json;
using Pop3Webmail.Benchmarks.Reporting;
using Pop3Webmail.Benchmarks.Scenarios;

namespace Pop3Webmail.Benchmarks.Crowd;

/// <summary>
/// What a crowd run found: judged rows (as the scenarios' table has them) and facts — counts, budgets and the machine's
/// load average at each phase, since the machine is shared. Printed as markdown and written to artifacts/bench/crowd.json.
/// </summary>
internal sealed class CrowdReport
{
    private readonly List<string> _facts = [];

    public ResultReport Rows { get; } = new();

    /// <summary>Problems that make the run a failure (a visit lost, a session cut instead of QUIT).</summary>
    public List<string> Problems { get; } = [];

    /// <summary>Records a fact, with the load average at the moment it was taken.</summary>
    public void Fact(string text)
    {
        var line = $"{text} (load average {ScenarioRunner.LoadAverage()})";
        _facts.Add(line);
        Console.WriteLine("  " + line);
    }

    public void Problem(string text)
    {
        Problems.Add(text);
        Console.WriteLine("  PROBLEM: " + text);
    }

    public string ToMarkdown()
    {
        var text = new StringBuilder(Rows.ToMarkdown());
        text.AppendLine();
        foreach (var fact in _facts)
        {
            text.AppendLine("- " + fact);
        }

        foreach (var problem in Problems)
        {
            text.AppendLine("- **problem:** " + problem);
        }

        return text.ToString();
    }

    public async Task WriteJsonAsync(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await using var file = File.Create(path);
        await JsonSerializer.SerializeAsync(file, new { rows = Rows.Rows, facts = _facts, problems = Problems }, ResultReport.JsonOptions);
    }
}
