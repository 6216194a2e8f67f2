using System.Globalization;

namespace Pop3Webmail.Pop3;

/// <summary>
/// The work behind the client's verbs on one open connection: each call is one operation with its deadline, and the
/// multi-command ones (listings, summaries, bulk RETR/TOP/DELE) run as one pipeline (RFC 2449 §6.6) built from
/// <see cref="Pop3ListingFlight"/>, <see cref="Pop3SummaryPipeline"/> and the bulk handlers. Argument and state
/// checks are the client's; this type assumes them done.
/// </summary>
internal sealed class Pop3Mailbox(Pop3Connection connection, Pop3ClientOptions options, Pop3MailboxState state, Pop3AddressCache addresses)
{
    public Pop3Connection Connection => connection;

    /// <summary>Pipelining after login: the server announced it (before login is enough to know, RFC 2449 §6.6).</summary>
    public bool IsPipelining => connection.State == Pop3SessionState.Transaction && state.Capabilities.Pipelining;

    /// <summary>Starts an operation under the default deadline, after draining a body the caller left half-read.</summary>
    public ValueTask<Pop3Operation> BeginAsync(CancellationToken cancellationToken) =>
        BeginAsync(Pop3Deadline.ForTransfer(options, connection.Received), cancellationToken);

    public async ValueTask<Pop3Operation> BeginAsync(Pop3Deadline deadline, CancellationToken cancellationToken)
    {
        var operation = connection.Begin(deadline, cancellationToken);
        try
        {
            await connection.SettleOpenBodyAsync(operation).ConfigureAwait(false);
            return operation;
        }
        catch
        {
            operation.Dispose();
            throw;
        }
    }

    /// <summary>One single-line command; -ERR is a <see cref="Pop3CommandException"/>. Returns the status text.</summary>
    public async Task<string> ExecuteAsync(Pop3Command command, CancellationToken cancellationToken)
    {
        using var operation = await BeginAsync(cancellationToken).ConfigureAwait(false);
        var response = await connection.ExecuteOkAsync(command, operation).ConfigureAwait(false);
        return response.Text;
    }

    /// <summary>STAT (RFC 1939 §5); its count bounds later listings.</summary>
    public async Task<Pop3Statistics> StatAsync(CancellationToken cancellationToken)
    {
        var text = await ExecuteAsync(new Pop3Command("STAT"), cancellationToken).ConfigureAwait(false);
        if (!Pop3Listings.TryParseStatistics(text, out var statistics))
        {
            throw Malformed("STAT");
        }

        state.RecordStatistics(statistics);
        return statistics;
    }

    /// <summary>LIST n (RFC 1939 §5): the reply must name the message asked for.</summary>
    public async Task<Pop3MessageSize> ListOneAsync(int messageNumber, CancellationToken cancellationToken)
    {
        var text = await ExecuteAsync(new Pop3Command("LIST", Number(messageNumber)), cancellationToken).ConfigureAwait(false);
        return Pop3Listings.TryParseScanListing(text.AsSpan(), out var number, out var size) && number == messageNumber
            ? new Pop3MessageSize(number, size)
            : throw Malformed("LIST");
    }

    /// <summary>UIDL n (RFC 1939 §7): the reply must name the message asked for.</summary>
    public async Task<Pop3MessageUid> UidOneAsync(int messageNumber, CancellationToken cancellationToken)
    {
        var text = await ExecuteAsync(new Pop3Command("UIDL", Number(messageNumber)), cancellationToken).ConfigureAwait(false);
        return Pop3Listings.TryParseUidListing(text, out var number, out var uid) && number == messageNumber
            ? new Pop3MessageUid(number, uid)
            : throw Malformed("UIDL");
    }

    /// <summary>RSET (RFC 1939 §5): the session's deletions are undone, on the server and in the bookkeeping.</summary>
    public async Task ResetAsync(CancellationToken cancellationToken)
    {
        await ExecuteAsync(new Pop3Command("RSET"), cancellationToken).ConfigureAwait(false);
        state.ResetDeletions();
    }

    /// <summary>CAPA (RFC 2449 §5) on its own.</summary>
    public async Task<Pop3Capabilities> CapabilitiesAsync(CancellationToken cancellationToken)
    {
        using var operation = await BeginAsync(cancellationToken).ConfigureAwait(false);
        return await Pop3Transport.ReadCapabilitiesAsync(connection, options, operation).ConfigureAwait(false);
    }

    /// <summary>A command answered by a list of text lines (LANG, RFC 6856 §3), bounded like CAPA.</summary>
    public async Task<List<string>> TextListAsync(string verb, CancellationToken cancellationToken)
    {
        using var operation = await BeginAsync(cancellationToken).ConfigureAwait(false);
        var command = new Pop3Command(verb, null, Pop3Listings.TextReplyLimit(options));
        await connection.ExecuteOkAsync(command, operation).ConfigureAwait(false);
        connection.BeginData(command.DataLimit);
        return await Pop3Listings.ReadTextLinesAsync(connection, operation).ConfigureAwait(false);
    }

    /// <summary>LIST or UIDL, after STAT in the same flight when the maildrop size is not yet known.</summary>
    public async Task<Pop3ListingFlight> ListingAsync(bool list, CancellationToken cancellationToken)
    {
        using var operation = await BeginAsync(cancellationToken).ConfigureAwait(false);
        var queue = new Pop3CommandQueue();
        var flight = new Pop3ListingFlight(connection, options, state, queue);
        flight.Plan(stat: false, list: list, uidl: !list);
        await Pop3Pipeline.RunAsync(connection, queue, IsPipelining, operation).ConfigureAwait(false);
        flight.ThrowIfRefused();
        return flight;
    }

