using System.Security.Cryptography;
using System.Text;

namespace LastCall.Security;

/// <summary>
/// Standard Webhooks secrets and signatures. A secret is <c>whsec_</c> + base64 of 32 random bytes;
/// the server must know it to sign, so it is stored encrypted with AES-256-GCM under a key derived
/// from the master key, bound to its partner (a ciphertext cannot be moved to another partner). It is
/// read under any configured master key and written under the current one (<see cref="KeyRing"/>).
/// A signature is <c>v1,</c> + base64 HMAC-SHA256 of <c>{id}.{timestamp}.{body}</c> keyed with the
/// secret's decoded bytes.
/// </summary>
public sealed class WebhookSecrets(KeyRing keys)
{
    public const string Prefix = "whsec_";
    public const int SecretBytes = 32;

    private readonly IReadOnlyList<PurposeKey> _encryptionKeys = keys.DeriveAll("webhook-secret-encryption/v1");

    public static string Create() => Prefix + Convert.ToBase64String(RandomNumberGenerator.GetBytes(SecretBytes));

    public string Protect(Guid partnerId, string secret) => SealedText.Seal(_encryptionKeys[0], secret, AssociatedData(partnerId));

    public string Unprotect(Guid partnerId, string protectedSecret) => SealedText.Open(_encryptionKeys, protectedSecret, AssociatedData(partnerId), "webhook secret");

    /// <summary>A stored secret sealed again under the current master key (key rotation).</summary>
    public string Reseal(Guid partnerId, string protectedSecret) => Protect(partnerId, Unprotect(partnerId, protectedSecret));

    /// <summary>The <c>webhook-signature</c> header value for one attempt.</summary>
    public static string Sign(string secret, string webhookId, long timestamp, string body)
    {
        if (!secret.StartsWith(Prefix, StringComparison.Ordinal))
            throw new ArgumentException("A webhook secret starts with " + Prefix, nameof(secret));
        var key = Convert.FromBase64String(secret[Prefix.Length..]);
        var content = Encoding.UTF8.GetBytes(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{webhookId}.{timestamp}.{body}"));
        return "v1," + Convert.ToBase64String(HMACSHA256.HashData(key, content));
    }

    private static string AssociatedData(Guid partnerId) => "webhook-secret:" + partnerId.ToString("N");
}
