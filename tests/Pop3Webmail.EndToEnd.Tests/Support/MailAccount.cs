using Pop3Webmail.Pop3;
using Pop3Webmail.Testing;

namespace Pop3Webmail.EndToEnd.Tests.Support;

/// <summary>A mailbox created for one test on a private Dovecot, and what the server saw of it.</summary>
internal sealed record MailAccount(DovecotServer Server, string Name, string Password, MailboxBuilder Mailbox)
{
    /// <summary>Creates account <paramref name="name"/> on <paramref name="server"/> with a random password and <paramref name="messages"/>.</summary>
    public static MailAccount Create(DovecotServer server, string name, IEnumerable<TestMessage> messages)
    {
        ArgumentNullException.ThrowIfNull(server);
        var password = "pw-" + Guid.NewGuid().ToString("N")[..12];
        var mailbox = new MailboxBuilder().AddRange(messages);
        server.AddUser(new DovecotUser(name, password, mailbox));
        return new MailAccount(server, name, password, mailbox);
    }

    /// <summary>The messages it was created with, in POP3 order (the last is the newest).</summary>
    public IReadOnlyList<TestMessage> Messages => Mailbox.Messages;

    /// <summary>Message files now in the Maildir; drops only when a QUIT committed deletions.</summary>
    public int StoredMessageCount => Server.CountMessageFiles(Name);

    /// <summary>This account's sessions as the server logged them, in login order.</summary>
    public IReadOnlyList<DovecotSession> Sessions => [.. Server.ReadSessions().Where(s => s.User == Name)];

    /// <summary>Waits (bounded) for this account's latest session to have ended, by QUIT or by a cut connection.</summary>
    public Task<DovecotSession> WaitForEndedSessionAsync(TimeSpan? timeout = null, CancellationToken cancellationToken = default) =>
        Server.WaitForSessionAsync(s => s.User == Name && s.Ended, timeout, cancellationToken);

    public TestMessage Message(string subject) => Messages.Single(m => m.Subject == subject);

    /// <summary>The UIDL Dovecot gives the message with <paramref name="subject"/>.</summary>
    public string Uidl(string subject) => Mailbox.ExpectedUidl(Messages.ToList().IndexOf(Message(subject)) + 1);

    /// <summary>The message's key in the app (its address is message?id=KEY): its UIDL, marked as one.</summary>
    public string Key(string subject) => "u:" + Uidl(subject);

    /// <summary>What a new POP3 session (another mail program) sees: the UIDLs of the messages on the server.</summary>
    public Task<IReadOnlyList<string>> UidlsInNewSessionAsync(CancellationToken cancellationToken = default) =>
        InNewSessionAsync<IReadOnlyList<string>>(async (client, ct) => [.. (await client.UidlAsync(ct)).Select(u => u.Uid)], cancellationToken);

    /// <summary>Another mail program deletes the message with <paramref name="subject"/> (DELE, then QUIT commits it).</summary>
    public Task DeleteInNewSessionAsync(string subject, CancellationToken cancellationToken = default) =>
        InNewSessionAsync(async (client, ct) =>
        {
            var uidl = Uidl(subject);
            var number = (await client.UidlAsync(ct)).Single(u => u.Uid == uidl).MessageNumber;
            await client.DeleteAsync(number, ct);
            return true;
        }, cancellationToken);

    private async Task<T> InNewSessionAsync<T>(Func<Pop3Client, CancellationToken, Task<T>> work, CancellationToken cancellationToken)
    {
        var client = new Pop3Client(new Pop3ClientOptions { Security = Pop3Security.StartTls, CertificateThumbprint = Server.CertificateThumbprint });
        await using (client)
        {
            await client.ConnectAsync(Server.Host, Server.Port, cancellationToken);
            await client.AuthenticateAsync(Name, Password, cancellationToken);
            var result = await work(client, cancellationToken);
            await client.QuitAsync(cancellationToken);
            return result;
        }
    }
}
