using System.Security.Cryptography;
using System.Text;

namespace Pop3Webmail.Web.MailboxState;

/// <summary>
/// The keys of one mailbox, derived from the user's password: PBKDF2-SHA256 (RFC 8018 §5.2) with the mailbox's random
/// salt, then HKDF-Extract (RFC 5869 §2.2) with the installation's pepper (<see cref="MailboxIdentity.Pepper"/>) gives a
/// master key, and HKDF-Expand (§2.3) splits it into independent keys for row encryption (AES-256-GCM), row ids
/// (HMAC-SHA256 of the UIDL) and the key-check value that tells a changed password from the right one. Only the
/// key-check value is stored; thanks to the pepper, a copy of the database without the installation secret cannot be
/// used to test password guesses. The keys live in memory for one visit and are zeroed on dispose.
/// A row's payload is the sealed <see cref="RememberedMessageCodec"/> record with the mailbox tag and row id as
/// associated data: a row that is damaged, tampered with, moved to another row or mailbox, or sealed under another
/// password does not open, and reads as absent.
/// </summary>
internal sealed class MailboxKeys : IDisposable
{
    public const int SaltLength = 16;
    public const int KeyCheckLength = 32;

    /// <summary>Row ids are HMAC-SHA256 cut to 128 bits: collisions within one mailbox are out of reach.</summary>
    public const int RowIdLength = 16;

    private const int KeyLength = 32;
    private const int NonceLength = 12;
    private const int TagLength = 16;

    /// <summary>The first byte of every stored row: the format of what follows (nonce, ciphertext, tag).</summary>
    private const byte RowFormat = 1;

    private static readonly byte[] EncryptionInfo = "pop3webmail mailbox-state v1 row encryption"u8.ToArray();
    private static readonly byte[] RowIdInfo = "pop3webmail mailbox-state v1 row id"u8.ToArray();
    private static readonly byte[] KeyCheckInfo = "pop3webmail mailbox-state v1 key check"u8.ToArray();

    private readonly byte[] _rowIdKey;
    private readonly byte[] _mailboxTag;
    private readonly AesGcm _aes;
    private readonly Lock _aesLock = new();

    private MailboxKeys(byte[] masterKey, byte[] mailboxTag)
    {
        _mailboxTag = mailboxTag;
        var encryptionKey = HKDF.Expand(HashAlgorithmName.SHA256, masterKey, KeyLength, EncryptionInfo);
        _rowIdKey = HKDF.Expand(HashAlgorithmName.SHA256, masterKey, KeyLength, RowIdInfo);
        KeyCheck = HKDF.Expand(HashAlgorithmName.SHA256, masterKey, KeyCheckLength, KeyCheckInfo);
        _aes = new AesGcm(encryptionKey, TagLength);
        CryptographicOperations.ZeroMemory(encryptionKey);
    }

    /// <summary>Stored beside the salt; equal only when the password is the one the mailbox was created with.</summary>
    public byte[] KeyCheck { get; }

    /// <summary>
    /// Derives the keys of the mailbox <paramref name="mailboxTag"/> (the costly step: <paramref name="iterations"/>
    /// rounds of PBKDF2-SHA256).
    /// </summary>
    public static MailboxKeys Derive(string password, byte[] salt, int iterations, byte[] mailboxTag, byte[] pepper)
    {
        var passwordBytes = Encoding.UTF8.GetBytes(password);
        var stretched = Rfc2898DeriveBytes.Pbkdf2(passwordBytes, salt, iterations, HashAlgorithmName.SHA256, KeyLength);
        var masterKey = HKDF.Extract(HashAlgorithmName.SHA256, stretched, pepper);
        try
        {
            return new MailboxKeys(masterKey, mailboxTag);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(passwordBytes);
            CryptographicOperations.ZeroMemory(stretched);
            CryptographicOperations.ZeroMemory(masterKey);
        }
    }

    public static byte[] NewSalt() => RandomNumberGenerator.GetBytes(SaltLength);

    /// <summary>Compares in constant time, so a timing side channel tells nothing about the stored value.</summary>
    public bool Matches(byte[] storedKeyCheck) => CryptographicOperations.FixedTimeEquals(KeyCheck, storedKeyCheck);

    /// <summary>The row's key in the database: a keyed hash of the UIDL, so the UIDL itself is never stored in the clear.</summary>
    public byte[] RowId(string uid)
    {
        Span<byte> hash = stackalloc byte[HMACSHA256.HashSizeInBytes];
        HMACSHA256.HashData(_rowIdKey, Encoding.ASCII.GetBytes(uid), hash);
        return hash[..RowIdLength].ToArray();
    }

    public StoredRow Protect(RememberedMessage message)
    {
        var rowId = RowId(message.Uid);
        return new StoredRow(rowId, Seal(RememberedMessageCodec.Encode(message), AssociatedData(rowId)));
    }

    /// <summary>The message, or null when the row cannot be trusted.</summary>
    public RememberedMessage? Unprotect(StoredRow row)
    {
        var plaintext = Open(row.Payload, AssociatedData(row.RowId));
        return plaintext is null ? null : RememberedMessageCodec.Decode(plaintext);
    }

    public void Dispose()
    {
        CryptographicOperations.ZeroMemory(_rowIdKey);
        _aes.Dispose();
    }

    private byte[] AssociatedData(byte[] rowId) => [.. _mailboxTag, .. rowId];

    /// <summary>
    /// Encrypts one row with a fresh random nonce. <paramref name="associatedData"/> (the row's identity) is
    /// authenticated, so a row copied to another place in the database no longer decrypts.
    /// </summary>
    private byte[] Seal(byte[] plaintext, byte[] associatedData)
    {
        var sealedRow = new byte[1 + NonceLength + plaintext.Length + TagLength];
        sealedRow[0] = RowFormat;
        var nonce = sealedRow.AsSpan(1, NonceLength);
        RandomNumberGenerator.Fill(nonce);
        var ciphertext = sealedRow.AsSpan(1 + NonceLength, plaintext.Length);
        var tag = sealedRow.AsSpan(1 + NonceLength + plaintext.Length, TagLength);
        lock (_aesLock)
        {
            _aes.Encrypt(nonce, plaintext, ciphertext, tag, associatedData);
        }

        return sealedRow;
    }

    /// <summary>The plaintext, or null when the row is damaged, tampered with, moved, or sealed with another key.</summary>
    private byte[]? Open(byte[] sealedRow, byte[] associatedData)
    {
        if (sealedRow.Length < 1 + NonceLength + TagLength || sealedRow[0] != RowFormat)
        {
            return null;
        }

        var plaintextLength = sealedRow.Length - 1 - NonceLength - TagLength;
        var plaintext = new byte[plaintextLength];
        try
        {
            lock (_aesLock)
            {
                _aes.Decrypt(
                    sealedRow.AsSpan(1, NonceLength),
                    sealedRow.AsSpan(1 + NonceLength, plaintextLength),
                    sealedRow.AsSpan(1 + NonceLength + plaintextLength, TagLength),
                    plaintext,
                    associatedData);
            }

            return plaintext;
        }
        catch (AuthenticationTagMismatchException)
        {
            return null;
        }
    }
}
