using System.Text;
using Pop3Webmail.Pop3.Tests.Scripting;

namespace Pop3Webmail.Pop3.Tests;

public sealed class Pop3BodyStreamTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [MemberData(nameof(ReplyShapes.All), MemberType = typeof(ReplyShapes))]
    public async Task RetrieveUnstuffsLeadingDots(ReplyShape shape)
    {
        // RFC 1939 §3: a line starting with "." is sent with the dot doubled; a lone "." ends the data.
        var script = Pop3Script.LoggedIn().Client("RETR 1\r\n")
            .Server("+OK 120 octets\r\nSubject: dots\r\n\r\n..leading dot\r\n...two dots\r\n..\r\nmiddle . dot\r\n.\r\n")
            .Client("NOOP\r\n").Server("+OK\r\n");
        await using var session = await ScriptedSession.StartLoggedInAsync(script, shape);

        var body = await ReadAllAsync(await session.Client.RetrieveAsync(1, Ct));
        await session.Client.NoopAsync(Ct);

        Assert.Equal(shape.Adapt("Subject: dots\r\n\r\n.leading dot\r\n..two dots\r\n.\r\nmiddle . dot\r\n"), body);
        session.AssertCompleted();
    }

    [Theory]
    [MemberData(nameof(ReplyShapes.All), MemberType = typeof(ReplyShapes))]
    public async Task RetrieveDropsTheDotOfASloppilyUnstuffedLine(ReplyShape shape)
    {
        // A server that forgot to stuff ".x" still has its first dot removed, as RFC 1939 §3 prescribes.
        var script = Pop3Script.LoggedIn().Client("RETR 1\r\n").Server("+OK\r\n.x sloppy\r\n.\r\n");
        await using var session = await ScriptedSession.StartLoggedInAsync(script, shape);

        var body = await ReadAllAsync(await session.Client.RetrieveAsync(1, Ct));

        Assert.Equal(shape.Adapt("x sloppy\r\n"), body);
        session.AssertCompleted();
    }

    [Theory]
    [MemberData(nameof(ReplyShapes.All), MemberType = typeof(ReplyShapes))]
    public async Task RetrieveOfAnEmptyMessageYieldsNoBytes(ReplyShape shape)
    {
        var script = Pop3Script.LoggedIn().Client("RETR 1\r\n").Server("+OK 0 octets\r\n.\r\n").Client("NOOP\r\n").Server("+OK\r\n");
        await using var session = await ScriptedSession.StartLoggedInAsync(script, shape);

        var stream = await session.Client.RetrieveAsync(1, Ct);
        var body = await ReadAllAsync(stream);
        await session.Client.NoopAsync(Ct);

        Assert.Empty(body);
        Assert.Equal(0, stream.Position);
        session.AssertCompleted();
    }

    [Theory]
    [MemberData(nameof(ReplyShapes.All), MemberType = typeof(ReplyShapes))]
    public async Task RetrieveAcceptsABareLfTerminatorAfterCrlfLines(ReplyShape shape)
    {
        var script = Pop3Script.LoggedIn().Client("RETR 1\r\n").Server("+OK\r\nline one\r\nline two\r\n.\n").Client("NOOP\r\n").Server("+OK\r\n");
        await using var session = await ScriptedSession.StartLoggedInAsync(script, shape);

        var body = await ReadAllAsync(await session.Client.RetrieveAsync(1, Ct));
        await session.Client.NoopAsync(Ct);

        Assert.Equal(shape.Adapt("line one\r\nline two\r\n"), body);
        session.AssertCompleted();
    }

    [Theory]
    [MemberData(nameof(ReplyShapes.All), MemberType = typeof(ReplyShapes))]
    public async Task RetrieveKeepsTheBareCrOfADotCrThatIsNotTheTerminator(ReplyShape shape)
    {
        // ".\r" followed by anything but LF is a stuffed line whose content starts with a bare CR.
        var script = Pop3Script.LoggedIn().Client("RETR 1\r\n").Server("+OK\r\n.\rX\r\n.\r.\r\n.\r\n").Client("NOOP\r\n").Server("+OK\r\n");
        await using var session = await ScriptedSession.StartLoggedInAsync(script, shape);

        var body = await ReadAllAsync(await session.Client.RetrieveAsync(1, Ct));
        await session.Client.NoopAsync(Ct);

        Assert.Equal(shape.Adapt("\rX\r\n\r.\r\n"), body);
        session.AssertCompleted();
    }

    [Theory]
    [MemberData(nameof(ReplyShapes.All), MemberType = typeof(ReplyShapes))]
    public async Task ADotThatDoesNotStartALineIsData(ReplyShape shape)
    {
        var script = Pop3Script.LoggedIn().Client("RETR 1\r\n").Server("+OK\r\nends with a dot.\r\n.\r\n");
        await using var session = await ScriptedSession.StartLoggedInAsync(script, shape);

        var body = await ReadAllAsync(await session.Client.RetrieveAsync(1, Ct));

        Assert.Equal(shape.Adapt("ends with a dot.\r\n"), body);
        session.AssertCompleted();
    }

    [Theory]
    [MemberData(nameof(ReplyShapes.All), MemberType = typeof(ReplyShapes))]
    public async Task ABodyThatEndsWithoutItsTerminatorLineIsAProtocolError(ReplyShape shape)
    {
        // "abc." has no line break before the dot: it is not a terminator, and then the server hangs up.
        var script = Pop3Script.LoggedIn().Client("RETR 1\r\n").Server("+OK\r\nabc.").Close();
        await using var session = await ScriptedSession.StartLoggedInAsync(script, shape);
        var stream = await session.Client.RetrieveAsync(1, Ct);

        await Assert.ThrowsAsync<Pop3ProtocolException>(() => ReadAllAsync(stream));

        Assert.False(session.Client.IsConnected);
        Assert.True(session.Stream.IsDisposed);
    }

    [Theory]
    [MemberData(nameof(ReplyShapes.All), MemberType = typeof(ReplyShapes))]
    public async Task TopReturnsTheHeadersAndTheRequestedBodyLines(ReplyShape shape)
    {
        var script = Pop3Script.LoggedIn().Client("TOP 1 2\r\n").Server("+OK\r\nSubject: hi\r\n\r\nfirst\r\n..second\r\n.\r\n");
        await using var session = await ScriptedSession.StartLoggedInAsync(script, shape);

        var body = await ReadAllAsync(await session.Client.TopAsync(1, 2, Ct));

        Assert.Equal(shape.Adapt("Subject: hi\r\n\r\nfirst\r\n.second\r\n"), body);
        session.AssertCompleted();
    }

    [Theory]
    [MemberData(nameof(ReplyShapes.All), MemberType = typeof(ReplyShapes))]
    public async Task RetrieveOfAMissingMessageIsACommandErrorAndTheConnectionStaysUsable(ReplyShape shape)
    {
        var script = Pop3Script.LoggedIn()
            .Client("RETR 9\r\n").Server("-ERR no such message\r\n")
            .Client("RETR 1\r\n").Server("+OK\r\nhello\r\n.\r\n");
        await using var session = await ScriptedSession.StartLoggedInAsync(script, shape);

        await Assert.ThrowsAsync<Pop3CommandException>(() => session.Client.RetrieveAsync(9, Ct));
        var body = await ReadAllAsync(await session.Client.RetrieveAsync(1, Ct));

        Assert.Equal(shape.Adapt("hello\r\n"), body);
        session.AssertCompleted();
    }

    [Theory]
    [MemberData(nameof(ReplyShapes.All), MemberType = typeof(ReplyShapes))]
    public async Task AHalfReadBodyDisposedEarlyIsDrainedByTheNextCommand(ReplyShape shape)
    {
        var lines = string.Concat(Enumerable.Range(0, 200).Select(static i => $".{i} stuffed line to be skipped\r\n"));
        var script = Pop3Script.LoggedIn()
            .Client("RETR 1\r\n").Server("+OK\r\n" + lines.Replace("\r\n.", "\r\n..", StringComparison.Ordinal).Insert(0, ".") + ".\r\n")
            .Client("NOOP\r\n").Server("+OK still in step\r\n");
        await using var session = await ScriptedSession.StartLoggedInAsync(script, shape);

        var stream = await session.Client.RetrieveAsync(1, Ct);
        var start = new byte[10];
        await stream.ReadExactlyAsync(start, Ct);
        await stream.DisposeAsync();
        await session.Client.NoopAsync(Ct);

        Assert.Equal(".0 stuffed", Encoding.ASCII.GetString(start));
        Assert.Throws<ObjectDisposedException>(() => stream.ReadByte());
        session.AssertCompleted();
    }

    [Theory]
    [MemberData(nameof(ReplyShapes.All), MemberType = typeof(ReplyShapes))]
    public async Task AnUnreadBodyIsSupersededByTheNextRetrieve(ReplyShape shape)
    {
        var script = Pop3Script.LoggedIn()
            .Client("RETR 1\r\n").Server("+OK\r\nfirst message\r\n.\r\n")
            .Client("RETR 2\r\n").Server("+OK\r\nsecond message\r\n.\r\n");
        await using var session = await ScriptedSession.StartLoggedInAsync(script, shape);

        var first = await session.Client.RetrieveAsync(1, Ct);
        var second = await session.Client.RetrieveAsync(2, Ct);

        await Assert.ThrowsAsync<ObjectDisposedException>(() => first.ReadExactlyAsync(new byte[16], Ct).AsTask());
        Assert.Equal(shape.Adapt("second message\r\n"), await ReadAllAsync(second));
        Assert.Equal(2, second.MessageNumber);
        session.AssertCompleted();
    }

    [Theory]
    [MemberData(nameof(ReplyShapes.All), MemberType = typeof(ReplyShapes))]
    public async Task TheBodyCanBeReadSynchronously(ReplyShape shape)
    {
        var script = Pop3Script.LoggedIn().Client("RETR 1\r\n").Server("+OK\r\n..a\r\nb\r\n.\r\n");
        await using var session = await ScriptedSession.StartLoggedInAsync(script, shape);
        var stream = await session.Client.RetrieveAsync(1, Ct);

        using var copy = new MemoryStream();
#pragma warning disable CA1849 // The synchronous Read path is what this test is about.
        stream.CopyTo(copy);
#pragma warning restore CA1849

        Assert.Equal(shape.Adapt(".a\r\nb\r\n"), Encoding.ASCII.GetString(copy.ToArray()));
        Assert.Equal(copy.Length, stream.Position);
        Assert.False(stream.CanSeek);
        Assert.False(stream.CanWrite);
        Assert.Throws<NotSupportedException>(() => stream.Length);
        session.AssertCompleted();
    }

    [Theory]
    [MemberData(nameof(ReplyShapes.Bulk), MemberType = typeof(ReplyShapes))]
    public async Task CopyingALargeBodyYieldsExactlyTheUnstuffedBytes(ReplyShape shape)
    {
        var (wire, expected) = LargeMessage(5 * 1024 * 1024, shape);
        var script = Pop3Script.LoggedIn().Client("RETR 1\r\n").Server([.. "+OK\r\n"u8, .. wire, .. ".\r\n"u8]).Client("NOOP\r\n").Server("+OK\r\n");
        await using var session = await ScriptedSession.StartLoggedInAsync(script, shape);

        using var copy = new MemoryStream();
        await using (var stream = await session.Client.RetrieveAsync(1, Ct))
        {
            await stream.CopyToAsync(copy, Ct);
        }

        await session.Client.NoopAsync(Ct);

        var actual = copy.ToArray();
        var mismatch = actual.AsSpan().CommonPrefixLength(expected);
        Assert.True(
            actual.Length == expected.Length && mismatch == expected.Length,
            $"Body differs at byte {mismatch}: {actual.Length} bytes read, {expected.Length} expected.");
        session.AssertCompleted();
    }

    /// <summary>
    /// A deterministic message of about <paramref name="size"/> bytes in which many lines start with dots,
    /// as it travels (dot-stuffed, in the shape's line endings) and as the reader must return it.
    /// </summary>
    private static (byte[] Wire, byte[] Expected) LargeMessage(int size, ReplyShape shape)
    {
        var random = new Random(42);
        var expected = new MemoryStream(size + 256);
        var wire = new MemoryStream(size + (size / 10));
        var newline = shape.UsesBareLf() ? "\n"u8.ToArray() : "\r\n"u8.ToArray();
        while (expected.Length < size)
        {
            var line = new byte[random.Next(0, 200)];
            random.NextBytes(line);
            for (var i = 0; i < line.Length; i++)
            {
                line[i] = (byte)(' ' + (line[i] % 95)); // printable ASCII: no CR or LF inside a line
            }

            var length = line.Length;

            if (length > 0 && random.Next(5) == 0)
            {
                line[0] = (byte)'.';
            }

            expected.Write(line);
            expected.Write(newline);
            if (length > 0 && line[0] == '.')
            {
                wire.WriteByte((byte)'.');
            }

            wire.Write(line);
            wire.Write(newline);
        }

        return (wire.ToArray(), expected.ToArray());
    }

    private static async Task<string> ReadAllAsync(Stream stream)
    {
        using var copy = new MemoryStream();
        var buffer = new byte[7];
        int read;
        while ((read = await stream.ReadAsync(buffer, Ct)) > 0)
        {
            copy.Write(buffer, 0, read);
        }

        return Encoding.Latin1.GetString(copy.ToArray());
    }
}
