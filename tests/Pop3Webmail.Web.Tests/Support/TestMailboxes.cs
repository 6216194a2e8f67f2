using System.Globalization;
using System.Text;
using Pop3Webmail.DemoServer;

namespace Pop3Webmail.Web.Tests.Support;

/// <summary>Small demo-server mailboxes made in memory: numbered messages, newest last (as POP3 lists them).</summary>
internal static class TestMailboxes
{
    public static readonly DateTimeOffset FirstDate = new(2026, 1, 1, 8, 0, 0, TimeSpan.Zero);

    public static DemoMessage Numbered(int number, int bodyBytes = 40)
    {
        var date = FirstDate.AddHours(number).ToString("ddd, dd MMM yyyy HH:mm:ss +0000", CultureInfo.InvariantCulture);
        var text = "From: Sender " + number + " <sender" + number + "@example.test>\r\n"
            + "To: demo@example.test\r\n"
            + "Subject: " + Subject(number) + "\r\n"
            + "Date: " + date + "\r\n"
            + "Message-ID: <" + number + "@example.test>\r\n"
            + "MIME-Version: 1.0\r\n"
            + "Content-Type: text/plain; charset=utf-8\r\n\r\n"
            + new string('x', bodyBytes) + "\r\n";
        return DemoMessage.Create("m" + number.ToString("D5", CultureInfo.InvariantCulture), Encoding.UTF8.GetBytes(text));
    }

    public static string Subject(int number) => "Message " + number.ToString("D5", CultureInfo.InvariantCulture);

    public static DemoMailbox Create(int count, int bodyBytes = 40) =>
        new(Enumerable.Range(1, count).Select(n => Numbered(n, bodyBytes)));

    public static DemoPop3Server Start(int count, int bodyBytes = 40, bool exclusiveLock = true) =>
        DemoPop3Server.Start(new DemoPop3ServerOptions
        {
            Accounts = [new DemoPop3Account(DemoPop3Server.DemoUserName, DemoPop3Server.DemoPassword, Create(count, bodyBytes))],
            ExclusiveLock = exclusiveLock,
        });
}

/// <summary>A message with a PDF-ish attachment and a PNG, for download tests.</summary>
internal static class AttachmentMessages
{
    public static readonly byte[] Png = Convert.FromBase64String("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==");

    public static readonly byte[] Report = Encoding.ASCII.GetBytes("%PDF-1.4\n% not really a pdf, but the bytes must round-trip\n");

    public static DemoMessage Create(string name = "attachments")
    {
        var text = "From: Reports <reports@example.test>\r\n"
            + "To: demo@example.test\r\n"
            + "Subject: Quarterly report\r\n"
            + "Date: Mon, 02 Mar 2026 08:00:00 +0000\r\n"
            + "MIME-Version: 1.0\r\n"
            + "Content-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n"
            + "--b1\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nSee attached.\r\n"
            + "--b1\r\nContent-Type: application/pdf; name=\"report.pdf\"\r\nContent-Disposition: attachment; filename=\"report.pdf\"\r\n"
            + "Content-Transfer-Encoding: base64\r\n\r\n" + Convert.ToBase64String(Report) + "\r\n"
            + "--b1\r\nContent-Type: image/png; name=\"dot.png\"\r\nContent-Disposition: attachment; filename=\"dot.png\"\r\n"
            + "Content-Transfer-Encoding: base64\r\n\r\n" + Convert.ToBase64String(Png) + "\r\n"
            + "--b1--\r\n";
        return DemoMessage.Create(name, Encoding.UTF8.GetBytes(text));
    }
}
