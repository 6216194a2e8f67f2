using MimeKit;
using Pop3Webmail.Pop3;
using Pop3Webmail.Web.Session.Inbox;

namespace Pop3Webmail.Web.Session.Visit;

/// <summary>
/// The one message a visit keeps parsed (the one being read), so the page, its source view and its attachment
/// downloads do not retrieve it again. The cache owns it; readers take holds (<see cref="OpenedMessage"/>), and a
/// replaced or forgotten message is freed once the last hold is given back.
/// </summary>
internal sealed class OpenedMessageCache(long spoolThreshold) : IDisposable
{
    private const int CopyBufferSize = 81920;
    private OpenedMessageContent? _current;

    /// <summary>The cached message's content, for diagnostics and tests.</summary>
    public OpenedMessageContent? Current => _current;

    /// <summary>
    /// The cached message if it is <paramref name="message"/>, else RETR and parse it (with the wire held). Whether it
    /// is parsed in memory or from a temporary file depends on the octets actually received, never on the size the
    /// server claimed in LIST.
    /// </summary>
    public async Task<OpenedMessage> OpenAsync(Pop3Client client, IndexedMessage message, InboxItem item, CancellationToken cancellationToken)
    {
        if (_current is { } cached && cached.Key == message.Key && cached.TryHold() is { } hold)
        {
            return hold;
        }

        var content = await RetrieveAsync(client, message, item, cancellationToken);
        var replaced = Interlocked.Exchange(ref _current, content);
        replaced?.Dispose();
        return content.TryHold()!;
    }

    /// <summary>Lets go of the cached message if it is <paramref name="key"/> (deleted, or gone from the listing).</summary>
    public void Forget(string key)
    {
        if (_current is { } cached && cached.Key == key && Interlocked.CompareExchange(ref _current, null, cached) == cached)
        {
            cached.Dispose();
        }
    }

    public void Dispose() => Interlocked.Exchange(ref _current, null)?.Dispose();

    private async Task<OpenedMessageContent> RetrieveAsync(Pop3Client client, IndexedMessage message, InboxItem item, CancellationToken cancellationToken)
    {
        FileStream? spool = null;
        try
        {
            await using var body = await client.RetrieveAsync(message.Number, cancellationToken);
            using var memory = new MemoryStream();
            var buffer = new byte[CopyBufferSize];
            var header = new MessageHeaderScanner();
            int read;
            while ((read = await body.ReadAsync(buffer, cancellationToken)) > 0)
            {
                header.Scan(buffer.AsSpan(0, read));
                if (!header.Ended && header.HeaderLength > client.Options.MaxHeaderBytes)
                {
                    // MimeKit keeps every header in memory even when the body is read lazily from the spool: a 50 MB
                    // header block cost some 240 MB of heap. Past the bound a summary's header may have, the message is
                    // refused and the connection closed at once, as the library does past its own bounds.
                    await client.DisposeAsync();
                    throw new MailboxException(MailboxErrorKind.InvalidServerReply);
                }

                if (spool is null && memory.Length + read > spoolThreshold)
                {
                    // Larger than the threshold after all: continue into a temporary file that MimeKit reads parts from
                    // lazily; the file is unlinked when closed.
                    spool = MessageSpool.Create();
                    memory.Position = 0;
                    await memory.CopyToAsync(spool, cancellationToken);
                    memory.SetLength(0);
                }

                if (spool is not null)
                {
                    await spool.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
                }
                else
                {
                    memory.Write(buffer, 0, read);
                }
            }

            Stream received = spool is not null ? spool : memory;
            var maxHeaderBytes = client.Options.MaxHeaderBytes;
            received.Position = 0;
            if (received.Length > maxHeaderBytes && !await MimeHeaderBound.HoldsAsync(received, maxHeaderBytes, cancellationToken))
            {
                // The same bound inside: a MIME part's header block would cost MimeKit the same heap. The reply itself
                // ended properly, so the connection stays.
                throw new MailboxException(MailboxErrorKind.InvalidServerReply);
            }

            received.Position = 0;
            var parsed = spool is not null
                ? await MimeMessage.LoadAsync(spool, persistent: true, cancellationToken)
                : await MimeMessage.LoadAsync(memory, cancellationToken);

            return new OpenedMessageContent(message.Key, item, parsed, spool);
        }
        catch (Pop3CommandException ex) when (ex.ResponseCode.Kind != Pop3ResponseCodeKind.SysTemp)
        {
            if (spool is not null)
            {
                await spool.DisposeAsync();
            }

            throw new MailboxException(MailboxErrorKind.MessageUnavailable, ex);
        }
        catch
        {
            if (spool is not null)
            {
                await spool.DisposeAsync();
            }

            throw;
        }
    }
}
