using System.Text;

namespace Pop3Webmail.Pop3.Tests.Scripting;

/// <summary>
/// A POP3 transcript from the server's side: what the server sends, what the client must write, and how the
/// server ends (closes or stops answering). A server step becomes readable only after every client step before
/// it has been written, exactly as a real server can answer a command only after receiving it.
/// </summary>
public sealed class Pop3Script
{
    /// <summary>The account every canned login uses.</summary>
    public const string UserName = "bob";

    public const string Password = "secret";

    /// <summary>The CAPA reply of <see cref="LoggedIn"/> before login: USER/PASS only.</summary>
    public const string DefaultCapa = "+OK Capability list follows\r\nUSER\r\nTOP\r\nUIDL\r\nRESP-CODES\r\n.\r\n";

    private readonly List<ScriptStep> _steps = [];

    internal IReadOnlyList<ScriptStep> Steps => _steps;

    /// <summary>A script that starts with a greeting and the client's CAPA.</summary>
    public static Pop3Script Greeting(string greeting = "+OK POP3 server ready\r\n", string capa = DefaultCapa) =>
        new Pop3Script().Server(greeting).Client("CAPA\r\n").Server(capa);

    /// <summary>
    /// Greeting, CAPA, USER/PASS for <see cref="UserName"/> / <see cref="Password"/> and the post-login CAPA
    /// (RFC 2449 §5). Pair it with <see cref="ScriptedSession.StartLoggedInAsync"/>.
    /// </summary>
    public static Pop3Script LoggedIn(string capaAfterLogin = "+OK\r\nTOP\r\nUIDL\r\nRESP-CODES\r\n.\r\n") =>
        Greeting()
            .Client($"USER {UserName}\r\n").Server("+OK\r\n")
            .Client($"PASS {Password}\r\n").Server("+OK maildrop locked and ready\r\n")
            .Client("CAPA\r\n").Server(capaAfterLogin);

    /// <summary>
    /// The client's STAT and the server's "+OK count size": the client asks before a LIST or UIDL listing when it
    /// does not yet know the message count, which bounds the listing.
    /// </summary>
    public Pop3Script Stat(int count, long size = 0) =>
        Client("STAT\r\n").Server(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"+OK {count} {size}\r\n"));

    /// <summary>Bytes the server sends; "\r\n" in them becomes "\n" when the reply shape asks for bare LF.</summary>
    public Pop3Script Server(string text) => Server(Encoding.UTF8.GetBytes(text));

    public Pop3Script Server(byte[] bytes)
    {
        _steps.Add(new ServerStep(bytes, null));
        return this;
    }

    /// <summary>A reply computed when it is first needed, from what the client has written so far.</summary>
    public Pop3Script Server(Func<string> reply)
    {
        _steps.Add(new ServerStep(null, () => Encoding.UTF8.GetBytes(reply())));
        return this;
    }

    /// <summary>Exactly these bytes, written by the client as one whole command (never split across writes).</summary>
    public Pop3Script Client(string command)
    {
        if (!command.EndsWith("\r\n", StringComparison.Ordinal))
        {
            throw new ArgumentException("A scripted client command ends with CRLF.", nameof(command));
        }

        _steps.Add(new ClientStep(Encoding.UTF8.GetBytes(command), null, ScriptedPop3Stream.Show(command)));
        return this;
    }

    /// <summary>One command line the client writes, judged by <paramref name="accept"/> (the line without CRLF).</summary>
    public Pop3Script ClientLine(string description, Func<string, bool> accept)
    {
        _steps.Add(new ClientStep(null, accept, description));
        return this;
    }

    /// <summary>The server closes the connection: every later read returns end of stream.</summary>
    public Pop3Script Close()
    {
        _steps.Add(new CloseStep());
        return this;
    }

    /// <summary>The server stops answering: a read blocks until it is canceled or the stream is disposed.</summary>
    public Pop3Script Hang()
    {
        _steps.Add(new HangStep());
        return this;
    }

    /// <summary>Every server byte of the script in order, as the given shape delivers them (static steps only).</summary>
    public byte[] ServerBytes(ReplyShape shape)
    {
        var all = new List<byte>();
        foreach (var step in _steps)
        {
            if (step is ServerStep { Bytes: { } bytes })
            {
                all.AddRange(shape.Adapt(bytes));
            }
        }

        return [.. all];
    }
}

internal abstract record ScriptStep;

internal sealed record ServerStep(byte[]? Bytes, Func<byte[]>? Compute) : ScriptStep;

internal sealed record ClientStep(byte[]? Exact, Func<string, bool>? Accept, string Description) : ScriptStep;

internal sealed record CloseStep : ScriptStep;

internal sealed record HangStep : ScriptStep;
