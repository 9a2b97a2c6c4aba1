using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace LastCall.Features.Certificates;

/// <summary>A certificate's signature (base64url, no padding, of the 64-byte r‖s) and the id of the key that made it.</summary>
public sealed record CertificateSignature(string Value, string KeyId);

/// <summary>A public key as published at <c>/.well-known/lastcall/certificate-keys</c>.</summary>
public sealed record CertificatePublicKey(string KeyId, string Algorithm, string PublicKeyPem, CertificateJwk Jwk, bool Current);

/// <summary>The same key as an RFC 7517 JSON Web Key (kty EC, crv P-256, x and y base64url).</summary>
public sealed record CertificateJwk(string Kty, string Crv, string X, string Y, string Kid, string Alg, string Use);

/// <summary>
/// Signs certificates with ECDSA P-256 and SHA-256 (JWS "ES256"; Ed25519 is not in the .NET base
/// library), for certificates and lookup receipts. A certificate's signature covers <see cref="CertificateData.CanonicalBytes"/> and is written as in
/// JWS: the fixed-size r‖s (IEEE P1363), base64url. A key is known by its id, the first 16 hex digits
/// of the SHA-256 of its SubjectPublicKeyInfo (DER). The current key signs; retired public keys stay
/// so that certificates they signed still verify after a rotation.
/// </summary>
public sealed class CertificateSigner : IDisposable
{
    public const string Algorithm = "ES256";
    public const string SigningKeyFileName = "certificate-signing-key.pem";
    public const string SigningKeyPemSetting = "Certificates:SigningKeyPem";
    public const string RetiredPublicKeyPemsSetting = "Certificates:RetiredPublicKeyPems";

    private readonly ECDsa _signingKey;
    private readonly ThreadLocal<ECDsa> _threadSigningKeys;
    private readonly Dictionary<string, ECDsa> _verifyKeys = new(StringComparer.Ordinal);
    private readonly List<CertificatePublicKey> _publicKeys = [];

    /// <param name="signingKey">The current P-256 private key; the signer takes ownership.</param>
    /// <param name="retiredPublicKeys">Keys that signed earlier certificates; only their public part is used. The signer takes ownership.</param>
    public CertificateSigner(ECDsa signingKey, IEnumerable<ECDsa>? retiredPublicKeys = null)
    {
        ArgumentNullException.ThrowIfNull(signingKey);
        RequireP256(signingKey);
        _signingKey = signingKey;
        // A copy of the private key per thread: an ECDsa instance is not documented as safe for concurrent use, and lookup
        // receipts are signed on every core at once (one lock would cap them at one core).
        var privateKey = signingKey.ExportECPrivateKey();
        _threadSigningKeys = new ThreadLocal<ECDsa>(() =>
        {
            var copy = ECDsa.Create();
            copy.ImportECPrivateKey(privateKey, out _);
            return copy;
        }, trackAllValues: false); // a thread's copy goes with its thread (the native key is freed by its SafeHandle)
        CurrentKeyId = KeyIdOf(signingKey);
        Add(signingKey, current: true);
        foreach (var key in retiredPublicKeys ?? [])
        {
            RequireP256(key);
            if (!_verifyKeys.ContainsKey(KeyIdOf(key)))
                Add(PublicOnly(key), current: false);
            key.Dispose();
        }
    }

    /// <summary>The id of the key that signs new certificates.</summary>
    public string CurrentKeyId { get; }

    /// <summary>
    /// The signer from configuration: <c>Certificates:SigningKeyPem</c> (a PEM P-256 private key, PKCS#8
    /// "PRIVATE KEY" or SEC1 "EC PRIVATE KEY"; literal <c>\n</c> is read as a line break so it fits in an
    /// environment variable) and <c>Certificates:RetiredPublicKeyPems</c> (a list of PEM public keys, e.g.
    /// <c>Certificates__RetiredPublicKeyPems__0</c>). When no key is configured and
    /// <paramref name="developmentKeyFolder"/> is given (the embedded SQLite default, as for
    /// <see cref="Security.KeyRing"/>), the key is generated once into
    /// <c>{folder}/certificate-signing-key.pem</c>, mode 0600, and read from there afterwards.
    /// </summary>
    public static CertificateSigner FromConfiguredOrDevelopmentKey(
        string? signingKeyPem, IEnumerable<string?>? retiredPublicKeyPems, string? developmentKeyFolder)
    {
        var keys = new List<ECDsa>();
        try
        {
            var signingKey = !string.IsNullOrWhiteSpace(signingKeyPem)
                ? ImportPem(signingKeyPem, SigningKeyPemSetting)
                : LoadOrCreateDevelopmentKey(developmentKeyFolder);
            keys.Add(signingKey);
            RequirePrivateKey(signingKey);
            foreach (var pem in retiredPublicKeyPems ?? [])
            {
                if (!string.IsNullOrWhiteSpace(pem))
                    keys.Add(ImportPem(pem, RetiredPublicKeyPemsSetting));
            }
            return new CertificateSigner(signingKey, keys.Skip(1));
        }
        catch
        {
            foreach (var key in keys)
                key.Dispose();
            throw;
        }
    }

