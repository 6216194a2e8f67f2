using System.Text;

namespace Pop3Webmail.Pop3.Sasl;

/// <summary>
/// One SASL exchange (RFC 4422) as driven by the POP3 AUTH command (RFC 5034). A mechanism turns each server
/// challenge into a response; it never sees the wire.
/// </summary>
internal abstract class Pop3SaslMechanism
{
    public abstract string Name { get; }

    /// <summary>Whether the client speaks first, so an initial response can ride on the AUTH line (RFC 5034 §4).</summary>
    public abstract bool ClientFirst { get; }

    /// <summary>True once the client has sent everything it needs to; a later challenge is unexpected.</summary>
    public bool IsComplete { get; protected set; }

    /// <summary>True when a +OK may be accepted; SCRAM requires the server's proof first (RFC 5802 §3).</summary>
    public virtual bool CanSucceed => IsComplete;

    /// <summary>Whether success without the server's own proof must be refused (mutual authentication).</summary>
    public virtual bool RequiresServerProof => false;

    /// <summary>
    /// Produces the response to <paramref name="challenge"/> (empty for the initial response), or null to abort
    /// the exchange with "*" (RFC 5034 §4) because the server's challenge is unacceptable.
    /// </summary>
    public abstract byte[]? Respond(ReadOnlySpan<byte> challenge);

    /// <summary>Handles the additional data a server may send with its final +OK (RFC 4422 §5 "additional data").</summary>
    public virtual bool AcceptSuccessData(ReadOnlySpan<byte> data) => true;

    protected static byte[] Utf8(string value) => Encoding.UTF8.GetBytes(value);

    public static Pop3SaslMechanism Create(Pop3AuthenticationMechanism mechanism, string userName, string secret, int maxScramIterations) =>
        mechanism switch
        {
            Pop3AuthenticationMechanism.ScramSha256 => new ScramMechanism(ScramMechanism.Sha256, userName, secret, maxScramIterations),
            Pop3AuthenticationMechanism.ScramSha1 => new ScramMechanism(ScramMechanism.Sha1, userName, secret, maxScramIterations),
            Pop3AuthenticationMechanism.CramMd5 => new CramMd5Mechanism(userName, secret),
            Pop3AuthenticationMechanism.Plain => new PlainMechanism(userName, secret),
            Pop3AuthenticationMechanism.Login => new LoginMechanism(userName, secret),
            Pop3AuthenticationMechanism.XOAuth2 => new XOAuth2Mechanism(userName, secret),
            Pop3AuthenticationMechanism.OAuthBearer => new OAuthBearerMechanism(userName, secret),
            _ => throw new ArgumentOutOfRangeException(nameof(mechanism), mechanism, "Not a SASL mechanism."),
        };

    public static string SaslName(Pop3AuthenticationMechanism mechanism) => mechanism switch
    {
        Pop3AuthenticationMechanism.ScramSha256 => "SCRAM-SHA-256",
        Pop3AuthenticationMechanism.ScramSha1 => "SCRAM-SHA-1",
        Pop3AuthenticationMechanism.CramMd5 => "CRAM-MD5",
        Pop3AuthenticationMechanism.Plain => "PLAIN",
        Pop3AuthenticationMechanism.Login => "LOGIN",
        Pop3AuthenticationMechanism.XOAuth2 => "XOAUTH2",
        Pop3AuthenticationMechanism.OAuthBearer => "OAUTHBEARER",
        _ => string.Empty,
    };
}

/// <summary>RFC 4616: one message, "authzid NUL authcid NUL passwd".</summary>
internal sealed class PlainMechanism(string userName, string password) : Pop3SaslMechanism
{
    public override string Name => "PLAIN";

    public override bool ClientFirst => true;

    public override byte[]? Respond(ReadOnlySpan<byte> challenge)
    {
        if (IsComplete)
        {
            return null;
        }

        IsComplete = true;
        return Utf8("\0" + userName + "\0" + password);
    }
}

/// <summary>The LOGIN mechanism (draft-murchison-sasl-login): user name, then password, whatever the prompts say.</summary>
internal sealed class LoginMechanism(string userName, string password) : Pop3SaslMechanism
{
    private int _step;

    public override string Name => "LOGIN";

    public override bool ClientFirst => false;

    public override byte[]? Respond(ReadOnlySpan<byte> challenge)
    {
        switch (_step++)
        {
            case 0:
                return Utf8(userName);
            case 1:
                IsComplete = true;
                return Utf8(password);
            default:
                return null;
        }
    }
}

/// <summary>RFC 2195: the challenge is HMAC-MD5-keyed with the password; the reply is "user hexdigest".</summary>
internal sealed class CramMd5Mechanism(string userName, string password) : Pop3SaslMechanism
{
    public override string Name => "CRAM-MD5";

    public override bool ClientFirst => false;

    public override byte[]? Respond(ReadOnlySpan<byte> challenge)
    {
        if (IsComplete || challenge.IsEmpty)
        {
            return null;
        }

        IsComplete = true;
#pragma warning disable CA5351 // RFC 2195 defines CRAM-MD5 with HMAC-MD5; the server chooses to offer it.
        var digest = System.Security.Cryptography.HMACMD5.HashData(Utf8(password), challenge);
#pragma warning restore CA5351
        return Utf8(userName + " " + Convert.ToHexStringLower(digest));
    }
}

/// <summary>Google's XOAUTH2: one message; on failure the server sends a JSON error challenge answered empty.</summary>
internal sealed class XOAuth2Mechanism(string userName, string accessToken) : Pop3SaslMechanism
{
    public override string Name => "XOAUTH2";

    public override bool ClientFirst => true;

    public override byte[]? Respond(ReadOnlySpan<byte> challenge)
    {
        if (IsComplete)
        {
            // The error challenge: an empty response makes the server finish with -ERR.
            return [];
        }

        IsComplete = true;
        return Utf8("user=" + userName + "\u0001auth=Bearer " + accessToken + "\u0001\u0001");
    }
}

/// <summary>RFC 7628 OAUTHBEARER: GS2 header, then auth; an error challenge is answered with a single %x01.</summary>
internal sealed class OAuthBearerMechanism(string userName, string accessToken) : Pop3SaslMechanism
{
    public override string Name => "OAUTHBEARER";

    public override bool ClientFirst => true;

    public override byte[]? Respond(ReadOnlySpan<byte> challenge)
    {
        if (IsComplete)
        {
            return [0x01];
        }

        IsComplete = true;
        var escapedUser = userName.Replace("=", "=3D", StringComparison.Ordinal).Replace(",", "=2C", StringComparison.Ordinal);
        return Utf8("n,a=" + escapedUser + ",\u0001auth=Bearer " + accessToken + "\u0001\u0001");
    }
}
