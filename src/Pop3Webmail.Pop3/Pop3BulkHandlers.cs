namespace Pop3Webmail.Pop3;

/// <summary>
/// Bulk RETR/TOP: each message that the server sends goes to the caller's handler as a stream; refused ones are
/// skipped and the first refusal is kept to be thrown once every reply has been read (the connection stays in step).
/// </summary>
internal sealed class Pop3BodyHandler(Pop3Connection connection, Func<Pop3BodyStream, CancellationToken, ValueTask> handler) : IPop3ReplyHandler
{
    public Pop3CommandException? FirstRefusal { get; private set; }

    public async ValueTask OnReplyAsync(Pop3QueuedCommand entry, Pop3Response response, Pop3Operation operation)
    {
        if (!response.IsOk)
        {
            FirstRefusal ??= new Pop3CommandException(entry.Command.Verb, response.Code, response.Text);
            return;
        }

        var body = new Pop3BodyStream(connection, entry.Argument, operation);
        try
        {
            await handler(body, operation.Token).ConfigureAwait(false);
        }
        finally
        {
            body.Detach();
        }
    }
}

/// <summary>Bulk DELE: every reply is read; accepted ones are recorded, the first refusal is kept to be thrown after.</summary>
internal sealed class Pop3DeleteHandler(Pop3MailboxState state) : IPop3ReplyHandler
{
    public Pop3CommandException? FirstRefusal { get; private set; }

    public ValueTask OnReplyAsync(Pop3QueuedCommand entry, Pop3Response response, Pop3Operation operation)
    {
        if (response.IsOk)
        {
            state.MarkDeleted(entry.Argument);
        }
        else
        {
            FirstRefusal ??= new Pop3CommandException("DELE", response.Code, response.Text);
        }

        return ValueTask.CompletedTask;
    }
}
