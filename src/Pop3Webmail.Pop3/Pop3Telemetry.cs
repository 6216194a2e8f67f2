using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Pop3Webmail.Pop3;

/// <summary>
/// The library's metrics, on the BCL <see cref="Meter"/> named <see cref="MeterName"/>: how long each command took
/// (from the write that carried it to the end of its reply) and how many bytes arrived. The only tag is the command
/// verb from a fixed list, so nothing a user typed or a server sent (user name, password, UIDL, subject, server
/// text) can reach an exporter, and the tag's cardinality stays bounded.
/// </summary>
internal static class Pop3Telemetry
{
    public const string MeterName = "Pop3Webmail.Pop3";

    public const string CommandTag = "pop3.command";

    /// <summary>The tag of a SASL response line (RFC 5034 §4): its "verb" is base64 of a secret, never a tag.</summary>
    private const string SaslResponse = "AUTH";

    private static readonly Meter Meter = new(MeterName);

    private static readonly Histogram<double> CommandDuration = Meter.CreateHistogram<double>(
        "pop3.client.command.duration",
        unit: "s",
        description: "Time from sending a POP3 command to the end of its reply, data block included.");

    private static readonly Counter<long> BytesReceived = Meter.CreateCounter<long>(
        "pop3.client.received",
        unit: "By",
        description: "Bytes of POP3 replies received (after TLS decryption).");

    /// <summary>The verbs of RFC 1939, 2449, 2595, 5034 and 6856: everything this client sends.</summary>
    private static readonly string[] Verbs =
        ["USER", "PASS", "APOP", "AUTH", "CAPA", "STLS", "STAT", "LIST", "UIDL", "RETR", "TOP", "DELE", "RSET", "NOOP", "QUIT", "UTF8", "LANG"];

    /// <summary>The tag value for a command: its verb when it is a known one, else (a SASL line) "AUTH".</summary>
    public static string TagFor(string verb)
    {
        var space = verb.IndexOf(' ', StringComparison.Ordinal);
        var head = space < 0 ? verb : verb[..space];
        foreach (var known in Verbs)
        {
            if (string.Equals(known, head, StringComparison.Ordinal))
            {
                return known;
            }
        }

        return SaslResponse;
    }

    public static void RecordCommand(string tag, long startTimestamp) =>
        CommandDuration.Record(Stopwatch.GetElapsedTime(startTimestamp).TotalSeconds, new KeyValuePair<string, object?>(CommandTag, tag));

    public static void RecordReceived(int bytes)
    {
        if (bytes > 0)
        {
            BytesReceived.Add(bytes);
        }
    }
}