    /// <summary>CAPA (if pending), STAT, LIST, UIDL, and TOP n 0 for the newest messages queued once STAT has answered.</summary>
    public async Task<Pop3MailboxListing> ListMailboxAsync(int prefetchNewest, CancellationToken cancellationToken)
    {
        using var operation = await BeginAsync(cancellationToken).ConfigureAwait(false);
        var queue = new Pop3CommandQueue();
        var summaries = new Pop3SummaryPipeline(connection, options, state, addresses, queue);
        var flight = new Pop3ListingFlight(connection, options, state, queue)
        {
            AfterStatistics = op => summaries.Request(state.Newest(prefetchNewest), op),
        };
        flight.Plan(stat: true, list: true, uidl: state.UidlWorthAsking);
        await Pop3Pipeline.RunAsync(connection, queue, IsPipelining, operation).ConfigureAwait(false);
        flight.ThrowIfRefused();
        return new Pop3MailboxListing(flight.Statistics!.Value, flight.Sizes!, flight.Uids, summaries.Summaries);
    }

    /// <summary>Summaries of the listed ones of <paramref name="messageNumbers"/>; LIST and UIDL first if this session lacks them.</summary>
    public async Task<IReadOnlyList<Pop3MessageSummary>> SummariesAsync(IReadOnlyList<int> messageNumbers, IProgress<Pop3Progress>? progress, CancellationToken cancellationToken)
    {
        using var operation = await BeginAsync(cancellationToken).ConfigureAwait(false);
        var queue = new Pop3CommandQueue();
        var summaries = new Pop3SummaryPipeline(connection, options, state, addresses, queue, progress);
        int[] Listed() => messageNumbers.Where(state.Sizes!.ContainsKey).ToArray();
        var flight = new Pop3ListingFlight(connection, options, state, queue) { AfterSizes = op => summaries.Request(Listed(), op) };
        var listed = state.Sizes is not null;
        flight.Plan(stat: false, list: !listed, uidl: state.Uids is null && state.UidlWorthAsking);
        if (listed)
        {
            summaries.Request(Listed(), operation);
        }

        await Pop3Pipeline.RunAsync(connection, queue, IsPipelining, operation).ConfigureAwait(false);
        flight.ThrowIfRefused();
        return summaries.Summaries;
    }

    /// <summary>RETR or TOP handed to the caller as a stream; its deadline, earned by the LIST size, spans every read.</summary>
    public async Task<Pop3BodyStream> OpenBodyAsync(string verb, int messageNumber, string argument, CancellationToken cancellationToken)
    {
        var deadline = Pop3Deadline.ForTransfer(options, connection.Received, state.ClaimedSize(messageNumber));
        using var operation = await BeginAsync(deadline, cancellationToken).ConfigureAwait(false);
        var command = new Pop3Command(verb, argument, state.MessageLimit(options, messageNumber));
        await connection.ExecuteOkAsync(command, operation).ConfigureAwait(false);
        connection.BeginData(command.DataLimit);
        var body = new Pop3BodyStream(connection, messageNumber, deadline);
        connection.SetOpenBody(body);
        return body;
    }

    /// <summary>RETR (<paramref name="lines"/> &lt; 0) or TOP for many messages; each body goes to <paramref name="handler"/> in order.</summary>
    public async Task BulkBodiesAsync(string verb, IReadOnlyList<int> messageNumbers, int lines, Func<Pop3BodyStream, CancellationToken, ValueTask> handler, CancellationToken cancellationToken)
    {
        var deadline = Pop3Deadline.ForTransfer(options, connection.Received, messageNumbers.Sum(state.ClaimedSize));
        using var operation = await BeginAsync(deadline, cancellationToken).ConfigureAwait(false);
        var queue = new Pop3CommandQueue();
        var bodies = new Pop3BodyHandler(connection, handler);
        foreach (var number in messageNumbers)
        {
            var argument = lines < 0 ? Number(number) : Number(number) + " " + Number(lines);
            queue.Add(new Pop3Command(verb, argument, state.MessageLimit(options, number)), bodies, number);
        }

        await Pop3Pipeline.RunAsync(connection, queue, IsPipelining, operation).ConfigureAwait(false);
        if (bodies.FirstRefusal is { } refusal)
        {
            throw refusal;
        }
    }

    /// <summary>DELE for one or many messages; every reply is read, then the first refusal is thrown.</summary>
    public async Task DeleteAsync(IReadOnlyCollection<int> messageNumbers, CancellationToken cancellationToken)
    {
        using var operation = await BeginAsync(cancellationToken).ConfigureAwait(false);
        var queue = new Pop3CommandQueue();
        var handler = new Pop3DeleteHandler(state);
        foreach (var number in messageNumbers)
        {
            queue.Add(new Pop3Command("DELE", Number(number)), handler, number);
        }

        await Pop3Pipeline.RunAsync(connection, queue, IsPipelining, operation).ConfigureAwait(false);
        if (handler.FirstRefusal is { } refusal)
        {
            throw refusal;
        }
    }

    public static string Number(int value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>A reply the client cannot read leaves the conversation in an unknown state: the connection is closed.</summary>
    private Pop3ProtocolException Malformed(string verb)
    {
        connection.Close();
        return new Pop3ProtocolException($"The server sent a malformed {verb} reply.");
    }
}
