using System.Security.Cryptography;
using System.Text;

namespace Pop3Webmail.Pop3.Sasl;

/// <summary>
/// SCRAM-SHA-1 (RFC 5802) and SCRAM-SHA-256 (RFC 7677) without channel binding ("n,,"). The server must prove
/// it knows the password (ServerSignature) before a +OK is accepted.
/// </summary>
internal sealed class ScramMechanism : Pop3SaslMechanism
{
    public static readonly HashAlgorithmName Sha1 = HashAlgorithmName.SHA1;
    public static readonly HashAlgorithmName Sha256 = HashAlgorithmName.SHA256;

    private readonly HashAlgorithmName _hash;
    private readonly string _userName;
    private readonly string _password;
    private readonly string _clientNonce;
    private readonly int _maxIterations;
    private string _clientFirstBare = string.Empty;
    private byte[]? _expectedServerSignature;
    private int _step;
    private bool _serverVerified;

    public ScramMechanism(HashAlgorithmName hash, string userName, string password, int maxIterations, string? clientNonce = null)
    {
        _hash = hash;
        _userName = userName;
        _password = password;
        _maxIterations = maxIterations;
        _clientNonce = clientNonce ?? Convert.ToBase64String(RandomNumberGenerator.GetBytes(24));
    }

    public override string Name => _hash == Sha256 ? "SCRAM-SHA-256" : "SCRAM-SHA-1";

    public override bool ClientFirst => true;

    public override bool CanSucceed => _serverVerified;

    public override bool RequiresServerProof => true;

    public override byte[]? Respond(ReadOnlySpan<byte> challenge)
    {
        switch (_step++)
        {
            case 0:
                // RFC 5802 §5.1: "n,," GS2 header (no channel binding, no authzid), then n=user,r=nonce.
                _clientFirstBare = "n=" + EscapeName(SaslPrep(_userName)) + ",r=" + _clientNonce;
                return Utf8("n,," + _clientFirstBare);
            case 1:
                // After client-final only the server's verdict can follow, so a later "+OK" is final (never a
                // sloppy continuation) and must carry the ServerSignature (RFC 5802 §3).
                var clientFinal = ClientFinal(Encoding.UTF8.GetString(challenge));
                IsComplete = clientFinal is not null;
                return clientFinal;
            case 2:
                // server-final-message sent as a challenge; the client answers with an empty response.
                return VerifyServerFinal(challenge) ? [] : null;
            default:
                return null;
        }
    }

    public override bool AcceptSuccessData(ReadOnlySpan<byte> data) =>
        _serverVerified || (_step == 2 && VerifyServerFinal(data));

    private byte[]? ClientFinal(string serverFirst)
    {
        var attributes = ParseAttributes(serverFirst);
        if (attributes is null
            || !attributes.TryGetValue('r', out var nonce)
            || !attributes.TryGetValue('s', out var saltText)
            || !attributes.TryGetValue('i', out var iterationText)
            || !nonce.StartsWith(_clientNonce, StringComparison.Ordinal)
            || nonce.Length == _clientNonce.Length
            || !Pop3Numbers.TryParseInt32(iterationText, out var iterations)
            || iterations < 1
            || iterations > _maxIterations
            || attributes.ContainsKey('m'))
        {
            return null;
        }

        byte[] salt;
        try
        {
            salt = Convert.FromBase64String(saltText);
        }
        catch (FormatException)
        {
            return null;
        }

        var saltedPassword = Rfc2898DeriveBytes.Pbkdf2(Utf8(SaslPrep(_password)), salt, iterations, _hash, HashLength);
        var clientKey = Hmac(saltedPassword, Utf8("Client Key"));
        var storedKey = Hash(clientKey);
        var clientFinalWithoutProof = "c=biws,r=" + nonce;
        var authMessage = Utf8(_clientFirstBare + "," + serverFirst + "," + clientFinalWithoutProof);
        var clientSignature = Hmac(storedKey, authMessage);
        var proof = new byte[clientKey.Length];
        for (var i = 0; i < proof.Length; i++)
        {
            proof[i] = (byte)(clientKey[i] ^ clientSignature[i]);
        }

        var serverKey = Hmac(saltedPassword, Utf8("Server Key"));
        _expectedServerSignature = Hmac(serverKey, authMessage);
        return Utf8(clientFinalWithoutProof + ",p=" + Convert.ToBase64String(proof));
    }

    private bool VerifyServerFinal(ReadOnlySpan<byte> data)
    {
        var attributes = ParseAttributes(Encoding.UTF8.GetString(data));
        if (_expectedServerSignature is null || attributes is null || !attributes.TryGetValue('v', out var verifier))
        {
            return false;
        }

        Span<byte> signature = stackalloc byte[64];
        if (!Convert.TryFromBase64String(verifier, signature, out var length))
        {
            return false;
        }

        _serverVerified = CryptographicOperations.FixedTimeEquals(signature[..length], _expectedServerSignature);
        return _serverVerified;
    }

    private int HashLength => _hash == Sha256 ? 32 : 20;

    private byte[] Hmac(byte[] key, byte[] data) =>
        _hash == Sha256 ? HMACSHA256.HashData(key, data) : HmacSha1(key, data);

    private byte[] Hash(byte[] data) =>
        _hash == Sha256 ? SHA256.HashData(data) : Sha1Hash(data);

#pragma warning disable CA5350 // RFC 5802 defines SCRAM-SHA-1; it is only used when the server offers nothing stronger.
    private static byte[] HmacSha1(byte[] key, byte[] data) => HMACSHA1.HashData(key, data);

    private static byte[] Sha1Hash(byte[] data) => SHA1.HashData(data);
#pragma warning restore CA5350

    private static Dictionary<char, string>? ParseAttributes(string message)
    {
        var result = new Dictionary<char, string>();
        foreach (var part in message.Split(','))
        {
            if (part.Length < 2 || part[1] != '=')
            {
                return null;
            }

            result[part[0]] = part[2..];
        }

        return result;
    }

    /// <summary>RFC 5802 §5.1: '=' and ',' in the user name are escaped as =3D and =2C.</summary>
    private static string EscapeName(string name) =>
        name.Replace("=", "=3D", StringComparison.Ordinal).Replace(",", "=2C", StringComparison.Ordinal);

    /// <summary>
    /// SASLprep (RFC 4013) as far as it matters for passwords people type: non-ASCII spaces become spaces,
    /// "mapped to nothing" characters are removed, then NFKC normalization.
    /// </summary>
    internal static string SaslPrep(string value)
    {
        var builder = new StringBuilder(value.Length);
        foreach (var c in value)
        {
            if (c is '\u00AD' or '\u034F' or '\u1806' or (>= '\u180B' and <= '\u180D') or (>= '\u200B' and <= '\u200D')
                or '\u2060' or (>= '\uFE00' and <= '\uFE0F') or '\uFEFF')
            {
                continue;
            }

            builder.Append(c is '\u00A0' or '\u1680' or (>= '\u2000' and <= '\u200A') or '\u202F' or '\u205F' or '\u3000' ? ' ' : c);
        }

        return builder.ToString().Normalize(NormalizationForm.FormKC);
    }
}
