using System.Text;
using Microsoft.Extensions.Options;
using MimeKit;
using Pop3Webmail.Web.Mail;

namespace Pop3Webmail.Web.Tests.Mail;

/// <summary>Messages for the mail tests, built from raw RFC 5322 bytes where the bytes matter.</summary>
internal static class MailFixtures
{
    static MailFixtures()
    {
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
    }

    public static MessageRenderer Renderer { get; } = CreateRenderer(new MailRenderingOptions());

    public static MessageRenderer CreateRenderer(MailRenderingOptions options) => new(Options.Create(options));

    public static Encoding GetEncoding(string name) => Encoding.GetEncoding(name);

    /// <summary>Parses a message whose header and body lines are ASCII or already-encoded text (CRLF is added).</summary>
    public static MimeMessage Parse(params string[] lines) => Parse(Encoding.ASCII.GetBytes(string.Join("\r\n", lines) + "\r\n"));

    public static MimeMessage Parse(byte[] raw) => MimeMessage.Load(new MemoryStream(raw));

    /// <summary>A message that is one text/html part.</summary>
    public static MimeMessage HtmlMessage(string html)
    {
        var message = new MimeMessage();
        message.From.Add(new MailboxAddress("Sender", "sender@example.org"));
        message.Subject = "html";
        message.Body = new TextPart("html") { Text = html };
        return message;
    }

    public static byte[] Concat(params object[] pieces)
    {
        var bytes = new List<byte>();
        foreach (var piece in pieces)
        {
            bytes.AddRange(piece switch
            {
                byte[] raw => raw,
                string ascii => Encoding.ASCII.GetBytes(ascii),
                _ => throw new ArgumentException("bytes or ASCII strings only", nameof(pieces)),
            });
        }

        return [.. bytes];
    }

    /// <summary>A 1×1 PNG.</summary>
    public static readonly byte[] Png = Convert.FromBase64String(
        "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==");
}
