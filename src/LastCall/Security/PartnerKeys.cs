using System.Security.Cryptography;
using System.Text;

namespace LastCall.Security;

/// <summary>
/// Partner API keys: <c>lcp_</c> + 43 base64url characters (256 random bits). Only the SHA-256 of a key is
/// stored (a fast hash is safe for a key with that much entropy, and keeps the hot path cheap).
/// </summary>
public static class PartnerKeys
{
    public const string Prefix = "lcp_";

    public static (string Key, string DisplayPrefix, string Hash) Create()
    {
        var key = Prefix + Base64Url(RandomNumberGenerator.GetBytes(32));
        return (key, key[..12], Hash(key));
    }

    public static string Hash(string key) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));

    public static bool LooksLikeKey(string token) => token.StartsWith(Prefix, StringComparison.Ordinal);

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
