namespace Pop3Webmail.EndToEnd.Tests.Support;

/// <summary>Where test artifacts go: the repository's artifacts/ folder (git-ignored), found from the test binary.</summary>
internal static class Artifacts
{
    public static string ScreenshotDirectory { get; } = Path.Combine(RepositoryRoot(), "artifacts", "screenshots");

    public static string ScreenshotPath(string name) => Path.Combine(ScreenshotDirectory, name + ".png");

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Pop3Webmail.sln")))
            {
                return directory.FullName;
            }
        }

        // Run from a copied test binary: keep the screenshots beside it.
        return AppContext.BaseDirectory;
    }
}
