using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Pop3Webmail.Pop3;

/// <summary>How the connection is protected (RFC 8314 recommends implicit TLS, RFC 2595 defines STLS).</summary>
public enum Pop3Security
{
    /// <summary>Implicit TLS from the first byte (port 995, RFC 8314 §3.3). The default.</summary>
    Tls,

    /// <summary>Plaintext greeting, then STLS is mandatory; the connection fails if the server does not offer it.</summary>
    StartTls,

    /// <summary>No TLS at all. Only when the caller explicitly chooses it (e.g. a loopback test server).</summary>
    None,
}

/// <summary>The mechanisms the client can authenticate with, strongest first in automatic mode.</summary>
public enum Pop3AuthenticationMechanism
{
    ScramSha256,
    ScramSha1,
    CramMd5,
    Apop,
    Plain,
    Login,
    User,
    XOAuth2,
    OAuthBearer,
}

public sealed class Pop3ClientOptions
{
    public const int DefaultTlsPort = 995;
    public const int DefaultPort = 110;

    public Pop3Security Security { get; init; } = Pop3Security.Tls;

    /// <summary>
    /// Allows PLAIN, LOGIN and USER/PASS (password in the clear) on a connection without TLS. Off by default.
    /// APOP is never chosen automatically without TLS either (its MD5 digest is crackable offline).
    /// </summary>
    public bool AllowPlaintextAuthentication { get; init; }

    /// <summary>
    /// Pins the server certificate: its SHA-256 (64 hex digits) or SHA-1 (40 hex digits) thumbprint. A pinned
    /// certificate is accepted even when self-signed; any other certificate is rejected.
    /// </summary>
    public string? CertificateThumbprint { get; init; }

    /// <summary>Replaces the default validation (chain, name, expiry) entirely when set.</summary>
    public RemoteCertificateValidationCallback? ServerCertificateValidationCallback { get; init; }

    /// <summary>Mechanisms the automatic cascade may use; null means all that the server offers and policy allows.</summary>
    public IReadOnlyCollection<Pop3AuthenticationMechanism>? AllowedMechanisms { get; init; }

    /// <summary>
    /// Longest the whole connect may take: TCP connect, TLS handshake, greeting and CAPA, and STLS with its second
    /// handshake and CAPA (RFC 2595 §4). A server that answers but never finishes cannot hold a caller longer.
    /// </summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Longest one authentication call may take, every mechanism the cascade tries and the capabilities re-read after
    /// login included. Servers delay failed logins on purpose (Dovecot up to 15 s); a minute covers that.
    /// </summary>
    public TimeSpan AuthenticationTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Longest wait for any single read or write.</summary>
    public TimeSpan IoTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// The deadline of every other call (STAT, DELE, LIST, RETR, …), before the time its transfer earns: a call that
    /// moves data gets one second more for every <see cref="MinimumTransferRate"/> bytes it expects (messages times
    /// a per-line or per-header allowance, a message's LIST size) or actually receives. A server that trickles a byte
    /// now and then therefore cannot hold a call much longer than this, while a big transfer at a sane rate always
    /// fits. A body stream handed to the caller keeps its RETR's deadline across all its reads.
    /// </summary>
    public TimeSpan OperationTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// The slowest transfer, in bytes per second, that <see cref="OperationTimeout"/> still waits for (see there).
    /// 32 KiB/s is a quarter of a 1 Mbit/s line: the POP3 link of a webmail is server to server, so anything slower
    /// is a fault or an attack, not a user on a bad connection.
    /// </summary>
    public int MinimumTransferRate { get; init; } = 32 * 1024;

    /// <summary>
    /// Longest status, list or CAPA line accepted, in octets without CRLF. RFC 2449 §4 limits responses to
    /// 512 octets; the default is lenient but bounded so a hostile server cannot make us buffer without end.
    /// </summary>
    public int MaxLineLength { get; init; } = 8 * 1024;

