using BenchmarkDotNet.Attributes;
using Pop3Webmail.Pop3;

namespace Pop3Webmail.Benchmarks.Micro;

/// <summary>
/// The library's hot paths without network or server: the reader's line splitting and dot-unstuffing, the summary
/// parser, and the whole client path for a 1k-message listing over a canned transcript. [MemoryDiagnoser] counts
/// allocations, which is what decides retained memory and GC pauses at 10k messages.
/// </summary>
[MemoryDiagnoser]
public class HotPathBenchmarks
{
    private const int ListingLines = 10_000;
    private const int SummaryMessages = 1_000;

    private byte[] _uidl = [];
    private byte[] _body = [];
    private byte[] _session = [];
    private byte[] _copyBuffer = [];
    private byte[] _plainHeader = [];
    private byte[] _encodedHeader = [];
    private Pop3AddressCache _addresses = new();

    [GlobalSetup]
    public void Setup()
    {
        _uidl = CannedReplies.UidlListing(ListingLines);
        _body = CannedReplies.StuffedBody(4 * 1024 * 1024);
        _session = CannedReplies.SummarySession(SummaryMessages);
        _copyBuffer = new byte[80 * 1024];
        _plainHeader = CannedReplies.PlainHeader;
        _encodedHeader = CannedReplies.EncodedHeader;
        _addresses = new Pop3AddressCache();
    }

    /// <summary>Line reader: 10k UIDL lines (bounded status/list lines, CRLF split).</summary>
    [Benchmark]
    public async Task<int> ReadLines10k()
    {
        using var reader = new Pop3LineReader(new MemoryStream(_uidl, writable: false));
        var lines = 0;
        while (true)
        {
            var line = await reader.ReadLineAsync(8 * 1024, CancellationToken.None);
            if (line.Length == 1 && line.Span[0] == (byte)'.')
            {
                return lines;
            }

            lines++;
        }
    }

    /// <summary>Dot-unstuffing: a 4 MiB RETR data block, every tenth line stuffed, copied out in 80 KiB reads.</summary>
    [Benchmark]
    public async Task<long> Unstuff4MiB()
    {
        using var reader = new Pop3LineReader(new MemoryStream(_body, writable: false));
        reader.BeginData();
        long total = 0;
        while (await reader.ReadDataAsync(_copyBuffer, CancellationToken.None) is var read && read > 0)
        {
            total += read;
        }

        return total;
    }

    /// <summary>Summary parser on a plain ASCII header block with folded Received/DKIM fields.</summary>
    [Benchmark]
    public Pop3MessageSummary ParsePlainHeader() => Pop3SummaryParser.Parse(_plainHeader, 1, 2048, "00000001");

    /// <summary>The same, as inside a listing: From and To were seen before, so the client's address cache answers.</summary>
    [Benchmark]
    public Pop3MessageSummary ParsePlainHeaderRepeatedSender() => Pop3SummaryParser.Parse(_plainHeader, 1, 2048, "00000001", _addresses);

    /// <summary>Summary parser on RFC 2047 encoded words (UTF-8 and windows-1251) and a folded Subject.</summary>
    [Benchmark]
    public Pop3MessageSummary ParseEncodedHeader() => Pop3SummaryParser.Parse(_encodedHeader, 1, 2048, "00000001");

    /// <summary>The whole client for 1k summaries: sign-in, LIST, UIDL, pipelined TOP n 0, parse — CPU and allocations only.</summary>
    [Benchmark]
    public Task<int> Summaries1kOverCannedTranscript() => SummariesOverCannedTranscriptAsync(_session);

    /// <summary>The same 1k summaries while a metrics listener (an operator's exporter) takes every measurement.</summary>
    [Benchmark]
    public async Task<int> Summaries1kWithMetricsListening()
    {
        using var listener = MetricsListener.Start();
        return await SummariesOverCannedTranscriptAsync(_session);
    }

    private static async Task<int> SummariesOverCannedTranscriptAsync(byte[] session)
    {
        await using var client = new Pop3Client(new Pop3ClientOptions
        {
            Security = Pop3Security.None,
            AllowPlaintextAuthentication = true,
            AllowedMechanisms = [Pop3AuthenticationMechanism.User],
        });
        await client.ConnectAsync(new CannedServerStream(session), "localhost");
        await client.AuthenticateAsync("user", "password");
        var sizes = await client.ListAsync();
        var summaries = await client.GetMessageSummariesAsync(1, sizes.Count);
        return summaries.Count;
    }
}
