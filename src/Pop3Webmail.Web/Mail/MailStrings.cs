namespace Pop3Webmail.Web.Mail;

/// <summary>
/// Names the message view's strings for <c>IStringLocalizer&lt;MailStrings&gt;</c>: with ResourcesPath "Resources" they
/// live in <c>Resources/Mail.MailStrings.resx</c> (English) and <c>Resources/Mail.MailStrings.ru.resx</c> (Russian).
/// </summary>
public sealed class MailStrings
{
    private MailStrings()
    {
    }
}
