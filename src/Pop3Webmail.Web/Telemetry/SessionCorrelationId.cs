using System.Security.Cryptography;

namespace Pop3Webmail.Web.Telemetry;

/// <summary>
/// An opaque random id for one visit (one circuit), carried by its log lines and spans so they can be read together.
/// It is made of random bytes only, never of the user name or anything else about the user, so logs and traces can
/// be correlated without identifying anyone.
/// </summary>
public readonly record struct SessionCorrelationId
{
    private const int RandomBytes = 8;
    private readonly string? _value;

    private SessionCorrelationId(string value) => _value = value;

    /// <summary>16 lowercase hex digits from the system's cryptographic random source.</summary>
    public static SessionCorrelationId NewId() => new(Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(RandomBytes)));

    public override string ToString() => _value ?? string.Empty;
}

/// <summary>The circuit's correlation id: one per scope (circuit), shared by the session, its logs and its spans.</summary>
public sealed class SessionCorrelation
{
    public SessionCorrelationId Id { get; } = SessionCorrelationId.NewId();
}
