using System.Text;

namespace Pop3Webmail.DemoServer.Tests.TestSupport;

/// <summary>The shipped <c>Mailbox/*.eml</c> files, copied next to the tests, in the CRLF form POP3 transfers.</summary>
internal static class SampleFiles
{
    public static string DirectoryPath { get; } = Path.Combine(AppContext.BaseDirectory, "Mailbox");

    public static IReadOnlyList<string> Names { get; } =
        [.. Directory.GetFiles(DirectoryPath, "*.eml").Select(static f => Path.GetFileName(f)).Order(StringComparer.Ordinal)];

    /// <summary>The file with every line ending made CRLF (computed here, independently of the server's code).</summary>
    public static byte[] ReadCrlf(string name)
    {
        var text = Encoding.Latin1.GetString(File.ReadAllBytes(Path.Combine(DirectoryPath, name)));
        var crlf = text.Replace("\r\n", "\n", StringComparison.Ordinal).Replace("\n", "\r\n", StringComparison.Ordinal);
        return Encoding.Latin1.GetBytes(crlf);
    }

    /// <summary>RFC 1939 §3 byte-stuffing, written independently of the server: one more "." on lines that start with ".".</summary>
    public static byte[] DotStuff(byte[] crlf)
    {
        var lines = Encoding.Latin1.GetString(crlf).Split("\r\n");
        var stuffed = string.Join("\r\n", lines.Select(static l => l.StartsWith('.') ? "." + l : l));
        return Encoding.Latin1.GetBytes(stuffed);
    }

    public static int IndexOf(IReadOnlyList<DemoMessage> messages, string name) =>
        messages.Select(static (m, i) => (m, i)).Single(x => x.m.Name == name).i;
}
