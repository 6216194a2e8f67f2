namespace Pop3Webmail.Pop3.Tests;

public sealed class Pop3CommandQueueTests
{
    private static readonly IPop3ReplyHandler Handler = new NoHandler();

    [Fact]
    public void ARetryGoesBeforeEveryUnsentCommandAndRetriesKeepTheirOrder()
    {
        var queue = new Pop3CommandQueue();
        queue.Add(new Pop3Command("TOP", "1 0"), Handler, 1);
        queue.Add(new Pop3Command("TOP", "2 0"), Handler, 2);
        queue.Add(new Pop3Command("TOP", "3 0"), Handler, 3);
        queue.Sent = 2;

        queue.AddNext(new Pop3Command("RETR", "1"), Handler, 1);
        queue.AddNext(new Pop3Command("RETR", "2"), Handler, 2);

        Assert.Equal(["TOP 1 0", "TOP 2 0", "RETR 1", "RETR 2", "TOP 3 0"], Lines(queue));
    }

    [Fact]
    public void ReplacingTouchesOnlyCommandsNotYetWritten()
    {
        var queue = new Pop3CommandQueue();
        queue.Add(new Pop3Command("TOP", "1 0"), Handler, 1);
        queue.Add(new Pop3Command("TOP", "2 0"), Handler, 2);
        queue.Add(new Pop3Command("NOOP"), Handler);
        queue.Sent = 1;

        queue.ReplaceUnsent(e => e.Command.Verb == "TOP" ? e with { Command = new Pop3Command("RETR", e.Argument.ToString(System.Globalization.CultureInfo.InvariantCulture)) } : null);

        Assert.Equal(["TOP 1 0", "RETR 2", "NOOP"], Lines(queue));
    }

    private static string[] Lines(Pop3CommandQueue queue) => Enumerable.Range(0, queue.Count).Select(i => queue[i].Command.ToString()).ToArray();

    private sealed class NoHandler : IPop3ReplyHandler
    {
        public ValueTask OnReplyAsync(Pop3QueuedCommand entry, Pop3Response response, Pop3Operation operation) => ValueTask.CompletedTask;
    }
}
