using System.Buffers;
using System.Globalization;

namespace Pop3Webmail.Pop3;

/// <summary>
/// Message summaries from pipelined <c>TOP n 0</c> (RFC 1939 §7). On a server whose CAPA does not list TOP the
/// first TOP reply is the probe: a refusal there turns every TOP not yet written into RETR, and the refused ones are
/// asked again with RETR, all in the same pipeline. Only the header block is read (at most
/// <see cref="Pop3ClientOptions.MaxHeaderBytes"/>, else the connection is closed rather than drained) and reduced to
/// a <see cref="Pop3MessageSummary"/>; nothing else of it is kept.
/// </summary>
internal sealed class Pop3SummaryPipeline(
    Pop3Connection connection,
    Pop3ClientOptions options,
    Pop3MailboxState state,
    Pop3AddressCache addresses,
    Pop3CommandQueue queue,
    IProgress<Pop3Progress>? progress = null) : IPop3ReplyHandler
{
    /// <summary>What one header block is expected to cost for the deadline (a typical one is 1–6 KiB).</summary>
    private const int ExpectedHeaderBytes = 4 * 1024;

    private readonly ArrayBufferWriter<byte> _buffer = new(4096);
    private int _total;
    private int _done;
    private int _reportEvery = 1;

    public List<Pop3MessageSummary> Summaries { get; } = [];

    /// <summary>Queues the summaries of <paramref name="numbers"/>, in that order, and gives the deadline their time.</summary>
    public void Request(IReadOnlyCollection<int> numbers, Pop3Operation operation)
    {
        _total += numbers.Count;
        _reportEvery = Math.Max(1, Math.Min(50, _total / 20));
        operation.Deadline.Expect((long)numbers.Count * ExpectedHeaderBytes);
        foreach (var number in numbers)
        {
            queue.Add(state.TopSupported == false ? Retrieve(number) : Top(number), this, number);
        }

        if (_total == 0)
        {
            progress?.Report(new Pop3Progress(0, 0));
        }
    }

    public async ValueTask OnReplyAsync(Pop3QueuedCommand entry, Pop3Response response, Pop3Operation operation)
    {
        var number = entry.Argument;
        var isTop = entry.Command.Verb == "TOP";
        if (!response.IsOk)
        {
            if (isTop && !state.TopKnownToWork)
            {
                // RFC 1939 §7: TOP is optional. The first refusal on a server whose CAPA does not list it means no TOP.
                if (state.TopSupported is null)
                {
                    state.TopSupported = false;
                    queue.ReplaceUnsent(e => ReferenceEquals(e.Handler, this) && e.Command.Verb == "TOP"
                        ? e with { Command = Retrieve(e.Argument) }
                        : null);
                }

                queue.AddNext(Retrieve(number), this, number);
                return;
            }

            Done(); // Deleted, or refused for this message only: it is left out.
            return;
        }

        if (isTop)
        {
            state.TopSupported ??= true;
        }

        _buffer.ResetWrittenCount();
        await ReadHeaderBlockAsync(number, operation).ConfigureAwait(false);
        Summaries.Add(Pop3SummaryParser.Parse(_buffer.WrittenSpan, number, state.ClaimedSize(number), state.Uids?.GetValueOrDefault(number), addresses));
        Done();
    }

    private Pop3Command Top(int number) =>
        new("TOP", number.ToString(CultureInfo.InvariantCulture) + " 0", new Pop3DataLimit(options.MaxHeaderBytes, Pop3Limit.HeaderBytes, number));

    private Pop3Command Retrieve(int number) =>
        new("RETR", number.ToString(CultureInfo.InvariantCulture), state.MessageLimit(options, number));

    private void Done()
    {
        _done++;
        if (progress is not null && (_done % _reportEvery == 0 || _done == _total))
        {
            progress.Report(new Pop3Progress(_done, _total));
        }
    }

    /// <summary>
    /// Copies the header section of the current data block into the buffer. Past <see cref="Pop3ClientOptions.MaxHeaderBytes"/>
    /// without its end, the connection is closed: draining a hostile endless header would cost minutes of a core.
    /// </summary>
    private async ValueTask ReadHeaderBlockAsync(int number, Pop3Operation operation)
    {
        var maximum = options.MaxHeaderBytes;
        while (true)
        {
            var memory = _buffer.GetMemory(4096);
            var read = await connection.ReadDataAsync(memory[..Math.Min(memory.Length, maximum + 1 - _buffer.WrittenCount)], operation).ConfigureAwait(false);
            if (read == 0)
            {
                return; // The block ended: a message of headers only, or TOP n 0 as servers send it.
            }

            // Only the new bytes, and the two before them for a blank line split across reads, can end the section:
            // rescanning everything would be quadratic when a hostile server trickles its bytes.
            var scanFrom = Math.Max(0, _buffer.WrittenCount - 2);
            _buffer.Advance(read);
            if (EndsHeaderSection(_buffer.WrittenSpan[scanFrom..], atStart: scanFrom == 0))
            {
                return; // With the RETR fallback the body follows; the pipeline drains it within its limit.
            }

            if (_buffer.WrittenCount > maximum)
            {
                throw connection.Fail(new Pop3LimitExceededException(Pop3Limit.HeaderBytes, maximum, number,
                    $"The header block of message {number} is longer than {maximum} bytes; the connection was closed."), operation);
            }
        }
    }

    /// <summary>An empty line ends the header section (RFC 5322 §2.1), whatever mix of CRLF and bare LF surrounds it.</summary>
    private static bool EndsHeaderSection(ReadOnlySpan<byte> data, bool atStart) =>
        data.IndexOf("\n\n"u8) >= 0 || data.IndexOf("\n\r\n"u8) >= 0
        || (atStart && (data.StartsWith("\n"u8) || data.StartsWith("\r\n"u8)));
}
