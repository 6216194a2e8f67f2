namespace Pop3Webmail.Web.Components.Mailbox;

/// <summary>The texts of the mailbox view (page, list, alerts): Resources/Components.Mailbox.MailboxText*.resx.</summary>
public sealed class MailboxText
{
    private MailboxText()
    {
    }
}
