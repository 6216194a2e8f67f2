namespace Pop3Webmail.Testing;

/// <summary>Files of this repository (deploy/, docs/) as tests find them from their output folder.</summary>
public static class RepositoryFiles
{
    /// <summary>The repository's top folder: the nearest ancestor of the test's output folder holding Pop3Webmail.sln.</summary>
    public static string Root { get; } = FindRoot();

    /// <summary>The full path of <paramref name="relativePath"/> (forward slashes) under <see cref="Root"/>.</summary>
    public static string PathOf(string relativePath) => Path.Combine(Root, relativePath);

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Pop3Webmail.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No Pop3Webmail.sln above {AppContext.BaseDirectory}.");
    }
}
