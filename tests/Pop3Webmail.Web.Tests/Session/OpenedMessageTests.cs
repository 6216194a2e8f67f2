using System.Text;
using MimeKit;
using Pop3Webmail.Web.Session;

namespace Pop3Webmail.Web.Tests.Session;

/// <summary>One owner for an opened message: holds keep it alive, reads take turns, freed content stays freed.</summary>
public sealed class OpenedMessageTests
{
    [Fact]
    public async Task AHoldKeepsTheMessageAndItsSpoolFileUntilTheLastHolderLetsGo()
    {
        var spool = MessageSpoolFile();
        var content = new OpenedMessageContent("u:a", new InboxItem("u:a", 10), Parse(), spool);
        var page = content.TryHold()!;
        var download = content.TryHold()!;

        content.Dispose(); // the cache moves on to another message
        Assert.Equal("Hello", page.Read(m => m.Subject));
        page.Dispose();
        Assert.True(File.Exists(spool.Name));
        Assert.Equal("Hello", await download.ReadAsync((m, _) => Task.FromResult(m.Subject), TestContext.Current.CancellationToken));

        download.Dispose();
        Assert.True(content.IsReleased);
        Assert.False(File.Exists(spool.Name));
    }

    [Fact]
    public async Task AHoldLetGoWhileItsReadRunsLetsTheReadFinishAndThenFreesTheContent()
    {
        var spool = MessageSpoolFile();
        var content = new OpenedMessageContent("u:a", new InboxItem("u:a", 10), Parse(), spool);
        var view = content.TryHold()!;
        content.Dispose(); // the cache moved on: the view's hold is the last one
        var inside = new TaskCompletionSource();
        var finish = new TaskCompletionSource();

        var reading = view.ReadAsync(async (m, _) =>
        {
            inside.SetResult();
            await finish.Task;
            return m.Subject;
        }, TestContext.Current.CancellationToken);
        await inside.Task;
        view.Dispose(); // the view moved on to another message
        Assert.False(content.IsReleased);
        finish.SetResult();

        Assert.Equal("Hello", await reading);
        Assert.True(content.IsReleased);
        Assert.False(File.Exists(spool.Name));
    }

    [Fact]
    public void FreedContentCannotBeHeldAgain()
    {
        var content = new OpenedMessageContent("u:a", new InboxItem("u:a", 10), Parse(), spool: null);

        content.Dispose();

        Assert.Null(content.TryHold());
    }

    [Fact]
    public void AHoldGivenBackTwiceCountsOnce()
    {
        var content = new OpenedMessageContent("u:a", new InboxItem("u:a", 10), Parse(), spool: null);
        var hold = content.TryHold()!;

        hold.Dispose();
        hold.Dispose();

        Assert.False(content.IsReleased);
        Assert.Throws<ObjectDisposedException>(() => hold.Read(m => m.Subject));
    }

    [Fact]
    public async Task ReadsTakeTurns()
    {
        using var content = new OpenedMessageContent("u:a", new InboxItem("u:a", 10), Parse(), spool: null);
        using var first = content.TryHold()!;
        using var second = content.TryHold()!;
        var firstInside = new TaskCompletionSource();
        var releaseFirst = new TaskCompletionSource();

        var reading = first.ReadAsync(async (m, _) =>
        {
            firstInside.SetResult();
            await releaseFirst.Task;
            return m.Subject;
        }, TestContext.Current.CancellationToken);
        await firstInside.Task;
        var waiting = second.ReadAsync((m, _) => Task.FromResult(m.Subject), TestContext.Current.CancellationToken);

        Assert.False(waiting.IsCompleted);
        releaseFirst.SetResult();
        Assert.Equal("Hello", await reading);
        Assert.Equal("Hello", await waiting);
    }

    private static MimeMessage Parse() =>
        MimeMessage.Load(new MemoryStream(Encoding.ASCII.GetBytes("Subject: Hello\r\nFrom: a@example.test\r\n\r\nBody\r\n")));

    private static FileStream MessageSpoolFile()
    {
        var path = Path.Combine(Path.GetTempPath(), "p3w-test-" + Guid.NewGuid().ToString("N"));
        return new FileStream(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 4096, FileOptions.DeleteOnClose);
    }
}
