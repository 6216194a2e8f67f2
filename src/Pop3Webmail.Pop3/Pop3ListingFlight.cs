namespace Pop3Webmail.Pop3;

/// <summary>
/// The listing part of a flight: CAPA when the re-read after login is still pending (RFC 2449 §5, §6.6), STAT,
/// LIST and UIDL (RFC 1939 §5, §7), queued together so that with PIPELINING they cost one round trip. STAT comes
/// first: its count bounds what LIST and UIDL may send, and once it is parsed the caller can queue the TOP commands
/// of the newest messages so they overlap the LIST/UIDL transfer instead of waiting for it.
/// </summary>
internal sealed class Pop3ListingFlight(Pop3Connection connection, Pop3ClientOptions options, Pop3MailboxState state, Pop3CommandQueue queue)
    : IPop3ReplyHandler
{
    private int _listingsPlanned;
    private Pop3CommandException? _refusal;

    /// <summary>Runs once STAT's reply has been parsed (the maildrop size is known), before LIST's reply is read.</summary>
    public Action<Pop3Operation>? AfterStatistics { get; init; }

    /// <summary>Runs once LIST's reply has been read (the sizes are known).</summary>
    public Action<Pop3Operation>? AfterSizes { get; init; }

    public Pop3Statistics? Statistics { get; private set; }

    public List<Pop3MessageSize>? Sizes { get; private set; }

    /// <summary>The UIDL listing; null when it was not asked for or the server refused it.</summary>
    public List<Pop3MessageUid>? Uids { get; private set; }

    /// <summary>The server's -ERR to UIDL, for a caller that asked for UIDL alone and must report it.</summary>
    public Pop3CommandException? UidlRefusal { get; private set; }

    /// <summary>
    /// Queues CAPA (when pending), STAT (when <paramref name="stat"/> or the maildrop size is still unknown), LIST
    /// and UIDL as asked.
    /// </summary>
    public void Plan(bool stat, bool list, bool uidl)
    {
        if (state.CapabilitiesStale)
        {
            queue.Add(new Pop3Command("CAPA", null, Pop3Listings.TextReplyLimit(options)), this);
        }

        if (stat || state.MaildropSize is null)
        {
            queue.Add(new Pop3Command("STAT"), this);
        }

        // Until STAT has answered only the ceiling bounds the bytes; the handler narrows it to the real count.
        var ceiling = Pop3Listings.ListingLimit(options.MaxMessageCount);
        if (list)
        {
            queue.Add(new Pop3Command("LIST", null, ceiling), this);
            _listingsPlanned++;
        }

        if (uidl)
        {
            queue.Add(new Pop3Command("UIDL", null, ceiling), this);
            _listingsPlanned++;
        }
    }

    /// <summary>After the flight: the first -ERR to STAT or LIST, as the caller of a single command would see it.</summary>
    public void ThrowIfRefused()
    {
        if (_refusal is not null)
        {
            throw _refusal;
        }
    }

    public async ValueTask OnReplyAsync(Pop3QueuedCommand entry, Pop3Response response, Pop3Operation operation)
    {
        var verb = entry.Command.Verb;
        if (verb == "CAPA")
        {
            // RFC 2449 §5: a server without CAPA answers -ERR.
            state.Capabilities = response.IsOk
                ? Pop3Capabilities.Parse(await Pop3Listings.ReadTextLinesAsync(connection, operation).ConfigureAwait(false))
                : Pop3Capabilities.Empty;
            state.CapabilitiesStale = false;
            return;
        }

        if (!response.IsOk)
        {
            if (verb == "UIDL")
            {
                state.UidlRefused = true; // RFC 1939 §7: UIDL is optional; summaries simply have no UID.
                UidlRefusal = new Pop3CommandException(verb, response.Code, response.Text);
            }
            else
            {
                _refusal ??= new Pop3CommandException(verb, response.Code, response.Text);
            }

            return;
        }

        switch (verb)
        {
            case "STAT":
                OnStatistics(response, operation);
                break;
            case "LIST":
                Sizes = [];
                connection.NarrowDataLimit(Pop3Listings.ListingLimit(MaildropBound));
                state.Sizes = await Pop3Listings.ReadSizesAsync(connection, operation, MaildropBound, Sizes).ConfigureAwait(false);
                AfterSizes?.Invoke(operation);
                break;
            default:
                Uids = [];
                connection.NarrowDataLimit(Pop3Listings.ListingLimit(MaildropBound));
                state.Uids = await Pop3Listings.ReadUidsAsync(connection, operation, MaildropBound, Uids).ConfigureAwait(false);
                break;
        }
    }

    /// <summary>The highest message number LIST/UIDL may name: STAT's, or the ceiling when STAT was refused.</summary>
    private int MaildropBound => state.MaildropSize ?? options.MaxMessageCount;

    private void OnStatistics(Pop3Response response, Pop3Operation operation)
    {
        if (!Pop3Listings.TryParseStatistics(response.Text, out var statistics))
        {
            throw connection.Fail(new Pop3ProtocolException("The server sent a malformed STAT reply."), operation);
        }

        state.RecordStatistics(statistics);
        if (state.MaildropSize > options.MaxMessageCount)
        {
            throw connection.Fail(new Pop3LimitExceededException(Pop3Limit.MessageCount, options.MaxMessageCount, null,
                $"The mailbox has {statistics.MessageCount} messages, more than this client lists ({options.MaxMessageCount}); the connection was closed."), operation);
        }

        Statistics = statistics;
        operation.Deadline.Expect((long)statistics.MessageCount * Pop3Listings.LineAllowance * _listingsPlanned);
        AfterStatistics?.Invoke(operation);
    }
}
