using Pop3Webmail.Pop3;
using Pop3Webmail.Web.Downloads;
using Pop3Webmail.Web.Session.Inbox;
using Pop3Webmail.Web.Session.Wire;

namespace Pop3Webmail.Web.Session.Visit;

/// <summary>
/// The downloads of one visit: a raw message streamed straight from RETR with the wire held, or a part of the opened
/// message read through a hold on it. It issues the visit's download links and is their owner, so they are revoked
/// when the visit ends; it never writes HTTP (the endpoint does).
/// </summary>
internal sealed class VisitDownloads(
    MailboxWire wire,
    InboxIndex index,
    DeletionLedger ledger,
    InboxLoader loader,
    OpenedMessageCache opened,
    InboxItems items,
    VisitServices services,
    Action failed) : IDownloadSource
{
    private volatile bool _closed;

    public string CreateLink(DownloadTarget target, string browserKey) =>
        _closed ? throw new MailboxException(MailboxErrorKind.NotSignedIn) : "download/" + services.Downloads.Issue(this, browserKey, target);

    public async Task<DownloadContent?> OpenDownloadAsync(DownloadTarget target, CancellationToken cancellationToken)
    {
        if (_closed)
        {
            return null;
        }

        return target.BodyPartIndex is { } part
            ? await OpenPartAsync(target.MessageKey, part, target.Inline, cancellationToken)
            : await OpenRawAsync(target.MessageKey, cancellationToken);
    }

    public void ReportDownloadFailed() => failed();

    /// <summary>The visit ended: its links stop working.</summary>
    public void Close()
    {
        _closed = true;
        services.Downloads.RevokeAll(this);
    }

    private async Task<DownloadContent?> OpenRawAsync(string key, CancellationToken cancellationToken)
    {
        var lease = await wire.AcquireAsync(cancellationToken);
        try
        {
            var (body, subject) = await lease.RunAsync<(Pop3BodyStream?, string?)>(async (client, ct) =>
            {
                await loader.EnsureVerifiedAsync(client, [key], ct);
                if (index.Find(key) is not { } message || ledger.Contains(key))
                {
                    return (null, null);
                }

                try
                {
                    return (await client.RetrieveAsync(message.Number, ct), index.Summary(key)?.Subject);
                }
                catch (Pop3CommandException ex) when (!MailboxWire.IsConnectionLoss(ex))
                {
                    return (null, null); // e.g. deleted by another client since we listed it
                }
            }, retryAfterReconnect: true, cancellationToken);
            if (body is null)
            {
                lease.Dispose();
                return null;
            }

            // The wire stays held while the bytes stream; the lease is given back when the download is disposed.
            return new DownloadContent("message/rfc822", DownloadResponse.MessageFileName(subject), inline: false, async (destination, ct) =>
            {
                using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, wire.Closing);
                try
                {
                    await body.CopyToAsync(destination, linked.Token);
                }
                catch (Pop3Exception ex)
                {
                    throw MailboxWire.Translate(ex);
                }
            }, new HeldStream(body, lease));
        }
        catch
        {
            lease.Dispose();
            throw;
        }
    }

    private async Task<DownloadContent?> OpenPartAsync(string key, int part, bool inline, CancellationToken cancellationToken)
    {
        var hold = await wire.RunAsync(async (client, ct) =>
        {
            await loader.EnsureVerifiedAsync(client, [key], ct);
            return index.Find(key) is { } message && !ledger.Contains(key) && index.Summary(key) is { } summary
                ? await opened.OpenAsync(client, message, items.ItemFor(message, summary), ct)
                : null;
        }, cancellationToken);
        if (hold is null)
        {
            return null;
        }

        var found = await hold.ReadAsync((message, _) => Task.FromResult(services.Renderer.FindPart(message, part)), cancellationToken);
        if (found is null || (inline && !found.Description.IsPreviewable))
        {
            hold.Dispose();
            return null;
        }

        return new DownloadContent(
            inline ? found.Description.ContentType : "application/octet-stream",
            found.Description.FileName,
            inline,
            (destination, ct) => hold.ReadAsync(async (_, token) =>
            {
                await found.WriteToAsync(destination, token);
                return true;
            }, ct),
            new HeldMessage(hold));
    }

    private sealed class HeldStream(Pop3BodyStream body, WireLease lease) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await body.DisposeAsync();
            lease.Dispose();
        }
    }

    private sealed class HeldMessage(OpenedMessage hold) : IAsyncDisposable
    {
        public ValueTask DisposeAsync()
        {
            hold.Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
