using System.Security.Cryptography;
using System.Text;

namespace LastCall.Security;

/// <summary>
/// Standard Webhooks secrets and signatures. A secret is <c>whsec_</c> + base64 of 32 random bytes;
/// the server must know it to sign, so it is stored encrypted with AES-256-GCM under a key derived
/// from the master key, bound to its partner (a ciphertext cannot be moved to another partner).
/// A signature is <c>v1,</c> + base64 HMAC-SHA256 of <c>{id}.{timestamp}.{body}</c> keyed with the
/// secret's decoded bytes.
/// </summary>
public sealed class WebhookSecrets(KeyRing keys)
{
    public const string Prefix = "whsec_";
    public const int SecretBytes = 32;
    private const string FormatVersion = "v1";
    private const int NonceSize = 12;
    private const int TagSize = 16;

    private readonly byte[] _encryptionKey = keys.Derive("webhook-secret-encryption/v1");

    public static string Create() => Prefix + Convert.ToBase64String(RandomNumberGenerator.GetBytes(SecretBytes));

    public string Protect(Guid partnerId, string secret)
    {
        var plaintext = Encoding.UTF8.GetBytes(secret);
        var blob = new byte[NonceSize + TagSize + plaintext.Length];
        RandomNumberGenerator.Fill(blob.AsSpan(0, NonceSize));
        using var aes = new AesGcm(_encryptionKey, TagSize);
        aes.Encrypt(blob.AsSpan(0, NonceSize), plaintext, blob.AsSpan(NonceSize + TagSize), blob.AsSpan(NonceSize, TagSize), AssociatedData(partnerId));
        return FormatVersion + ":" + Convert.ToBase64String(blob);
    }

    public string Unprotect(Guid partnerId, string protectedSecret)
    {
        var parts = protectedSecret.Split(':');
        if (parts.Length != 2 || parts[0] != FormatVersion)
            throw new CryptographicException("Unknown webhook secret ciphertext format.");
        var blob = Convert.FromBase64String(parts[1]);
        var plaintext = new byte[blob.Length - NonceSize - TagSize];
        using var aes = new AesGcm(_encryptionKey, TagSize);
        aes.Decrypt(blob.AsSpan(0, NonceSize), blob.AsSpan(NonceSize + TagSize), blob.AsSpan(NonceSize, TagSize), plaintext, AssociatedData(partnerId));
        return Encoding.UTF8.GetString(plaintext);
    }

    /// <summary>The <c>webhook-signature</c> header value for one attempt.</summary>
    public static string Sign(string secret, string webhookId, long timestamp, string body)
    {
        if (!secret.StartsWith(Prefix, StringComparison.Ordinal))
            throw new ArgumentException("A webhook secret starts with " + Prefix, nameof(secret));
        var key = Convert.FromBase64String(secret[Prefix.Length..]);
        var content = Encoding.UTF8.GetBytes(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{webhookId}.{timestamp}.{body}"));
        return "v1," + Convert.ToBase64String(HMACSHA256.HashData(key, content));
    }

    private static byte[] AssociatedData(Guid partnerId) => Encoding.UTF8.GetBytes("webhook-secret:" + partnerId.ToString("N"));
}
