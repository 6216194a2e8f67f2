namespace Pop3Webmail.Pop3;

/// <summary>
/// The windowed pipeline of RFC 2449 §6.6 over one connection: full duplex, so the server always has work queued
/// while we read, and bounded in commands and octets, so neither side's buffers can fill up and deadlock.
/// </summary>
internal static class Pop3Pipeline
{
    /// <summary>
    /// Runs the commands of <paramref name="queue"/> in a windowed pipeline (RFC 2449 §6.6): at most
    /// <see cref="Pop3ClientOptions.PipelineWindow"/> commands and <see cref="Pop3ClientOptions.PipelineMaxBytes"/>
    /// octets are outstanding, the window is topped up as replies arrive, and every write holds whole commands. With
    /// <paramref name="pipelined"/> false it is one command per round trip. Each reply goes to its command's handler
    /// in order; a handler may add commands, which go out in the same flight. Whatever a handler leaves unread of a
    /// data block is drained (within the block's limit).
    /// </summary>
    public static async ValueTask RunAsync(Pop3Connection connection, Pop3CommandQueue queue, bool pipelined, Pop3Operation operation)
    {
        var window = pipelined ? Math.Max(1, connection.Options.PipelineWindow) : 1;
        var received = 0;
        var outstandingBytes = 0;
        while (received < queue.Count)
        {
            var sent = queue.Sent;
            var outstanding = sent - received;
            if (sent < queue.Count && (outstanding == 0 || outstanding <= window / 2))
            {
                var bytes = 0;
                var end = sent;
                while (end < queue.Count && end - received < window)
                {
                    // Commands still unanswered occupy the server's input buffer too, so they count against the limit.
                    var size = queue[end].Command.ByteCount;
                    if (end > received && outstandingBytes + bytes + size > connection.Options.PipelineMaxBytes)
                    {
                        break;
                    }

                    bytes += size;
                    end++;
                }

                if (end > sent)
                {
                    await connection.SendAsync(queue, sent, end - sent, operation).ConfigureAwait(false);
                    outstandingBytes += bytes;
                    queue.Sent = end;
                }
            }

            var entry = queue[received];
            var response = await connection.ReadResponseAsync(operation).ConfigureAwait(false);
            if (response.Kind == Pop3ResponseKind.Continuation)
            {
                throw connection.Fail(new Pop3ProtocolException("The server sent a continuation where a status line was expected."), operation);
            }

            if (response.IsOk && entry.Command.MultiLine)
            {
                connection.BeginData(entry.Command.DataLimit);
            }

            try
            {
                await entry.Handler.OnReplyAsync(entry, response, operation).ConfigureAwait(false);
            }
            catch
            {
                // Replies to commands already sent are still on their way; unread, they would be taken for the
                // replies of later commands. The connection cannot be kept in step, so it is closed.
                connection.Close();
                throw;
            }

            if (connection.InData)
            {
                await connection.DrainAsync(operation).ConfigureAwait(false);
            }

            outstandingBytes -= entry.Command.ByteCount;
            received++;
        }
    }
}
