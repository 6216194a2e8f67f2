using System.Globalization;
using System.Resources;
using Pop3Webmail.Web.Hosting;

namespace Pop3Webmail.EndToEnd.Tests.Support;

/// <summary>
/// The English UI texts straight from the app's resources, so a test asserts that the right message shows without
/// repeating its wording (e.g. <c>UiText.Get("Components.Pages.Login", "ErrorInvalidCredentials")</c>).
/// </summary>
internal static class UiText
{
    private static readonly CultureInfo English = CultureInfo.GetCultureInfo("en");

    public static string Get(string resource, string key, params object[] arguments)
    {
        var resources = new ResourceManager("Pop3Webmail.Web.Resources." + resource, typeof(WebmailHost).Assembly);
        var format = resources.GetString(key, English) ?? throw new InvalidOperationException($"The app has no text {resource}:{key}.");
        return arguments.Length == 0 ? format : string.Format(English, format, arguments);
    }

    public static string Login(string key, params object[] arguments) => Get("Components.Pages.Login", key, arguments);

    public static string Inbox(string key, params object[] arguments) => Get("Components.Mailbox.MailboxText", key, arguments);

    public static string Message(string key, params object[] arguments) => Get("Components.Mailbox.MessageView", key, arguments);

    /// <summary>The login page's word on a session that ended: why, then what became of the marked messages.</summary>
    public static string SignedOut(string reasonKey, string? deletionsKey = null, int count = 0) =>
        deletionsKey is null ? Login(reasonKey) : Login(reasonKey) + " " + Login(deletionsKey, count.ToString(CultureInfo.InvariantCulture));

    public static string Mail(string key, params object[] arguments) => Get("Mail.MailStrings", key, arguments);
}
