namespace Pop3Webmail.Testing.Circuits;

/// <summary>The page's circuit failed or refused what the client asked.</summary>
public sealed class CircuitClientException : Exception
{
    public CircuitClientException()
    {
    }

    public CircuitClientException(string message)
        : base(message)
    {
    }

    public CircuitClientException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
