using System.Globalization;
using System.Text;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.Options;
using MimeKit;
using Pop3Webmail.Web.Mail;

namespace Pop3Webmail.Benchmarks.Micro;

/// <summary>
/// Rendering a 5 MiB HTML body (a newsletter: tables, inline styles, links, remote images): with the rendering
/// ceiling (the default, 1 MiB sanitized) and without it (the whole body), and the same work through RenderAsync,
/// which runs it on the thread pool instead of the circuit's thread. Times are CPU on a 2-core box; allocations show
/// what one render costs the GC.
/// </summary>
[MemoryDiagnoser]
[WarmupCount(1)]
[IterationCount(5)]
public class MessageRendererBenchmarks : IDisposable
{
    private const int BodyBytes = 5 * 1024 * 1024;

    private MimeMessage? _message;
    private MessageRenderer _bounded = null!;
    private MessageRenderer _unbounded = null!;

    [GlobalSetup]
    public void Setup()
    {
        _message = new MimeMessage { Subject = "Newsletter", Body = new TextPart("html") { Text = Newsletter(BodyBytes) } };
        _bounded = new MessageRenderer(Options.Create(new MailRenderingOptions()));
        _unbounded = new MessageRenderer(Options.Create(new MailRenderingOptions { MaxHtmlBodyBytes = 2 * BodyBytes }));
    }

    [GlobalCleanup]
    public void Dispose()
    {
        Dispose(disposing: true);
        GC.SuppressFinalize(this);
    }

    /// <summary>The default: the first 1 MiB is sanitized and shown, the view says it was cut.</summary>
    [Benchmark(Baseline = true)]
    public MailMessageView Render5MiBWithCeiling() => _bounded.Render(_message!);

    /// <summary>What the ceiling saves: all 5 MiB sanitized.</summary>
    [Benchmark]
    public MailMessageView Render5MiBWhole() => _unbounded.Render(_message!);

    /// <summary>The page's path: the same bounded render, off the caller's thread.</summary>
    [Benchmark]
    public Task<MailMessageView> RenderAsync5MiBWithCeiling() => _bounded.RenderAsync(_message!);

    protected virtual void Dispose(bool disposing)
    {
        if (disposing)
        {
            _message?.Dispose();
        }
    }

    private static string Newsletter(int bytes)
    {
        var html = new StringBuilder(bytes + 4096);
        html.Append("<!DOCTYPE html><html><head><style>td{padding:4px} .promo{color:#c00}</style></head><body><table width=\"600\">");
        for (var row = 0; html.Length < bytes; row++)
        {
            html.Append(CultureInfo.InvariantCulture,
                $"""<tr><td style="font-family:Arial;font-size:14px;color:#333;background:#f{row % 10}f"><a href="https://shop.example/item/{row}?utm_source=mail">Item {row}</a> <span class="promo">-{row % 50}%</span><img src="https://cdn.example/img/{row}.png" width="80" height="60" alt="item {row}"></td><td><p>Lorem ipsum dolor sit amet, <b>consectetur</b> adipiscing elit, sed do eiusmod tempor incididunt ut labore.</p></td></tr>""");
        }

        return html.Append("</table></body></html>").ToString();
    }
}
