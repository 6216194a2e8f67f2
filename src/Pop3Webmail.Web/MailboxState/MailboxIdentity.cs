using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Pop3Webmail.Web.MailboxState;

/// <summary>
/// What the installation secret gives the store: mailbox names in the database are a keyed hash (HMAC-SHA256) of server
/// and user name, so without the secret the database reveals neither and a guessed name cannot be checked against it;
/// and the pepper mixed into every mailbox key (<see cref="MailboxKeys"/>).
/// </summary>
internal sealed class MailboxIdentity : IDisposable
{
    public const int TagLength = HMACSHA256.HashSizeInBytes;

    /// <summary>The least secret we accept: 256 bits.</summary>
    public const int MinimumSecretLength = 32;

    private static readonly byte[] Domain = "pop3webmail mailbox-state v1 mailbox\n"u8.ToArray();
    private static readonly byte[] PepperInfo = "pop3webmail mailbox-state v1 pepper"u8.ToArray();

    private readonly byte[] _secret;

    public MailboxIdentity(byte[] secret)
    {
        if (secret.Length < MinimumSecretLength)
        {
            throw new ArgumentException($"The installation secret must have at least {MinimumSecretLength} bytes.", nameof(secret));
        }

        _secret = [.. secret];
        Pepper = HKDF.DeriveKey(HashAlgorithmName.SHA256, _secret, 32, salt: [], info: PepperInfo);
    }

    /// <summary>Mixed into every mailbox key, so the stored key-check values are useless for guessing without the secret.</summary>
    public byte[] Pepper { get; }

    /// <summary>
    /// The mailbox's tag. The user name is normalized to NFC only: case is kept because a server may treat "Ann" and
    /// "ann" as two mailboxes, and two mailboxes must never share remembered rows.
    /// </summary>
    public byte[] Tag(string serverId, string userName)
    {
        var server = Encoding.UTF8.GetBytes(serverId.Normalize(NormalizationForm.FormC));
        var user = Encoding.UTF8.GetBytes(userName.Normalize(NormalizationForm.FormC));

        // Length-prefixed fields, so no server id / user name pair can be shifted into another.
        var input = new byte[Domain.Length + 4 + server.Length + user.Length];
        Domain.CopyTo(input, 0);
        BinaryPrimitives.WriteInt32BigEndian(input.AsSpan(Domain.Length), server.Length);
        server.CopyTo(input, Domain.Length + 4);
        user.CopyTo(input, Domain.Length + 4 + server.Length);
        return HMACSHA256.HashData(_secret, input);
    }

    public void Dispose()
    {
        CryptographicOperations.ZeroMemory(_secret);
        CryptographicOperations.ZeroMemory(Pepper);
    }
}
