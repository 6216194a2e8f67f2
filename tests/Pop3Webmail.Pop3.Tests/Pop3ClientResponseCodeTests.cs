using Pop3Webmail.Pop3.Tests.Scripting;

namespace Pop3Webmail.Pop3.Tests;

public sealed class Pop3ClientResponseCodeTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static TheoryData<string, Pop3ResponseCodeKind, ReplyShape> Codes { get; } = CodesByShape();

    public static TheoryData<string, ReplyShape> BracketsThatAreNotCodes { get; } = ReplyShapes.Cross(
        "[no such message] gone",
        "[] empty",
        "[UNTERMINATED text",
        "[" + new string('X', 80) + "] too long to be a code");

    [Theory]
    [MemberData(nameof(Codes))]
    public async Task EveryResponseCodeKindReachesTheCommandExceptionAndTheConnectionStaysUsable(string code, Pop3ResponseCodeKind kind, ReplyShape shape)
    {
        // RFC 2449 §8 codes are case-insensitive and hierarchical; unknown ones are kept, not dropped.
        var script = Pop3Script.LoggedIn()
            .Client("DELE 7\r\n").Server($"-ERR [{code}] refused for a reason\r\n")
            .Client("NOOP\r\n").Server("+OK\r\n");
        await using var session = await ScriptedSession.StartLoggedInAsync(script, shape);

        var error = await Assert.ThrowsAsync<Pop3CommandException>(() => session.Client.DeleteAsync(7, Ct));
        await session.Client.NoopAsync(Ct);

        Assert.IsNotType<Pop3AuthenticationException>(error);
        Assert.Equal(kind, error.ResponseCode.Kind);
        Assert.Equal(code.ToUpperInvariant(), error.ResponseCode.Value);
        Assert.Equal("refused for a reason", error.ServerText);
        Assert.Contains($"[{code.ToUpperInvariant()}]", error.Message, StringComparison.Ordinal);
        Assert.True(session.Client.IsConnected);
        session.AssertCompleted();
    }

    [Theory]
    [MemberData(nameof(BracketsThatAreNotCodes))]
    public async Task BracketedTextThatIsNotAResponseCodeStaysInTheServerText(string text, ReplyShape shape)
    {
        var script = Pop3Script.LoggedIn().Client("DELE 7\r\n").Server($"-ERR {text}\r\n");
        await using var session = await ScriptedSession.StartLoggedInAsync(script, shape);

        var error = await Assert.ThrowsAsync<Pop3CommandException>(() => session.Client.DeleteAsync(7, Ct));

        Assert.True(error.ResponseCode.IsNone);
        Assert.Equal(text, error.ServerText);
        session.AssertCompleted();
    }

    [Theory]
    [MemberData(nameof(ReplyShapes.All), MemberType = typeof(ReplyShapes))]
    public async Task ControlCharactersInServerTextAreNeutralised(ReplyShape shape)
    {
        // Server text ends up in logs and on screen: no terminal escapes, no NULs.
        var script = Pop3Script.LoggedIn().Client("DELE 7\r\n").Server("-ERR bad\u001b[31m\0thing\u007f\r\n");
        await using var session = await ScriptedSession.StartLoggedInAsync(script, shape);

        var error = await Assert.ThrowsAsync<Pop3CommandException>(() => session.Client.DeleteAsync(7, Ct));

        Assert.Equal("bad [31m thing ", error.ServerText);
        session.AssertCompleted();
    }

    private static TheoryData<string, Pop3ResponseCodeKind, ReplyShape> CodesByShape()
    {
        (string Code, Pop3ResponseCodeKind Kind)[] codes =
        [
            ("IN-USE", Pop3ResponseCodeKind.InUse),
            ("LOGIN-DELAY", Pop3ResponseCodeKind.LoginDelay),
            ("SYS/TEMP", Pop3ResponseCodeKind.SysTemp),
            ("SYS/PERM", Pop3ResponseCodeKind.SysPerm),
            ("AUTH", Pop3ResponseCodeKind.Auth),
            ("UTF8", Pop3ResponseCodeKind.Utf8),
            ("sys/temp/disk-full", Pop3ResponseCodeKind.SysTemp),
            ("X-VENDOR/QUOTA/EXCEEDED", Pop3ResponseCodeKind.Unknown),
        ];
        var data = new TheoryData<string, Pop3ResponseCodeKind, ReplyShape>();
        foreach (var (code, kind) in codes)
        {
            foreach (var shape in Enum.GetValues<ReplyShape>())
            {
                data.Add(code, kind, shape);
            }
        }

        return data;
    }
}
