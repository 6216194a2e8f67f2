using System.Globalization;
using Pop3Webmail.Testing;
using YamlDotNet.RepresentationModel;

namespace Pop3Webmail.Web.Tests.Deployment;

/// <summary>One document of deploy/kubernetes, read with YamlDotNet, navigated by dotted paths ("spec.replicas", "ports[0].name").</summary>
internal sealed class KubernetesManifest(YamlMappingNode root)
{
    public static KubernetesManifest Load(string fileName)
    {
        using var reader = new StreamReader(RepositoryFiles.PathOf("deploy/kubernetes/" + fileName));
        var stream = new YamlStream();
        stream.Load(reader);
        return new KubernetesManifest((YamlMappingNode)Assert.Single(stream.Documents).RootNode);
    }

    public static IEnumerable<string> Files() =>
        Directory.EnumerateFiles(RepositoryFiles.PathOf("deploy/kubernetes"), "*.yaml").Select(Path.GetFileName).Order()!;

    public YamlNode Root => root;

    public string Text(string path) => ((YamlScalarNode)Node(path)).Value ?? string.Empty;

    public int Number(string path) => int.Parse(Text(path), NumberStyles.None, CultureInfo.InvariantCulture);

    public IReadOnlyList<KubernetesManifest> Items(string path) =>
        [.. ((YamlSequenceNode)Node(path)).Children.Select(c => new KubernetesManifest((YamlMappingNode)c))];

    public IReadOnlyDictionary<string, string> Map(string path) =>
        ((YamlMappingNode)Node(path)).Children.ToDictionary(p => ((YamlScalarNode)p.Key).Value!, p => ((YamlScalarNode)p.Value).Value ?? string.Empty);

    public bool Has(string path) => TryNode(path) is not null;

    public YamlNode Node(string path) => TryNode(path) ?? throw new KeyNotFoundException($"{path} is missing.");

    private YamlNode? TryNode(string path)
    {
        YamlNode? node = root;
        foreach (var segment in path.Split('.'))
        {
            var bracket = segment.IndexOf('[', StringComparison.Ordinal);
            var key = bracket < 0 ? segment : segment[..bracket];
            node = node is YamlMappingNode mapping && mapping.Children.TryGetValue(new YamlScalarNode(key), out var child) ? child : null;
            if (bracket >= 0 && node is YamlSequenceNode sequence)
            {
                var index = int.Parse(segment[(bracket + 1)..^1], CultureInfo.InvariantCulture);
                node = index < sequence.Children.Count ? sequence.Children[index] : null;
            }

            if (node is null)
            {
                return null;
            }
        }

        return node;
    }
}
