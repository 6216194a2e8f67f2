using System.Security.Cryptography;
using System.Text;

namespace Pop3Webmail.Pop3.Tests.Sasl;

/// <summary>
/// The server half of SCRAM (RFC 5802 §3) for scripted exchanges, written from the RFC formulas with the BCL's
/// generic HMAC/hash so it checks the client independently: it verifies the client's proof and produces the
/// ServerSignature the client must insist on.
/// </summary>
internal sealed class ScramTestServer(HashAlgorithmName hash, string password, string serverNonceSuffix = "3rfcNHYJY1ZVvWVs7j")
{
    private readonly byte[] _salt = Encoding.ASCII.GetBytes("pop3-webmail-salt");
    private const int Iterations = 4096;
    private string _clientFirstBare = string.Empty;
    private string _serverFirst = string.Empty;
    private byte[] _authMessage = [];

    public string Mechanism => hash == HashAlgorithmName.SHA256 ? "SCRAM-SHA-256" : "SCRAM-SHA-1";

    /// <summary>Accepts "AUTH SCRAM-… base64(n,,n=user,r=nonce)" and remembers the client-first message.</summary>
    public bool AcceptAuthLine(string line, string expectedUser)
    {
        var prefix = "AUTH " + Mechanism + " ";
        if (!line.StartsWith(prefix, StringComparison.Ordinal))
        {
            return false;
        }

        var clientFirst = Encoding.UTF8.GetString(Convert.FromBase64String(line[prefix.Length..]));
        if (!clientFirst.StartsWith("n,,n=" + expectedUser + ",r=", StringComparison.Ordinal))
        {
            return false;
        }

        _clientFirstBare = clientFirst[3..];
        var clientNonce = _clientFirstBare[(_clientFirstBare.IndexOf(",r=", StringComparison.Ordinal) + 3)..];
        _serverFirst = $"r={clientNonce}{serverNonceSuffix},s={Convert.ToBase64String(_salt)},i={Iterations}";
        return clientNonce.Length >= 16;
    }

    public string ServerFirstChallenge() => "+ " + Base64(_serverFirst) + "\r\n";

    /// <summary>Accepts the client-final line only if its proof shows knowledge of the password.</summary>
    public bool AcceptClientFinal(string line)
    {
        var clientFinal = Encoding.UTF8.GetString(Convert.FromBase64String(line));
        var proofAt = clientFinal.IndexOf(",p=", StringComparison.Ordinal);
        if (proofAt < 0)
        {
            return false;
        }

        var withoutProof = clientFinal[..proofAt];
        var nonce = _serverFirst[2.._serverFirst.IndexOf(',', StringComparison.Ordinal)];
        if (withoutProof != "c=biws,r=" + nonce)
        {
            return false;
        }

        _authMessage = Encoding.UTF8.GetBytes(_clientFirstBare + "," + _serverFirst + "," + withoutProof);
        var proof = Convert.FromBase64String(clientFinal[(proofAt + 3)..]);
        var salted = SaltedPassword();
        var storedKey = CryptographicOperations.HashData(hash, CryptographicOperations.HmacData(hash, salted, "Client Key"u8.ToArray()));
        var clientSignature = CryptographicOperations.HmacData(hash, storedKey, _authMessage);
        if (proof.Length != clientSignature.Length)
        {
            return false;
        }

        var clientKey = new byte[proof.Length];
        for (var i = 0; i < proof.Length; i++)
        {
            clientKey[i] = (byte)(proof[i] ^ clientSignature[i]);
        }

        return CryptographicOperations.HashData(hash, clientKey).AsSpan().SequenceEqual(storedKey);
    }

    /// <summary>"v=ServerSignature", base64 for the wire; <paramref name="forge"/> flips one bit of the signature.</summary>
    public string ServerFinal(bool forge = false)
    {
        var serverKey = CryptographicOperations.HmacData(hash, SaltedPassword(), "Server Key"u8.ToArray());
        var signature = CryptographicOperations.HmacData(hash, serverKey, _authMessage);
        if (forge)
        {
            signature[0] ^= 1;
        }

        return Base64("v=" + Convert.ToBase64String(signature));
    }

    private byte[] SaltedPassword() =>
        Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password), _salt, Iterations, hash, hash == HashAlgorithmName.SHA256 ? 32 : 20);

    private static string Base64(string text) => Convert.ToBase64String(Encoding.UTF8.GetBytes(text));
}
