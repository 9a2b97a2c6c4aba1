using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using LastCall.Features.Certificates;
using Microsoft.Extensions.Configuration;

namespace LastCall.Tests.Features.Certificates;

public sealed class CertificateSignerTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "lastcall-cert-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_folder))
            Directory.Delete(_folder, recursive: true);
    }

    private static CertificateSigner NewSigner(out string privatePem)
    {
        var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        privatePem = key.ExportPkcs8PrivateKeyPem();
        return new CertificateSigner(key);
    }

    [Fact]
    public void Sign_ThenVerify_True()
    {
        using var signer = NewSigner(out _);
        var data = CertificateSamples.StoreCertificate();

        var (signature, keyId) = signer.Sign(data);

        Assert.Equal(signer.CurrentKeyId, keyId);
        Assert.Equal(86, signature.Length); // 64 bytes r‖s, base64url without padding
        Assert.DoesNotContain('=', signature);
        Assert.True(signer.Verify(data, signature, keyId));
    }

    [Fact]
    public void Verify_AnySingleFieldTampered_False()
    {
        using var signer = NewSigner(out _);
        var data = CertificateSamples.StoreCertificate();
        var (signature, keyId) = signer.Sign(data);

        var tampered = new[]
        {
            data with { CertificateNumber = CertificateNumbers.New(2026) },
            data with { MsisdnMasked = "+86139****0001" },
            data with { IdNumberMasked = "1102**********1234" },
            data with { OwnerName = "张纬" },
            data with { Channel = LastCall.Domain.Cancellations.CancellationChannel.Online },
            data with { StoreId = "BJ-HD-018" },
            data with { SubmittedOn = data.SubmittedOn.AddDays(1) },
            data with { CancelledOn = data.CancelledOn.AddDays(-1) },
            data with { QuarantineEndsOn = data.QuarantineEndsOn.AddDays(-30) },
            data with { IssuedAt = data.IssuedAt.AddHours(1) },
            data with { CancellationRequestId = Guid.NewGuid() },
            data with { VerifyUrl = "https://evil.example/verify" },
        };

        Assert.All(tampered, t => Assert.False(signer.Verify(t, signature, keyId)));
    }

    [Fact]
    public void Verify_TamperedSignature_False()
    {
        using var signer = NewSigner(out _);
        var data = CertificateSamples.StoreCertificate();
        var (signature, keyId) = signer.Sign(data);
        var raw = Base64Url.DecodeFromChars(signature);

        for (var i = 0; i < raw.Length; i += 7)
        {
            var flipped = (byte[])raw.Clone();
            flipped[i] ^= 0x01;
            Assert.False(signer.Verify(data, Base64Url.EncodeToString(flipped), keyId));
        }
        Assert.False(signer.Verify(data, signature[..^2], keyId));
        Assert.False(signer.Verify(data, "not base64url!", keyId));
        Assert.False(signer.Verify(data, "", keyId));
    }

    [Fact]
    public void Verify_UnknownKeyId_False()
    {
        using var signer = NewSigner(out _);
        var data = CertificateSamples.StoreCertificate();
        var (signature, _) = signer.Sign(data);

        Assert.False(signer.Verify(data, signature, "0000000000000000"));
        Assert.False(signer.Verify(data, signature, null));
    }

    [Fact]
    public void Verify_SignatureOfAnotherKeyUnderThisKeyId_False()
    {
        using var signer = NewSigner(out _);
        using var other = NewSigner(out _);
        var data = CertificateSamples.StoreCertificate();
        var (signature, _) = other.Sign(data);

        Assert.False(signer.Verify(data, signature, signer.CurrentKeyId));
    }

    [Fact]
    public void Verify_AfterRotation_OldSignaturesVerifyAndOnlyNewKeySigns()
    {
        var data = CertificateSamples.StoreCertificate();
        using var old = NewSigner(out var oldPem);
        var (oldSignature, oldKeyId) = old.Sign(data);
        using var oldKey = ECDsa.Create();
        oldKey.ImportFromPem(oldPem);

        using var newKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var rotated = CertificateSigner.FromConfiguredOrDevelopmentKey(
            newKey.ExportPkcs8PrivateKeyPem(),
            [oldKey.ExportSubjectPublicKeyInfoPem()],
            developmentKeyFolder: null);
        var (newSignature, newKeyId) = rotated.Sign(data);

        Assert.NotEqual(oldKeyId, newKeyId);
        Assert.True(rotated.Verify(data, oldSignature, oldKeyId));
        Assert.True(rotated.Verify(data, newSignature, newKeyId));
        Assert.Equal([newKeyId, oldKeyId], rotated.PublicKeys().Select(k => k.KeyId));
        Assert.Equal([true, false], rotated.PublicKeys().Select(k => k.Current));
    }

    [Fact]
    public void FromConfiguration_PemWithEscapedNewlinesAndRetiredList_SignsAndVerifiesBoth()
    {
        using var retiredKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var currentKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            [CertificateSigner.SigningKeyPemSetting] = currentKey.ExportPkcs8PrivateKeyPem().Replace("\n", "\\n", StringComparison.Ordinal),
            [CertificateSigner.RetiredPublicKeyPemsSetting + ":0"] = retiredKey.ExportSubjectPublicKeyInfoPem(),
        }).Build();

        using var signer = CertificateSigner.FromConfiguration(configuration, developmentKeyFolder: _folder);

        Assert.Equal(CertificateSigner.KeyIdOf(currentKey), signer.CurrentKeyId);
        Assert.Equal([CertificateSigner.KeyIdOf(currentKey), CertificateSigner.KeyIdOf(retiredKey)], signer.PublicKeys().Select(k => k.KeyId));
        Assert.False(File.Exists(Path.Combine(_folder, CertificateSigner.SigningKeyFileName)));
    }

    [Fact]
    public void FromConfiguredOrDevelopmentKey_NoKeyAndNoFolder_ThrowsNamingTheSetting()
    {
        var error = Assert.Throws<InvalidOperationException>(() => CertificateSigner.FromConfiguredOrDevelopmentKey(null, null, null));

        Assert.Contains("Certificates:SigningKeyPem", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FromConfiguredOrDevelopmentKey_PublicKeyAsSigningKey_Throws()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);

        Assert.Throws<InvalidOperationException>(() =>
            CertificateSigner.FromConfiguredOrDevelopmentKey(key.ExportSubjectPublicKeyInfoPem(), null, null));
    }

    [Fact]
    public void FromConfiguredOrDevelopmentKey_P384Key_Throws()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP384);

        var error = Assert.Throws<InvalidOperationException>(() =>
            CertificateSigner.FromConfiguredOrDevelopmentKey(key.ExportPkcs8PrivateKeyPem(), null, null));
        Assert.Contains("P-256", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FromConfiguredOrDevelopmentKey_NotPem_Throws()
    {
        Assert.Throws<InvalidOperationException>(() =>
            CertificateSigner.FromConfiguredOrDevelopmentKey("not a key", null, null));
    }

    [Fact]
    public void FromConfiguredOrDevelopmentKey_DevelopmentFolder_KeyCreatedOnceWithMode0600AndReused()
    {
        var path = Path.Combine(_folder, CertificateSigner.SigningKeyFileName);
        var data = CertificateSamples.StoreCertificate();

        string firstKeyId;
        CertificateSignature signature;
        using (var first = CertificateSigner.FromConfiguredOrDevelopmentKey(null, null, _folder))
        {
            firstKeyId = first.CurrentKeyId;
            signature = first.Sign(data);
        }
        var pem = File.ReadAllText(path);
        using var second = CertificateSigner.FromConfiguredOrDevelopmentKey(null, null, _folder);

        Assert.Equal(firstKeyId, second.CurrentKeyId);
        Assert.True(second.Verify(data, signature.Value, signature.KeyId));
        Assert.Equal(pem, File.ReadAllText(path));
        Assert.StartsWith("-----BEGIN PRIVATE KEY-----", pem, StringComparison.Ordinal);
        if (!OperatingSystem.IsWindows())
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
    }

    [Fact]
    public void FromConfiguredOrDevelopmentKey_ConfiguredKey_WinsOverDevelopmentFile()
    {
        using var development = CertificateSigner.FromConfiguredOrDevelopmentKey(null, null, _folder);
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);

        using var configured = CertificateSigner.FromConfiguredOrDevelopmentKey(key.ExportPkcs8PrivateKeyPem(), null, _folder);

        Assert.Equal(CertificateSigner.KeyIdOf(key), configured.CurrentKeyId);
        Assert.NotEqual(development.CurrentKeyId, configured.CurrentKeyId);
    }

    [Fact]
    public void KeyIdOf_Key_IsFirst16HexOfSha256OfSubjectPublicKeyInfo()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);

        var expected = Convert.ToHexStringLower(SHA256.HashData(key.ExportSubjectPublicKeyInfo()))[..16];

        Assert.Equal(expected, CertificateSigner.KeyIdOf(key));
    }

    [Fact]
    public void PublicKeys_Jwk_VerifiesSignatureWithFreshlyImportedKey()
    {
        using var signer = NewSigner(out _);
        var data = CertificateSamples.StoreCertificate();
        var (signature, keyId) = signer.Sign(data);

        // What a partner does offline: take the JWK whose kid matches, rebuild the canonical bytes, verify.
        var published = Assert.Single(signer.PublicKeys(), k => k.KeyId == keyId);
        Assert.Equal(("EC", "P-256", "ES256", "sig", keyId), (published.Jwk.Kty, published.Jwk.Crv, published.Jwk.Alg, published.Jwk.Use, published.Jwk.Kid));
        using var partner = ECDsa.Create(new ECParameters
        {
            Curve = ECCurve.NamedCurves.nistP256,
            Q = new ECPoint { X = Base64Url.DecodeFromChars(published.Jwk.X), Y = Base64Url.DecodeFromChars(published.Jwk.Y) },
        });
        var canonical = Encoding.UTF8.GetBytes(data.CanonicalText());

        Assert.True(partner.VerifyData(canonical, Base64Url.DecodeFromChars(signature), HashAlgorithmName.SHA256));
        Assert.False(partner.VerifyData(Encoding.UTF8.GetBytes((data with { OwnerName = "李娜" }).CanonicalText()), Base64Url.DecodeFromChars(signature), HashAlgorithmName.SHA256));
    }

    [Fact]
    public void PublicKeys_Pem_VerifiesDerSignatureAsOpenSslWould()
    {
        using var signer = NewSigner(out _);
        var data = CertificateSamples.StoreCertificate();
        var (signature, keyId) = signer.Sign(data);
        var published = Assert.Single(signer.PublicKeys(), k => k.KeyId == keyId);
        using var partner = ECDsa.Create();
        partner.ImportFromPem(published.PublicKeyPem);

        var der = ToDer(Base64Url.DecodeFromChars(signature));

        Assert.StartsWith("-----BEGIN PUBLIC KEY-----", published.PublicKeyPem, StringComparison.Ordinal);
        Assert.Equal(keyId, CertificateSigner.KeyIdOf(partner));
        Assert.True(partner.VerifyData(data.CanonicalBytes(), der, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence));
    }

    private static byte[] ToDer(byte[] p1363)
    {
        // Re-encode r‖s as the DER SEQUENCE { INTEGER r, INTEGER s } OpenSSL uses.
        var writer = new System.Formats.Asn1.AsnWriter(System.Formats.Asn1.AsnEncodingRules.DER);
        using (writer.PushSequence())
        {
            writer.WriteIntegerUnsigned(p1363.AsSpan(0, 32));
            writer.WriteIntegerUnsigned(p1363.AsSpan(32, 32));
        }
        return writer.Encode();
    }
}
