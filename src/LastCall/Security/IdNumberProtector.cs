using System.Security.Cryptography;
using System.Text;
using LastCall.Domain.Customers;

namespace LastCall.Security;

/// <summary>
/// Encrypts national ID numbers with AES-256-GCM and computes their keyed blind index (HMAC-SHA256),
/// so that the database never holds a number in clear yet the same person can be found again.
/// </summary>
public sealed class IdNumberProtector
{
    private const string FormatVersion = "v1";
    private const int NonceSize = 12;
    private const int TagSize = 16;

    private readonly byte[] _encryptionKey;
    private readonly byte[] _blindIndexKey;

    public IdNumberProtector(KeyRing keys)
    {
        _encryptionKey = keys.Derive("id-number-encryption/v1");
        _blindIndexKey = keys.Derive("id-number-blind-index/v1");
    }

    public ProtectedIdNumber Protect(IdDocument document) =>
        new(Encrypt(document), BlindIndex(document), document.Masked());

    /// <summary>The lookup key for a document: the same type and number always give the same value.</summary>
    public string BlindIndex(IdDocument document)
    {
        var mac = HMACSHA256.HashData(_blindIndexKey, Encoding.UTF8.GetBytes(AssociatedData(document.Type) + document.Number));
        return Convert.ToHexStringLower(mac);
    }

    public string Decrypt(IdType type, string ciphertext)
    {
        var parts = ciphertext.Split(':');
        if (parts.Length != 2 || parts[0] != FormatVersion)
            throw new CryptographicException("Unknown ID number ciphertext format.");
        var blob = Convert.FromBase64String(parts[1]);
        var plaintext = new byte[blob.Length - NonceSize - TagSize];
        using var aes = new AesGcm(_encryptionKey, TagSize);
        aes.Decrypt(blob.AsSpan(0, NonceSize), blob.AsSpan(NonceSize + TagSize), blob.AsSpan(NonceSize, TagSize), plaintext, Encoding.UTF8.GetBytes(AssociatedData(type)));
        return Encoding.UTF8.GetString(plaintext);
    }

    private string Encrypt(IdDocument document)
    {
        var plaintext = Encoding.UTF8.GetBytes(document.Number);
        var blob = new byte[NonceSize + TagSize + plaintext.Length];
        RandomNumberGenerator.Fill(blob.AsSpan(0, NonceSize));
        using var aes = new AesGcm(_encryptionKey, TagSize);
        // The ID type is bound in as associated data: a ciphertext cannot be moved to another type.
        aes.Encrypt(blob.AsSpan(0, NonceSize), plaintext, blob.AsSpan(NonceSize + TagSize), blob.AsSpan(NonceSize, TagSize), Encoding.UTF8.GetBytes(AssociatedData(document.Type)));
        return FormatVersion + ":" + Convert.ToBase64String(blob);
    }

    private static string AssociatedData(IdType type) => type.ToCode() + ":";
}
