namespace Pop3Webmail.Pop3;

/// <summary>Base of every error the POP3 library reports about the server or the conversation.</summary>
public abstract class Pop3Exception : Exception
{
    protected Pop3Exception(string message, Pop3ResponseCode responseCode, string? serverText, Exception? innerException)
        : base(message, innerException)
    {
        ResponseCode = responseCode;
        ServerText = serverText;
    }

    /// <summary>The RFC 2449 §8 response code of the reply that caused the error, or <see cref="Pop3ResponseCode.None"/>.</summary>
    public Pop3ResponseCode ResponseCode { get; }

    /// <summary>The human-readable part of the server's reply (response code removed), when there was one.</summary>
    public string? ServerText { get; }
}

/// <summary>
/// The server answered <c>-ERR</c> to a command. The connection stays open and usable.
/// </summary>
public class Pop3CommandException : Pop3Exception
{
    public Pop3CommandException(string command, Pop3ResponseCode responseCode, string serverText)
        : base(FormatMessage(command, responseCode, serverText), responseCode, serverText, null)
    {
        Command = command;
    }

    /// <summary>The command verb that was refused (never its arguments, which may be secret).</summary>
    public string Command { get; }

    private static string FormatMessage(string command, Pop3ResponseCode code, string text) =>
        code.IsNone
            ? $"The POP3 server refused {command}: {text}"
            : $"The POP3 server refused {command} [{code}]: {text}";
}

/// <summary>
/// Authentication failed. The connection is still in the AUTHORIZATION state (RFC 1939 §4), so the caller may
/// retry, unless <see cref="Pop3Exception.ResponseCode"/> says the failure is not about the credentials.
/// </summary>
public sealed class Pop3AuthenticationException : Pop3CommandException
{
    public Pop3AuthenticationException(string mechanism, Pop3ResponseCode responseCode, string serverText)
        : base(mechanism, responseCode, serverText)
    {
    }
}

/// <summary>
/// The conversation with the server broke: malformed or overlong reply, unexpected end of stream, I/O failure
/// or timeout. The connection has already been closed when this is thrown.
/// </summary>
public class Pop3ProtocolException : Pop3Exception
{
    public Pop3ProtocolException(string message, Exception? innerException = null)
        : base(message, Pop3ResponseCode.None, null, innerException)
    {
    }

    public Pop3ProtocolException(string message, Pop3ResponseCode responseCode, string? serverText)
        : base(message, responseCode, serverText, null)
    {
    }
}

/// <summary>An I/O step or a whole operation took longer than its configured limit; the connection is closed.</summary>
public sealed class Pop3TimeoutException : Pop3ProtocolException
{
    public Pop3TimeoutException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }
}

/// <summary>Which bound a server's reply went past (see <see cref="Pop3LimitExceededException"/>).</summary>
public enum Pop3Limit
{
    /// <summary>A CAPA or LANG reply with more lines than any real server sends.</summary>
    ReplyLines,

    /// <summary>A LIST or UIDL reply with more lines than the mailbox has messages (STAT).</summary>
    ListingLines,

    /// <summary>A CAPA, LANG, LIST or UIDL reply with more bytes than its lines can take.</summary>
    ReplyBytes,

    /// <summary>STAT counted more messages than <see cref="Pop3ClientOptions.MaxMessageCount"/>.</summary>
    MessageCount,

    /// <summary>A header block longer than <see cref="Pop3ClientOptions.MaxHeaderBytes"/>.</summary>
    HeaderBytes,

    /// <summary>A message longer than <see cref="Pop3ClientOptions.MaxMessageSize"/> or its LIST size allows.</summary>
    MessageSize,
}

/// <summary>
/// A reply exceeded one of the client's bounds (a hostile or broken server). The read stopped at once, the
/// connection has been closed, and nothing was drained. <see cref="MessageNumber"/> names the message when the
/// bound was per message, so a caller can leave that message out on a new connection.
/// </summary>
public sealed class Pop3LimitExceededException : Pop3ProtocolException
{
    public Pop3LimitExceededException(Pop3Limit limit, long maximum, int? messageNumber, string message)
        : base(message)
    {
        Limit = limit;
        Maximum = maximum;
        MessageNumber = messageNumber;
    }

    public Pop3Limit Limit { get; }

    /// <summary>The bound that was exceeded (lines, bytes or messages, as <see cref="Limit"/> says).</summary>
    public long Maximum { get; }

    public int? MessageNumber { get; }
}

/// <summary>
/// The secure channel could not be established as required: TLS handshake or certificate validation failed,
/// or STLS was required but not offered (RFC 2595 §4). The connection has been closed.
/// </summary>
public sealed class Pop3SecurityException : Pop3Exception
{
    public Pop3SecurityException(string message, Exception? innerException = null)
        : base(message, Pop3ResponseCode.None, null, innerException)
    {
    }
}
