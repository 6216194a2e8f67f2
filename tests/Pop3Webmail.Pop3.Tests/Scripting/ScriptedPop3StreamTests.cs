using System.Text;

namespace Pop3Webmail.Pop3.Tests.Scripting;

/// <summary>The harness must catch the client's mistakes, or every scripted test could pass by accident.</summary>
public sealed class ScriptedPop3StreamTests
{
    [Fact]
    public void AWrongCommandFailsNamingExpectedAndActualBytes()
    {
        using var stream = new ScriptedPop3Stream(new Pop3Script().Client("USER bob\r\n"), ReplyShape.WholeCrlf);

        var error = Assert.Throws<ScriptMismatchException>(() => stream.Write("USER eve\r\n"u8));

        Assert.Contains("\"USER bob\\r\\n\"", error.Message, StringComparison.Ordinal);
        Assert.Contains("\"USER eve\\r\\n\"", error.Message, StringComparison.Ordinal);
        Assert.Throws<Xunit.Sdk.FailException>(stream.AssertCompleted);
    }

    [Fact]
    public void ACommandSplitAcrossWritesFails()
    {
        using var stream = new ScriptedPop3Stream(new Pop3Script().Client("STAT\r\n"), ReplyShape.WholeCrlf);

        var error = Assert.Throws<ScriptMismatchException>(() => stream.Write("ST"u8));

        Assert.Contains("split", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ACommandSentBeforeThePreviousReplyWasReadFailsUnlessPipeliningIsAllowed()
    {
        var script = new Pop3Script().Client("DELE 1\r\n").Server("+OK\r\n").Client("DELE 2\r\n").Server("+OK\r\n");
        using var strict = new ScriptedPop3Stream(script, ReplyShape.WholeCrlf);
        using var pipelined = new ScriptedPop3Stream(script, ReplyShape.WholeCrlf) { AllowPipelining = true };

        Assert.Throws<ScriptMismatchException>(() => strict.Write("DELE 1\r\nDELE 2\r\n"u8));
        pipelined.Write("DELE 1\r\nDELE 2\r\n"u8);

        Assert.Equal(2, pipelined.MaxOutstandingCommands);
        Assert.Equal(16, pipelined.MaxOutstandingBytes);
        Assert.Equal(2, pipelined.MaxCommandsPerWrite);
        Assert.Equal("+OK\r\n+OK\r\n", ReadText(pipelined, 10));
        pipelined.AssertCompleted();
    }

    [Fact]
    public void ReadingWhileTheScriptWaitsForACommandFails()
    {
        using var stream = new ScriptedPop3Stream(new Pop3Script().Server("+OK\r\n").Client("CAPA\r\n").Server("+OK\r\n.\r\n"), ReplyShape.WholeCrlf);
        Assert.Equal("+OK\r\n", ReadText(stream, 5));

        var error = Assert.Throws<ScriptMismatchException>(() => stream.ReadByte());

        Assert.Contains("\"CAPA\\r\\n\"", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AssertCompletedReportsUnsentCommandsAndUnreadReplies()
    {
        using var unsent = new ScriptedPop3Stream(new Pop3Script().Server("+OK\r\n").Client("QUIT\r\n"), ReplyShape.WholeCrlf);
        using var unread = new ScriptedPop3Stream(new Pop3Script().Server("+OK hello\r\n"), ReplyShape.OneByteCrlf);
        ReadText(unsent, 5);
        unread.ReadByte();

        Assert.Contains("QUIT", Assert.Throws<Xunit.Sdk.FailException>(unsent.AssertCompleted).Message, StringComparison.Ordinal);
        Assert.Contains("OK hello", Assert.Throws<Xunit.Sdk.FailException>(unread.AssertCompleted).Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(ReplyShape.OneByteCrlf, "+OK a\r\n.\r\n")]
    [InlineData(ReplyShape.OneByteLf, "+OK a\n.\n")]
    [InlineData(ReplyShape.WholeLf, "+OK a\n.\n")]
    public void ShapesChunkAndConvertLineEndings(ReplyShape shape, string expected)
    {
        using var stream = new ScriptedPop3Stream(new Pop3Script().Server("+OK a\r\n").Server(".\r\n").Close(), shape);
        var buffer = new byte[64];

        var first = stream.Read(buffer);

        Assert.Equal(shape is ReplyShape.WholeLf ? expected.Length : 1, first);
        Assert.Equal(expected, Encoding.ASCII.GetString(buffer, 0, first) + ReadText(stream, expected.Length - first));
        Assert.Equal(0, stream.Read(buffer));
    }

    [Fact]
    public void TheServerCutEndsTheStreamEarly()
    {
        using var stream = new ScriptedPop3Stream(new Pop3Script().Server("+OK ready\r\n"), ReplyShape.WholeCrlf) { ServerCutAt = 3 };

        Assert.Equal("+OK", ReadText(stream, 3));
        Assert.Equal(0, stream.Read(new byte[8]));
    }

    [Fact]
    public async Task AHangingReadEndsOnlyByCancellationOrDisposal()
    {
        var stream = new ScriptedPop3Stream(new Pop3Script().Hang(), ReplyShape.WholeCrlf);
        using var cancel = new CancellationTokenSource();

        var canceled = stream.ReadAsync(new byte[1], cancel.Token).AsTask();
        await stream.ReadBlocked;
        Assert.False(canceled.IsCompleted);
        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => canceled);

        var disposed = stream.ReadAsync(new byte[1], TestContext.Current.CancellationToken).AsTask();
        await stream.DisposeAsync();
        await Assert.ThrowsAsync<ObjectDisposedException>(() => disposed);
    }

    [Fact]
    public void AWriteCostsAFlightOnlyWhenEveryReplyHadBeenRead()
    {
        var script = new Pop3Script().Server("+OK hi\r\n")
            .Client("STAT\r\n").Server("+OK 1 10\r\n")
            .Client("LIST\r\n").Server("+OK\r\n1 10\r\n.\r\n")
            .Client("NOOP\r\n").Server("+OK\r\n");
        using var stream = new ScriptedPop3Stream(script, ReplyShape.WholeCrlf) { AllowPipelining = true };
        Assert.Equal(1, stream.Flights); // Waiting for the greeting.
        ReadText(stream, 8);

        stream.Write("STAT\r\nLIST\r\n"u8);
        ReadText(stream, 4);
        stream.Write("NOOP\r\n"u8);

        Assert.Equal(2, stream.Flights); // NOOP went out while replies were still unread: no round trip of its own.
        Assert.Equal(8, stream.ServedWhenWritten("LIST"));
        Assert.Equal(12, stream.ServedWhenWritten("NOOP"));
    }

    /// <summary>Reads exactly <paramref name="length"/> bytes, however the shape chunks them.</summary>
    private static string ReadText(ScriptedPop3Stream stream, int length)
    {
        var buffer = new byte[length];
        stream.ReadExactly(buffer);
        return Encoding.ASCII.GetString(buffer);
    }
}
