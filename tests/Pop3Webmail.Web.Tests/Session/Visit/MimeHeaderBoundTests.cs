using System.Text;
using Pop3Webmail.Web.Session.Visit;

namespace Pop3Webmail.Web.Tests.Session.Visit;

public sealed class MimeHeaderBoundTests
{
    private const int Bound = 64 * 1024;

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AMessageWithLargeBodiesButOrdinaryHeadersHolds()
    {
        var attachment = Convert.ToBase64String(new byte[3 * Bound], Base64FormattingOptions.InsertLineBreaks);
        var message = Multipart(Part("text/plain", "Hello."), Part("application/octet-stream\r\nContent-Transfer-Encoding: base64", attachment));

        Assert.True(await HoldsAsync(message));
    }

    [Fact]
    public async Task ABodyOfOneLongLineRightAfterItsHeadersHolds()
    {
        // The reader reads ahead of the header block it is in: a body's first octets must not count as header octets.
        var message = Multipart(Part("text/html", "<p>" + new string('x', 16 * Bound) + "</p>"));

        Assert.True(await HoldsAsync(message));
    }

    [Fact]
    public async Task APartWhoseHeaderBlockIsPastTheBoundDoesNotHold()
    {
        var fields = string.Concat(Enumerable.Range(0, 2 * Bound / 40).Select(n => $"X-Filler-{n:D6}: {new string('f', 20)}\r\n"));
        var message = Multipart(Part("text/plain", "First."), Part("text/plain\r\n" + fields.TrimEnd(), "Second."));

        Assert.False(await HoldsAsync(message));
    }

    [Fact]
    public async Task APartHeaderOfOneEndlessLineDoesNotHold()
    {
        var message = Multipart(Part("text/plain; name=\"" + new string('n', 2 * Bound) + "\"", "Body."));

        Assert.False(await HoldsAsync(message));
    }

    [Fact]
    public async Task AnAttachedMessageWhoseHeaderBlockIsPastTheBoundDoesNotHold()
    {
        var fields = string.Concat(Enumerable.Range(0, 2 * Bound / 40).Select(n => $"Received: from relay{n:D6}.example by mx\r\n"));
        var attached = fields + "Subject: Inner\r\n\r\nInner body.";
        var message = Multipart(Part("text/plain", "Outer."), Part("message/rfc822", attached));

        Assert.False(await HoldsAsync(message));
    }

    private static async Task<bool> HoldsAsync(string message)
    {
        using var stream = new MemoryStream(Encoding.UTF8.GetBytes(message));
        return await MimeHeaderBound.HoldsAsync(stream, Bound, Cancellation);
    }

    private static string Part(string contentType, string body) => $"Content-Type: {contentType}\r\n\r\n{body}\r\n";

    private static string Multipart(params string[] parts) =>
        "From: a@example.org\r\nSubject: Parts\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b\"\r\n\r\n"
        + string.Concat(parts.Select(p => "--b\r\n" + p)) + "--b--\r\n";
}
