using System.Security.Cryptography;
using System.Text;

namespace LastCall.Security;

/// <summary>
/// The one at-rest encryption format for secrets we must read back (ID numbers, webhook secrets): AES-256-GCM with a
/// random nonce, written as <c>v1:</c> + base64(nonce ‖ tag ‖ ciphertext). The associated data binds a ciphertext to its
/// owner or kind, so it cannot be moved to another row.
/// </summary>
internal static class SealedText
{
    private const string FormatVersion = "v1";
    private const int NonceSize = 12;
    private const int TagSize = 16;

    public static string Seal(byte[] key, string plaintext, string associatedData)
    {
        var clear = Encoding.UTF8.GetBytes(plaintext);
        var blob = new byte[NonceSize + TagSize + clear.Length];
        RandomNumberGenerator.Fill(blob.AsSpan(0, NonceSize));
        using var aes = new AesGcm(key, TagSize);
        aes.Encrypt(blob.AsSpan(0, NonceSize), clear, blob.AsSpan(NonceSize + TagSize), blob.AsSpan(NonceSize, TagSize), Encoding.UTF8.GetBytes(associatedData));
        return FormatVersion + ":" + Convert.ToBase64String(blob);
    }

    /// <summary>Throws <see cref="CryptographicException"/> for another format, another key or other associated data.</summary>
    public static string Open(byte[] key, string sealedText, string associatedData, string what)
    {
        var parts = sealedText.Split(':');
        if (parts.Length != 2 || parts[0] != FormatVersion)
            throw new CryptographicException($"Unknown {what} ciphertext format.");
        var blob = Convert.FromBase64String(parts[1]);
        var clear = new byte[blob.Length - NonceSize - TagSize];
        using var aes = new AesGcm(key, TagSize);
        aes.Decrypt(blob.AsSpan(0, NonceSize), blob.AsSpan(NonceSize + TagSize), blob.AsSpan(NonceSize, TagSize), clear, Encoding.UTF8.GetBytes(associatedData));
        return Encoding.UTF8.GetString(clear);
    }
}
