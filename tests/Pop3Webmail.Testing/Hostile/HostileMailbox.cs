using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Text.Unicode;

namespace Pop3Webmail.Testing.Hostile;

/// <summary>One command as the hostile mailbox received it: the verb in upper case, its argument, and whether USER/PASS came first.</summary>
public sealed record HostileCommand(string Verb, string Argument, bool SignedIn);

/// <summary>Answers <paramref name="command"/> in place of the honest mailbox; false leaves it to the mailbox.</summary>
public delegate Task<bool> HostileAttack(HostileConnection connection, HostileCommand command);

/// <summary>
/// An honest POP3 maildrop (RFC 1939) of numbered, generated messages, which an attack can take over at any command.
/// Every connection signs in with any password and sees the same messages, so a client under test lists, loads
/// summaries, opens and reconnects as it would against a real server until the attack strikes, wherever in the
/// conversation that is. No PIPELINING is announced: the client speaks one command at a time, so an attack always
/// knows which reply it is in. Messages are made on demand, so a maildrop of 100,000 costs nothing to hold.
/// </summary>
public sealed class HostileMailbox
{
    private const string Capabilities = "+OK\r\nUSER\r\nTOP\r\nUIDL\r\n.\r\n";
    private readonly ConcurrentDictionary<int, long> _claims = new();
    private readonly int _messageSize;

    /// <param name="count">Messages in the maildrop, numbered from 1 (the newest last, as POP3 lists them).</param>
    /// <param name="messageSize">Octets of every message as RETR sends it (before dot-stuffing, which it never needs).</param>
    public HostileMailbox(int count, int messageSize = 1024)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfLessThan(messageSize, Header(count).Length + 2);
        Count = count;
        _messageSize = messageSize;
    }

    public int Count { get; }

    public static string Subject(int number) => "Hostile " + number.ToString("D6", CultureInfo.InvariantCulture);

    public static string Uid(int number) => "hostile-" + number.ToString("D6", CultureInfo.InvariantCulture);

    /// <summary>Makes LIST (and STAT's total) claim <paramref name="size"/> for a message, whatever RETR then sends.</summary>
    public void Claim(int number, long size) => _claims[number] = size;

    public long ClaimedSize(int number) => _claims.TryGetValue(number, out var size) ? size : _messageSize;

    /// <summary>The header block of a message, with the blank line that ends it (RFC 5322 §2.1).</summary>
    public static string Header(int number) =>
        "From: Sender " + number.ToString(CultureInfo.InvariantCulture) + " <sender@hostile.example>\r\n"
        + "To: victim@hostile.example\r\n"
        + "Subject: " + Subject(number) + "\r\n"
        + "Date: Mon, 02 Mar 2026 08:00:00 +0000\r\n"
        + "Message-ID: <" + number.ToString(CultureInfo.InvariantCulture) + "@hostile.example>\r\n"
        + "\r\n";

    /// <summary>A whole message: its header block, then lines of 'x' up to the message size.</summary>
    public byte[] Message(int number)
    {
        var message = new byte[_messageSize];
        var header = Encoding.ASCII.GetBytes(Header(number), message);
        var body = message.AsSpan(header);
        body.Fill((byte)'x');
        for (var end = 77; end < body.Length - 2; end += 78)
        {
            body[end - 1] = (byte)'\r';
            body[end] = (byte)'\n';
        }

        body[^2] = (byte)'\r';
        body[^1] = (byte)'\n';
        return message;
    }

    /// <summary>
    /// Serves one connection until the client sends QUIT or hangs up; <paramref name="attack"/> sees every command first.
    /// An attack that floods ends the connection when the client hangs up (the server then catches the
    /// <see cref="IOException"/>).
    /// </summary>
    public async Task ServeAsync(HostileConnection connection, HostileAttack? attack = null)
    {
        ArgumentNullException.ThrowIfNull(connection);
        await connection.SendAsync("+OK hostile POP3 server ready\r\n");
        var signedIn = false;
        while (await connection.ReadCommandAsync() is { } line)
        {
            var space = line.IndexOf(' ', StringComparison.Ordinal);
            var command = new HostileCommand(
                (space < 0 ? line : line[..space]).ToUpperInvariant(),
                space < 0 ? string.Empty : line[(space + 1)..],
                signedIn);
            if (attack is not null && await attack(connection, command))
            {
                continue;
            }

            switch (command.Verb)
            {
                case "CAPA":
                    await connection.SendAsync(Capabilities);
                    break;
                case "PASS":
                    signedIn = true;
                    await connection.SendAsync("+OK signed in\r\n");
                    break;
                case "STAT":
                    var total = Enumerable.Range(1, Count).Sum(ClaimedSize);
                    await connection.SendAsync(string.Create(CultureInfo.InvariantCulture, $"+OK {Count} {total}\r\n"));
                    break;
                case "LIST" or "UIDL" when command.Argument.Length == 0:
                    await connection.SendAsync("+OK\r\n");
                    await connection.FloodLinesAsync(command.Verb == "LIST" ? WriteSize : WriteUid, Count);
                    await connection.SendAsync(".\r\n");
                    break;
                case "LIST":
                    var number = Number(command.Argument);
                    await connection.SendAsync(string.Create(CultureInfo.InvariantCulture, $"+OK {number} {ClaimedSize(number)}\r\n"));
                    break;
                case "UIDL":
                    await connection.SendAsync("+OK " + Number(command.Argument).ToString(CultureInfo.InvariantCulture) + " " + Uid(Number(command.Argument)) + "\r\n");
                    break;
                case "TOP":
                    await connection.SendAsync("+OK\r\n" + Header(Number(command.Argument.Split(' ')[0])) + ".\r\n");
                    break;
                case "RETR":
                    await connection.SendAsync("+OK\r\n");
                    await connection.SendAsync(Message(Number(command.Argument)));
                    await connection.SendAsync(".\r\n");
                    break;
                case "QUIT":
                    await connection.SendAsync("+OK bye\r\n");
                    return;
                case "USER" or "DELE" or "RSET" or "NOOP":
                    await connection.SendAsync("+OK\r\n");
                    break;
                default:
                    await connection.SendAsync("-ERR unknown command\r\n");
                    break;
            }
        }
    }

    private static int Number(string argument) => int.Parse(argument, NumberStyles.None, CultureInfo.InvariantCulture);

    private bool WriteSize(Span<byte> destination, long number, out int written) =>
        Utf8.TryWrite(destination, CultureInfo.InvariantCulture, $"{number} {ClaimedSize((int)number)}\r\n", out written);

    /// <summary>As <see cref="Uid"/> spells it, written without a string per line (the server shares the test's heap).</summary>
    private static bool WriteUid(Span<byte> destination, long number, out int written) =>
        Utf8.TryWrite(destination, CultureInfo.InvariantCulture, $"{number} hostile-{number:D6}\r\n", out written);
}
