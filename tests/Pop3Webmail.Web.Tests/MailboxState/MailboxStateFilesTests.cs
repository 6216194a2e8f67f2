using System.Runtime.Versioning;
using Pop3Webmail.Web.Configuration;
using Pop3Webmail.Web.MailboxState;

namespace Pop3Webmail.Web.Tests.MailboxState;

public sealed class MailboxStateFilesTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "p3w-state-files-" + Guid.NewGuid().ToString("N")[..10]);

    public void Dispose()
    {
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    [Fact]
    public void WithoutConfigurationTheFolderIsUnderTheLocalApplicationData()
    {
        var expected = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.DoNotVerify), "Pop3Webmail", "state");

        Assert.Equal(expected, MailboxStateFiles.ResolveDirectory(new MailStateOptions()));
    }

    [Fact]
    public void AConfiguredRelativeFolderIsMadeAbsolute() =>
        Assert.Equal(Path.GetFullPath("state-here"), MailboxStateFiles.ResolveDirectory(new MailStateOptions { DataDirectory = "state-here" }));

    [Fact]
    [UnsupportedOSPlatform("windows")]
    public void TheFolderIsCreatedOwnerOnlyAndAnExistingOneIsLeftAlone()
    {
        var created = Path.Combine(_root, "new", "state");
        MailboxStateFiles.EnsureDirectory(created);
        var existing = Directory.CreateDirectory(Path.Combine(_root, "admin-made")).FullName;
        File.SetUnixFileMode(existing, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute);

        MailboxStateFiles.EnsureDirectory(existing);

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(created));
        Assert.True(File.GetUnixFileMode(existing).HasFlag(UnixFileMode.GroupRead));
    }

    [Fact]
    [UnsupportedOSPlatform("windows")]
    public void TheSecretIsGeneratedOnceOwnerOnlyAndThenReused()
    {
        Directory.CreateDirectory(_root);

        var first = MailboxStateFiles.LoadOrCreateSecret(new MailStateOptions(), _root);
        var second = MailboxStateFiles.LoadOrCreateSecret(new MailStateOptions(), _root);

        Assert.Equal(MailboxIdentity.MinimumSecretLength, first.Length);
        Assert.Equal(first, second);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(_root, MailboxStateFiles.SecretFileName)));
        Assert.Single(Directory.GetFiles(_root));
    }

    [Fact]
    public async Task ProcessesCreatingTheSecretTogetherAgreeOnOne()
    {
        Directory.CreateDirectory(_root);

        var secrets = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => MailboxStateFiles.LoadOrCreateSecret(new MailStateOptions(), _root), TestContext.Current.CancellationToken)));

        Assert.All(secrets, s => Assert.Equal(secrets[0], s));
        Assert.Single(Directory.GetFiles(_root));
    }

    [Fact]
    public void ADamagedSecretFileIsReportedNotReplaced()
    {
        Directory.CreateDirectory(_root);
        var path = Path.Combine(_root, MailboxStateFiles.SecretFileName);
        File.WriteAllText(path, "c2hvcnQ=");

        var error = Assert.Throws<IOException>(() => MailboxStateFiles.LoadOrCreateSecret(new MailStateOptions(), _root));

        Assert.Contains(path, error.Message, StringComparison.Ordinal);
        Assert.Equal("c2hvcnQ=", File.ReadAllText(path));
    }

    [Fact]
    public void AConfiguredSecretWinsAndNoFileIsWritten()
    {
        Directory.CreateDirectory(_root);
        var configured = Enumerable.Range(0, 40).Select(i => (byte)i).ToArray();

        var secret = MailboxStateFiles.LoadOrCreateSecret(new MailStateOptions { InstallationSecret = Convert.ToBase64String(configured) }, _root);

        Assert.Equal(configured, secret);
        Assert.Empty(Directory.GetFiles(_root));
    }
}
