namespace Pop3Webmail.Pop3.Tests.Integration;

/// <summary>Records progress reports synchronously, in order (Progress&lt;T&gt; would post them asynchronously).</summary>
internal sealed class ProgressRecorder : IProgress<Pop3Progress>
{
    private readonly List<Pop3Progress> _reports = [];

    public IReadOnlyList<Pop3Progress> Reports => _reports;

    public void Report(Pop3Progress value) => _reports.Add(value);
}
