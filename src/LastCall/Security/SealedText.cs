using System.Security.Cryptography;
using System.Text;

namespace LastCall.Security;

/// <summary>
/// The one at-rest encryption format for secrets we must read back (ID numbers, webhook secrets): AES-256-GCM with a
/// random nonce, written as <c>v2:KEYID:</c> + base64(nonce ‖ tag ‖ ciphertext), where KEYID names the master key
/// (<see cref="KeyRing"/>) whose purpose key sealed it. The older <c>v1:</c> + base64 form carries no key id and is
/// tried with every configured key. The associated data binds a ciphertext to its owner or kind, so it cannot be
/// moved to another row.
/// </summary>
internal static class SealedText
{
    private const string LegacyVersion = "v1";
    private const string FormatVersion = "v2";
    private const int NonceSize = 12;
    private const int TagSize = 16;

    public static string Seal(PurposeKey key, string plaintext, string associatedData)
    {
        var clear = Encoding.UTF8.GetBytes(plaintext);
        var blob = new byte[NonceSize + TagSize + clear.Length];
        ThreadCrypto.Random(blob.AsSpan(0, NonceSize));
        ThreadCrypto.Aes(key.Bytes).Encrypt(blob.AsSpan(0, NonceSize), clear, blob.AsSpan(NonceSize + TagSize), blob.AsSpan(NonceSize, TagSize), Encoding.UTF8.GetBytes(associatedData));
        return PrefixFor(key.KeyId) + Convert.ToBase64String(blob);
    }

    /// <summary>How every value sealed under the master key <paramref name="keyId"/> begins (rotation finds the others by it).</summary>
    public static string PrefixFor(string keyId) => FormatVersion + ":" + keyId + ":";

    /// <summary>
    /// Opens a value sealed under any of <paramref name="keys"/>. Throws <see cref="CryptographicException"/> for another
    /// format, a key that is not configured (naming its id, never a key), or other associated data.
    /// </summary>
    public static string Open(IReadOnlyList<PurposeKey> keys, string sealedText, string associatedData, string what)
    {
        var parts = sealedText.Split(':');
        if (parts is [FormatVersion, var keyId, var body])
        {
            var key = keys.FirstOrDefault(k => k.KeyId == keyId)
                ?? throw new CryptographicException(
                    $"The {what} is sealed under master key {keyId}, which is not configured (Security:MasterKey or Security:PreviousMasterKeys).");
            return Open(key.Bytes, body, associatedData);
        }
        if (parts is not [LegacyVersion, var legacyBody])
            throw new CryptographicException($"Unknown {what} ciphertext format.");
        foreach (var key in keys)
        {
            try
            {
                return Open(key.Bytes, legacyBody, associatedData);
            }
            catch (AuthenticationTagMismatchException)
            {
                // Sealed before ciphertexts named their key: the next configured key may be the one.
            }
        }
        throw new CryptographicException($"The {what} (v1, sealed before key ids) opens with none of the configured master keys.");
    }

    private static string Open(byte[] key, string base64, string associatedData)
    {
        var blob = Convert.FromBase64String(base64);
        var clear = new byte[blob.Length - NonceSize - TagSize];
        ThreadCrypto.Aes(key).Decrypt(blob.AsSpan(0, NonceSize), blob.AsSpan(NonceSize + TagSize), blob.AsSpan(NonceSize, TagSize), clear, Encoding.UTF8.GetBytes(associatedData));
        return Encoding.UTF8.GetString(clear);
    }
}