    /// <summary>Reads <see cref="SigningKeyPemSetting"/> and <see cref="RetiredPublicKeyPemsSetting"/> from <paramref name="configuration"/>.</summary>
    public static CertificateSigner FromConfiguration(IConfiguration configuration, string? developmentKeyFolder)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var retiredSection = configuration.GetSection(RetiredPublicKeyPemsSetting);
        IEnumerable<string?> retired = retiredSection.Value is { Length: > 0 } single
            ? [single]
            : retiredSection.GetChildren().Select(c => c.Value);
        return FromConfiguredOrDevelopmentKey(configuration[SigningKeyPemSetting], retired.ToList(), developmentKeyFolder);
    }

    /// <summary>Signs the canonical bytes of <paramref name="data"/> with the current key.</summary>
    public CertificateSignature Sign(CertificateData data)
    {
        ArgumentNullException.ThrowIfNull(data);
        return new CertificateSignature(Base64Url.EncodeToString(SignBytes(data.CanonicalBytes())), CurrentKeyId);
    }

    /// <summary>The ES256 signature (r‖s, 64 bytes) of <paramref name="bytes"/> by the current key, e.g. a JWS signing input.</summary>
    public byte[] SignBytes(ReadOnlySpan<byte> bytes) =>
        _threadSigningKeys.Value!.SignData(bytes, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);

    /// <summary>True when <paramref name="signature"/> (r‖s) signs <paramref name="bytes"/> by the key <paramref name="keyId"/>, current or retired.</summary>
    public bool VerifyBytes(ReadOnlySpan<byte> bytes, ReadOnlySpan<byte> signature, string? keyId)
    {
        if (keyId is null || signature.Length != 64 || !_verifyKeys.TryGetValue(keyId, out var key))
            return false;
        lock (key)
            return key.VerifyData(bytes, signature, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
    }

    /// <summary>
    /// True when <paramref name="signature"/> is a valid signature of <paramref name="data"/> by the key
    /// <paramref name="keyId"/>, current or retired. An unknown key id or a malformed signature is false.
    /// </summary>
    public bool Verify(CertificateData data, string? signature, string? keyId)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (string.IsNullOrEmpty(signature))
            return false;
        byte[] raw;
        try
        {
            raw = Base64Url.DecodeFromChars(signature);
        }
        catch (FormatException)
        {
            return false;
        }
        return VerifyBytes(data.CanonicalBytes(), raw, keyId);
    }

    /// <summary>Every key that verifies certificates, the current one first.</summary>
    public IReadOnlyList<CertificatePublicKey> PublicKeys() => _publicKeys;

    /// <summary>The key id: the first 16 hex digits (lower case) of SHA-256 over the DER SubjectPublicKeyInfo.</summary>
    public static string KeyIdOf(ECDsa key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return Convert.ToHexStringLower(SHA256.HashData(key.ExportSubjectPublicKeyInfo()))[..16];
    }

    public void Dispose()
    {
        foreach (var key in _verifyKeys.Values)
            key.Dispose();
        _threadSigningKeys.Dispose();
        _signingKey.Dispose();
    }

    private void Add(ECDsa key, bool current)
    {
        var keyId = KeyIdOf(key);
        var verifyKey = current ? PublicOnly(key) : key;
        _verifyKeys[keyId] = verifyKey;
        var q = verifyKey.ExportParameters(includePrivateParameters: false).Q;
        _publicKeys.Add(new CertificatePublicKey(
            keyId,
            Algorithm,
            verifyKey.ExportSubjectPublicKeyInfoPem(),
            new CertificateJwk("EC", "P-256", Base64Url.EncodeToString(q.X), Base64Url.EncodeToString(q.Y), keyId, Algorithm, "sig"),
            current));
    }

    private static ECDsa PublicOnly(ECDsa key)
    {
        var copy = ECDsa.Create();
        copy.ImportSubjectPublicKeyInfo(key.ExportSubjectPublicKeyInfo(), out _);
        return copy;
    }

    private static void RequireP256(ECDsa key)
    {
        var curve = key.ExportParameters(includePrivateParameters: false).Curve;
        if (!curve.IsNamed || (curve.Oid.Value != "1.2.840.10045.3.1.7" && curve.Oid.FriendlyName is not ("nistP256" or "ECDSA_P256")))
            throw new InvalidOperationException("Certificate signing keys must be ECDSA P-256 keys.");
    }

    private static void RequirePrivateKey(ECDsa key)
    {
        try
        {
            _ = key.ExportParameters(includePrivateParameters: true);
        }
        catch (CryptographicException e)
        {
            throw new InvalidOperationException($"{SigningKeyPemSetting} must hold a private key, not only a public one.", e);
        }
    }

    private static ECDsa ImportPem(string pem, string setting)
    {
        var key = ECDsa.Create();
        try
        {
            key.ImportFromPem(pem.Replace("\\n", "\n", StringComparison.Ordinal));
            return key;
        }
        catch (Exception e) when (e is ArgumentException or CryptographicException)
        {
            key.Dispose();
            throw new InvalidOperationException($"{setting} is not a PEM ECDSA P-256 key: {e.Message}", e);
        }
    }

    private static ECDsa LoadOrCreateDevelopmentKey(string? folder)
    {
        if (folder is null)
            throw new InvalidOperationException(
                $"{SigningKeyPemSetting} is not set. Generate one with `openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256` " +
                "and configure it (environment variable Certificates__SigningKeyPem); only the embedded SQLite default generates its own.");

        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, SigningKeyFileName);
        if (!File.Exists(path))
        {
            using var fresh = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows())
                options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite; // readable by the service account only
            try
            {
                using var stream = new FileStream(path, options);
                stream.Write(Encoding.ASCII.GetBytes(fresh.ExportPkcs8PrivateKeyPem() + "\n"));
            }
            catch (IOException) when (File.Exists(path))
            {
                // Another process created it first; use that one.
            }
        }
        return ImportPem(File.ReadAllText(path), path);
    }
}
