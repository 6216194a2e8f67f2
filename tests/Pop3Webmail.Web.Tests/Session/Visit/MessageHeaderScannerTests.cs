using System.Text;
using Pop3Webmail.Web.Session.Visit;

namespace Pop3Webmail.Web.Tests.Session.Visit;

/// <summary>The end of a header block (the first empty line, RFC 5322 §2.1) found in bytes that arrive in pieces.</summary>
public sealed class MessageHeaderScannerTests
{
    [Theory]
    [InlineData("Subject: a\r\nFrom: b\r\n\r\nbody\r\n", 23)]
    [InlineData("Subject: a\nFrom: b\n\nbody\n", 20)]
    [InlineData("Subject: a\r\nFrom: b\n\r\nbody\n", 22)] // switching to bare LF within the block
    [InlineData("\r\nbody\r\n", 2)] // no header fields at all
    public void TheBlockEndsAtTheFirstEmptyLineHoweverThePiecesAreCut(string message, int headerLength)
    {
        var bytes = Encoding.ASCII.GetBytes(message);
        for (var pieceSize = 1; pieceSize <= bytes.Length; pieceSize++)
        {
            var scanner = new MessageHeaderScanner();
            foreach (var piece in bytes.Chunk(pieceSize))
            {
                scanner.Scan(piece);
            }

            Assert.True(scanner.Ended, $"pieces of {pieceSize}");
            Assert.Equal(headerLength, scanner.HeaderLength);
        }
    }

    [Theory]
    [InlineData("Subject: a\r\n\r\r\nbody")] // two CRs on a line are not an empty line
    [InlineData("Subject: a\r\n \r\nbody")] // nor is a line of white space (a folded field, RFC 5322 §2.2.3)
    [InlineData("Subject: a")]
    public void WithoutAnEmptyLineEverythingReceivedIsHeader(string message)
    {
        var scanner = new MessageHeaderScanner();

        scanner.Scan(Encoding.ASCII.GetBytes(message));

        Assert.False(scanner.Ended);
        Assert.Equal(message.Length, scanner.HeaderLength);
    }

    [Fact]
    public void WhatComesAfterTheEndIsNotCounted()
    {
        var scanner = new MessageHeaderScanner();

        scanner.Scan(Encoding.ASCII.GetBytes("A: b\r\n\r\n"));
        scanner.Scan(Encoding.ASCII.GetBytes(new string('x', 1000)));

        Assert.Equal(8, scanner.HeaderLength);
    }
}
