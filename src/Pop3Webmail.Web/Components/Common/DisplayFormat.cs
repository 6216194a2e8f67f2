using System.Globalization;

namespace Pop3Webmail.Web.Components.Common;

/// <summary>Sizes and dates as a reader expects them, in the UI culture and the browser's time zone.</summary>
public static class DisplayFormat
{
    public static string Size(long bytes)
    {
        var culture = CultureInfo.CurrentUICulture;
        var units = culture.TwoLetterISOLanguageName == "ru" ? ["Б", "КБ", "МБ", "ГБ"] : new[] { "B", "KB", "MB", "GB" };
        double value = bytes;
        var unit = 0;
        while (value >= 1024 && unit < units.Length - 1)
        {
            value /= 1024;
            unit++;
        }

        var format = unit == 0 || value >= 100 ? "N0" : "N1";
        return value.ToString(format, CultureInfo.CurrentCulture) + "\u00a0" + units[unit];
    }

    /// <summary>Today: the time; within a week: weekday and time; else the short date.</summary>
    public static string ShortDate(DateTimeOffset? date, DateTimeOffset now, TimeZoneInfo zone)
    {
        ArgumentNullException.ThrowIfNull(zone);
        if (date is not { } value)
        {
            return string.Empty;
        }

        var local = TimeZoneInfo.ConvertTime(value, zone);
        var today = TimeZoneInfo.ConvertTime(now, zone).Date;
        var culture = CultureInfo.CurrentCulture;
        if (local.Date == today)
        {
            return local.ToString("t", culture);
        }

        if (local.Date > today.AddDays(-7) && local.Date < today)
        {
            return local.ToString("ddd ", culture) + local.ToString("t", culture);
        }

        return local.ToString("d", culture);
    }

    public static string FullDate(DateTimeOffset? date, TimeZoneInfo zone)
    {
        ArgumentNullException.ThrowIfNull(zone);
        return date is { } value ? TimeZoneInfo.ConvertTime(value, zone).ToString("f", CultureInfo.CurrentCulture) : string.Empty;
    }
}
