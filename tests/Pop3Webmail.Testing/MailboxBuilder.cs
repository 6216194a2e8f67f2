using System.Globalization;
using System.Text;

namespace Pop3Webmail.Testing;

/// <summary>
/// Describes a mailbox and writes it straight into a Maildir, the way Dovecot would have stored it: one file per
/// message in cur/ named with ",S=size,W=virtual size" (so STAT and LIST need no file reads) and a dovecot-uidlist,
/// so UIDs, UIDVALIDITY and therefore UIDLs are reproducible. POP3 message n is the n-th message added.
/// </summary>
public sealed class MailboxBuilder
{
    private readonly List<TestMessage> _messages = [];

    /// <param name="uidValidity">The UIDVALIDITY written to dovecot-uidlist (part of every UIDL).</param>
    public MailboxBuilder(uint uidValidity = 1_700_000_000)
    {
        ArgumentOutOfRangeException.ThrowIfZero(uidValidity);
        UidValidity = uidValidity;
    }

    public uint UidValidity { get; }

    /// <summary>The messages in POP3 order: index 0 is message 1 (UID 1).</summary>
    public IReadOnlyList<TestMessage> Messages => _messages;

    public int Count => _messages.Count;

    public MailboxBuilder Add(TestMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        _messages.Add(message);
        return this;
    }

    public MailboxBuilder AddRange(IEnumerable<TestMessage> messages)
    {
        ArgumentNullException.ThrowIfNull(messages);
        foreach (var message in messages)
        {
            Add(message);
        }

        return this;
    }

    /// <summary>
    /// Adds <paramref name="count"/> messages made by <paramref name="create"/>(i, date) for i = 1..count, dated
    /// <paramref name="first"/> + (i - 1) × <paramref name="interval"/>: the last one is the newest. Generated in parallel.
    /// </summary>
    public MailboxBuilder AddMany(int count, DateTimeOffset first, TimeSpan interval, Func<int, DateTimeOffset, TestMessage>? create = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        create ??= MessageFactory.Numbered;
        var generated = new TestMessage[count];
        Parallel.For(0, count, i => generated[i] = create(i + 1, first + (interval * i)));
        _messages.AddRange(generated);
        return this;
    }

