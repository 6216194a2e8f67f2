using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Pop3Webmail.Testing;

/// <summary>
/// A throw-away self-signed server certificate for localhost / 127.0.0.1, written as PEM files a server can load.
/// It is deliberately not trusted by the machine: tests pin it by thumbprint, or prove default validation rejects it.
/// </summary>
public sealed class SelfSignedCertificate
{
    private SelfSignedCertificate(X509Certificate2 certificate, string certificatePath, string keyPath)
    {
        Certificate = certificate;
        CertificatePath = certificatePath;
        KeyPath = keyPath;
    }

    /// <summary>The public certificate (no private key).</summary>
    public X509Certificate2 Certificate { get; }

    /// <summary>SHA-256 thumbprint, 64 upper-case hex digits, as <c>Pop3ClientOptions.CertificateThumbprint</c> takes it.</summary>
    public string Sha256Thumbprint => Certificate.GetCertHashString(HashAlgorithmName.SHA256);

    /// <summary>The certificate as a PEM file.</summary>
    public string CertificatePath { get; }

    /// <summary>The PKCS#8 private key as a PEM file (mode 0600).</summary>
    public string KeyPath { get; }

    /// <summary>Creates an ECDSA P-256 certificate with SAN DNS:localhost and IP:127.0.0.1, valid for two days.</summary>
    public static SelfSignedCertificate Create(string directory)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName("localhost");
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));

        var now = DateTimeOffset.UtcNow;
        using var withKey = request.CreateSelfSigned(now.AddHours(-1), now.AddDays(2));
        var certificatePath = Path.Combine(directory, "server-cert.pem");
        var keyPath = Path.Combine(directory, "server-key.pem");
        File.WriteAllText(certificatePath, withKey.ExportCertificatePem());
        File.WriteAllText(keyPath, key.ExportPkcs8PrivateKeyPem());
        PosixNative.SetMode(keyPath, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        return new SelfSignedCertificate(X509CertificateLoader.LoadCertificate(withKey.RawData), certificatePath, keyPath);
    }
}
