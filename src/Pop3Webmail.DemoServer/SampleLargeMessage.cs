using System.Globalization;
using System.Text;

namespace Pop3Webmail.DemoServer;

/// <summary>
/// The big message of the sample mailbox (a ~2.5 MB CSV attachment), built at run time instead of committing
/// megabytes. Integer arithmetic only, so the bytes (and thus the UID) are the same on every machine and run.
/// </summary>
internal static class SampleLargeMessage
{
    /// <summary>Sorts between the 13 and 16 sample files, by its date.</summary>
    public const string Name = "15-large-attachment.eml";

    public const string AttachmentFileName = "sensor-measurements-2026-q3.csv";

    private const int Sensors = 4;
    private const int MinutesPerRow = 10;
    private const int Days = 92;

    public static DemoMessage Create()
    {
        var csv = Encoding.ASCII.GetBytes(BuildCsv());
        var text = new StringBuilder()
            .Append("Received: from export.lab.example.com (export.lab.example.com [192.0.2.77])\r\n")
            .Append("\tby mx.example.com with ESMTPS id 7C31A0F2\r\n")
            .Append("\tfor <demo@example.com>; Fri, 13 Nov 2026 08:00:04 +0100\r\n")
            .Append("From: Lab Data Export <export@lab.example.com>\r\n")
            .Append("To: Demo User <demo@example.com>\r\n")
            .Append("Subject: Quarterly sensor measurements (large attachment)\r\n")
            .Append("Date: Fri, 13 Nov 2026 08:00:00 +0100\r\n")
            .Append("Message-ID: <export.2026q3@lab.example.com>\r\n")
            .Append("MIME-Version: 1.0\r\n")
            .Append("Content-Type: multipart/mixed; boundary=\"export-15\"\r\n")
            .Append("\r\n")
            .Append("--export-15\r\n")
            .Append("Content-Type: text/plain; charset=us-ascii\r\n")
            .Append("Content-Transfer-Encoding: 7bit\r\n")
            .Append("\r\n")
            .Append("Hello,\r\n\r\n")
            .Append("attached are the Q3 measurements of the four lab sensors, one row every\r\n")
            .Append("ten minutes. The file is large on purpose: it shows how the webmail\r\n")
            .Append("handles a message of a few megabytes.\r\n\r\n")
            .Append("Lab Data Export\r\n")
            .Append("\r\n")
            .Append("--export-15\r\n")
            .Append("Content-Type: text/csv; charset=us-ascii; name=\"").Append(AttachmentFileName).Append("\"\r\n")
            .Append("Content-Transfer-Encoding: base64\r\n")
            .Append("Content-Disposition: attachment; filename=\"").Append(AttachmentFileName).Append("\"\r\n")
            .Append("\r\n")
            .Append(Convert.ToBase64String(csv, Base64FormattingOptions.InsertLineBreaks))
            .Append("\r\n")
            .Append("--export-15--\r\n");
        return DemoMessage.Create(Name, Encoding.ASCII.GetBytes(text.ToString()));
    }

    private static string BuildCsv()
    {
        var csv = new StringBuilder(2_700_000).Append("timestamp,sensor,temperature_c,humidity_pct,pressure_hpa\n");
        var start = new DateTime(2026, 7, 1, 0, 0, 0, DateTimeKind.Utc);
        var state = 0x2026_1113u;
        for (var minute = 0; minute < Days * 24 * 60; minute += MinutesPerRow)
        {
            var timestamp = start.AddMinutes(minute).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
            // A daily triangle wave (coolest at 04:00) plus a little noise, in hundredths.
            var dayMinute = (minute + (20 * 60)) % (24 * 60);
            var wave = Math.Abs(dayMinute - (12 * 60)) * 600 / (12 * 60);
            for (var sensor = 1; sensor <= Sensors; sensor++)
            {
                state = (state * 1_664_525u) + 1_013_904_223u;
                var noise = (int)(state >> 24) - 128;
                var temperature = 2400 - wave + (sensor * 35) + noise;
                var humidity = 4500 + (wave / 2) - (sensor * 80) + (noise * 3);
                var pressure = 101_300 + (noise * 4) - (sensor * 10);
                csv.Append(timestamp).Append(",sensor-0").Append(sensor).Append(',')
                    .Append(Hundredths(temperature)).Append(',')
                    .Append(Hundredths(humidity)).Append(',')
                    .Append(Hundredths(pressure)).Append('\n');
            }
        }

        return csv.ToString();
    }

    private static string Hundredths(int value) =>
        (value < 0 ? "-" : string.Empty)
        + (Math.Abs(value) / 100).ToString(CultureInfo.InvariantCulture) + "."
        + (Math.Abs(value) % 100).ToString("00", CultureInfo.InvariantCulture);
}
