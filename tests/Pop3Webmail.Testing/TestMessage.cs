namespace Pop3Webmail.Testing;

/// <summary>
/// One generated message: its exact bytes (CRLF line ends, as a POP3 server sends them) and what a client should
/// decode from it, so tests can compare without parsing the message themselves.
/// </summary>
public sealed record TestMessage
{
    /// <summary>The raw RFC 5322 message, CRLF line ends, ending in CRLF.</summary>
    public required byte[] Content { get; init; }

    /// <summary>The Subject as a reader sees it (RFC 2047 decoded).</summary>
    public required string Subject { get; init; }

    public required DateTimeOffset Date { get; init; }

    /// <summary>The From display name as a reader sees it.</summary>
    public required string FromName { get; init; }

    public required string FromAddress { get; init; }

    /// <summary>The Message-ID without angle brackets.</summary>
    public required string MessageId { get; init; }

    /// <summary>The main text (plain or HTML source) as a reader sees it after charset decoding.</summary>
    public required string Text { get; init; }

    /// <summary>True when the top-level type is multipart/mixed (attachments present).</summary>
    public bool HasAttachments { get; init; }

    /// <summary>File names of the attachments, in order.</summary>
    public IReadOnlyList<string> AttachmentNames { get; init; } = [];
}
