using System.Globalization;
using System.Text.Unicode;

namespace Pop3Webmail.Web.Tests.Session.Hostile;

/// <summary>Lines the attacks flood with, written straight into the server's buffer (the server shares the test's heap).</summary>
internal static class AttackLines
{
    /// <summary>Octets of one <see cref="HeaderField"/> line, CRLF included.</summary>
    public const int HeaderFieldLength = 100;

    /// <summary>Octets of one <see cref="BodyLine"/>, CRLF included.</summary>
    public const int BodyLineLength = 78;

    private const string Filler = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";

    private const string BodyText = "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx";

    public static bool Capability(Span<byte> destination, long number, out int written) =>
        Utf8.TryWrite(destination, CultureInfo.InvariantCulture, $"X-CAPABILITY-{number}\r\n", out written);

    /// <summary>A LIST line claiming 1 KB.</summary>
    public static bool Size(Span<byte> destination, long number, out int written) =>
        Utf8.TryWrite(destination, CultureInfo.InvariantCulture, $"{number} 1024\r\n", out written);

    public static bool Uid(Span<byte> destination, long number, out int written) =>
        Utf8.TryWrite(destination, CultureInfo.InvariantCulture, $"{number} hostile-{number:D8}\r\n", out written);

    /// <summary>A body line of <see cref="BodyLineLength"/> octets.</summary>
    public static bool BodyLine(Span<byte> destination, long number, out int written) =>
        Utf8.TryWrite(destination, CultureInfo.InvariantCulture, $"{BodyText}\r\n", out written);

    /// <summary>A header field of <see cref="HeaderFieldLength"/> octets; never the blank line that would end the block.</summary>
    public static bool HeaderField(Span<byte> destination, long number, out int written) =>
        Utf8.TryWrite(destination, CultureInfo.InvariantCulture, $"X-Filler-{number:D10}: {Filler}\r\n", out written);
}