    /// <summary>The UIDL Dovecot reports for message <paramref name="messageNumber"/> (pop3_uidl_format %08Xu%08Xv).</summary>
    public string ExpectedUidl(int messageNumber)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(messageNumber, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(messageNumber, Count);
        return ((uint)messageNumber).ToString("x8", CultureInfo.InvariantCulture) + UidValidity.ToString("x8", CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// Replaces whatever is at <paramref name="maildir"/> with this mailbox (cur/, new/, tmp/, dovecot-uidlist) and,
    /// when <paramref name="ownerUid"/> is not negative, hands every file and folder to that uid/gid (needs root).
    /// Returns the paths of the message files in POP3 order.
    /// </summary>
    public IReadOnlyList<string> WriteMaildir(string maildir, int ownerUid = -1, int ownerGid = -1)
    {
        ArgumentException.ThrowIfNullOrEmpty(maildir);
        if (Directory.Exists(maildir))
        {
            Directory.Delete(maildir, recursive: true);
        }

        var cur = Directory.CreateDirectory(Path.Combine(maildir, "cur")).FullName;
        Directory.CreateDirectory(Path.Combine(maildir, "new"));
        Directory.CreateDirectory(Path.Combine(maildir, "tmp"));

        var baseNames = new string[_messages.Count];
        var paths = new string[_messages.Count];
        var processId = Environment.ProcessId;
        Parallel.For(0, _messages.Count, i =>
        {
            var message = _messages[i];
            var content = message.Content;
            // Maildir++ base name "time.Mseq Ppid.host" plus Dovecot's size fields; W is the size with CRLF line ends,
            // which is what POP3 LIST and STAT report (RFC 1939 §5 counts the CRLF form).
            baseNames[i] = string.Create(CultureInfo.InvariantCulture,
                $"{message.Date.ToUnixTimeSeconds()}.M{i + 1}P{processId}.pop3webmail,S={content.Length},W={CrlfSize(content)}");
            paths[i] = Path.Combine(cur, baseNames[i] + ":2,");
            File.WriteAllBytes(paths[i], content);
        });

        // dovecot-uidlist version 3: "3 V<uidvalidity> N<next uid>", then "<uid> :<base name>" per message.
        var uidlist = new StringBuilder(64 + (_messages.Count * 64));
        uidlist.Append(CultureInfo.InvariantCulture, $"3 V{UidValidity} N{_messages.Count + 1}\n");
        for (var i = 0; i < baseNames.Length; i++)
        {
            uidlist.Append(CultureInfo.InvariantCulture, $"{i + 1} :{baseNames[i]}\n");
        }

        File.WriteAllText(Path.Combine(maildir, "dovecot-uidlist"), uidlist.ToString(), Encoding.ASCII);

        if (ownerUid >= 0)
        {
            ChangeOwnerRecursively(maildir, ownerUid, ownerGid < 0 ? ownerUid : ownerGid);
        }

        return paths;
    }

    /// <summary>
    /// Delivers <paramref name="messages"/> into an existing Maildir the way a mail delivery agent does (Maildir
    /// convention: written to tmp/, then renamed into new/), leaving dovecot-uidlist alone: the server gives them the
    /// next UIDs at its next sync, in the order of their dates (Dovecot sorts new files by the time in their names).
    /// The files are handed to <paramref name="ownerUid"/>/<paramref name="ownerGid"/> (needs root). Returns their paths in new/.
    /// </summary>
    public static IReadOnlyList<string> DeliverToMaildir(string maildir, IEnumerable<TestMessage> messages, int ownerUid, int ownerGid)
    {
        ArgumentException.ThrowIfNullOrEmpty(maildir);
        ArgumentNullException.ThrowIfNull(messages);
        var delivery = Guid.NewGuid().ToString("N")[..12];
        var paths = new List<string>();
        foreach (var message in messages)
        {
            var content = message.Content;
            var baseName = string.Create(CultureInfo.InvariantCulture,
                $"{message.Date.ToUnixTimeSeconds()}.M{paths.Count + 1}P{Environment.ProcessId}.d{delivery},S={content.Length},W={CrlfSize(content)}");
            var temporary = Path.Combine(maildir, "tmp", baseName);
            File.WriteAllBytes(temporary, content);
            PosixNative.ChangeOwner(temporary, ownerUid, ownerGid);
            var delivered = Path.Combine(maildir, "new", baseName);
            File.Move(temporary, delivered);
            paths.Add(delivered);
        }

        return paths;
    }

    /// <summary>Message files (cur/ and new/) in a Maildir: what is left after a session committed deletions.</summary>
    public static int CountMessageFiles(string maildir)
    {
        ArgumentException.ThrowIfNullOrEmpty(maildir);
        return Directory.EnumerateFiles(Path.Combine(maildir, "cur")).Count()
            + Directory.EnumerateFiles(Path.Combine(maildir, "new")).Count();
    }

    /// <summary>
    /// The message files of a Maildir in UID order (= POP3 order), read from dovecot-uidlist; files whose message
    /// was deleted are simply gone.
    /// </summary>
    public static IReadOnlyList<string> ReadMessageFiles(string maildir)
    {
        ArgumentException.ThrowIfNullOrEmpty(maildir);
        var uids = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var line in File.ReadLines(Path.Combine(maildir, "dovecot-uidlist")).Skip(1))
        {
            // "<uid> [extension fields] :<base name>"
            var separator = line.IndexOf(" :", StringComparison.Ordinal);
            var space = line.IndexOf(' ', StringComparison.Ordinal);
            if (separator > 0 && long.TryParse(line.AsSpan(0, space), NumberStyles.None, CultureInfo.InvariantCulture, out var uid))
            {
                uids[line[(separator + 2)..]] = uid;
            }
        }

        return [.. new[] { "cur", "new" }
            .SelectMany(folder => Directory.EnumerateFiles(Path.Combine(maildir, folder)))
            .Select(path => (Path: path, BaseName: Path.GetFileName(path).Split(':')[0]))
            .Where(file => uids.ContainsKey(file.BaseName))
            .OrderBy(file => uids[file.BaseName])
            .Select(file => file.Path)];
    }

    internal static void ChangeOwnerRecursively(string path, int uid, int gid)
    {
        PosixNative.ChangeOwner(path, uid, gid);
        foreach (var entry in Directory.EnumerateFileSystemEntries(path, "*", SearchOption.AllDirectories))
        {
            PosixNative.ChangeOwner(entry, uid, gid);
        }
    }

    private static long CrlfSize(byte[] content)
    {
        // Every bare LF becomes CRLF on the wire.
        var span = content.AsSpan();
        return content.Length + span.Count((byte)'\n') - span.Count("\r\n"u8);
    }
}
