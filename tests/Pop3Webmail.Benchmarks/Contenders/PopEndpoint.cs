using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Pop3Webmail.Benchmarks.Contenders;

/// <summary>
/// Where a contender signs in. With <see cref="Tls"/> the connection is implicit TLS (RFC 8314) and every contender
/// trusts exactly the test server's self-signed certificate, pinned by its SHA-256 thumbprint: no contender gets
/// away with skipping validation.
/// </summary>
internal sealed record PopEndpoint(string Host, int Port, bool Tls, X509Certificate2 Certificate, string User, string Password)
{
    public string CertificateSha256 => Certificate.GetCertHashString(HashAlgorithmName.SHA256);

    /// <summary>Certificate check for the clients that take a callback (MailKit, the raw socket).</summary>
    public bool IsPinnedCertificate(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors) =>
        certificate is not null && string.Equals(certificate.GetCertHashString(HashAlgorithmName.SHA256), CertificateSha256, StringComparison.OrdinalIgnoreCase);
}