    /// <summary>
    /// Most commands outstanding in a pipeline (RFC 2449 §6.6); it is topped up when half have been answered, so half
    /// must still cover the link's bandwidth × delay or the server runs dry: on a 40 ms, 50 Mbit/s link that is about
    /// 250 KB of replies, some 600 TOP headers. With 1024 (512 left at each top-up) listing 10k headers over such a link
    /// took 1.18 s, with 4096 0.94 s, against 0.84 s for a raw socket that sends everything at once
    /// (docs/performance.md). On the loopback 64 was 1.7× slower than 1024 on a busy 2-core machine.
    /// </summary>
    public int PipelineWindow { get; init; } = 4096;

    /// <summary>
    /// Most command octets outstanding in a pipeline, so we never outrun the server's input buffer: our write must
    /// complete even when the server has stopped reading (its replies fill our receive buffer while we write), and
    /// 32 KiB (about 2,700 TOP commands) fits in any default TCP receive buffer (Linux 128 KiB, Windows 64 KiB).
    /// </summary>
    public int PipelineMaxBytes { get; init; } = 32 * 1024;

    /// <summary>
    /// Largest header block a summary reads (TOP n 0, or the header part of the RETR fallback). A reply that goes on
    /// past it is not drained: the connection is closed and <see cref="Pop3LimitExceededException"/> names the
    /// message, so a caller can skip that one message on a new connection. 256 KiB is many times any real header.
    /// </summary>
    public int MaxHeaderBytes { get; init; } = 256 * 1024;

    /// <summary>
    /// Largest message RETR (or TOP with body lines) reads; 512 MiB by default, far above what mail systems accept.
    /// When LIST told this session the message's size, the body may also not exceed twice that size plus 1 MiB:
    /// real servers are off by the LF/CRLF difference or an estimate (at most 2×), a hostile one claims 1 KB and
    /// sends a gigabyte. Past either bound the read stops at once, the connection is closed, and
    /// <see cref="Pop3LimitExceededException"/> is thrown (the message stays on the server).
    /// </summary>
    public long MaxMessageSize { get; init; } = 512L * 1024 * 1024;

    /// <summary>
    /// Most messages a mailbox may have for LIST, UIDL and the mailbox listing: a STAT count above it is refused with
    /// <see cref="Pop3LimitExceededException"/> before any listing is read. At 100,000 a listing costs at most about
    /// 13 MB on the wire and 25 MB of managed memory (sizes and UIDL strings); a POP3 mailbox that large cannot be
    /// listed on every visit anyway (10k messages take 0.2–2 s depending on the link).
    /// </summary>
    public int MaxMessageCount { get; init; } = 100_000;

    /// <summary>Upper bound on a SCRAM server's iteration count, so a hostile server cannot burn our CPU.</summary>
    public int MaxScramIterations { get; init; } = 1_000_000;

    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>
    /// Judges a server certificate as a connection with these options does: <see cref="ServerCertificateValidationCallback"/>
    /// when set, else the <see cref="CertificateThumbprint"/> pin, else the platform's chain and name validation.
    /// Public so that other code talking to the same server (e.g. a readiness probe) applies the very same rule.
    /// </summary>
    public bool ValidateServerCertificate(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors sslPolicyErrors)
    {
        if (ServerCertificateValidationCallback is { } callback)
        {
            return callback(sender, certificate, chain, sslPolicyErrors);
        }

        if (CertificateThumbprint is { } pinned)
        {
            return certificate is not null && MatchesThumbprint(certificate, pinned);
        }

        return sslPolicyErrors == SslPolicyErrors.None;
    }

    private static bool MatchesThumbprint(X509Certificate certificate, string pinned)
    {
        var normalized = new string(pinned.Where(Uri.IsHexDigit).ToArray());
        var actual = normalized.Length == 40
            ? certificate.GetCertHashString(HashAlgorithmName.SHA1)
            : certificate.GetCertHashString(HashAlgorithmName.SHA256);
        return normalized.Length is 40 or 64 && string.Equals(actual, normalized, StringComparison.OrdinalIgnoreCase);
    }
}
