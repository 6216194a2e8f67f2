namespace Pop3Webmail.Web.Security;

/// <summary>
/// A server a user typed could not be connected to, for whatever reason: refused by the address policy, no such
/// host, connection refused or timed out. One type with one message on purpose, so the login form cannot be used to
/// tell these apart and map a network (<see cref="CustomServerDialer"/>); the cause stays in
/// <see cref="Exception.InnerException"/> for the operator's log.
/// </summary>
public sealed class CustomServerUnreachableException : IOException
{
    private const string DefaultMessage = "The mail server cannot be reached.";

    public CustomServerUnreachableException()
        : base(DefaultMessage)
    {
    }

    public CustomServerUnreachableException(string message)
        : base(message)
    {
    }

    public CustomServerUnreachableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public CustomServerUnreachableException(Exception innerException)
        : base(DefaultMessage, innerException)
    {
    }
}
