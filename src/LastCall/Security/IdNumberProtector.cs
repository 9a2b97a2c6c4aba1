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

    public string Decrypt(IdType type, string ciphertext) => SealedText.Open(_encryptionKey, ciphertext, AssociatedData(type), "ID number");

    // The ID type is bound in as associated data: a ciphertext cannot be moved to another type.
    private string Encrypt(IdDocument document) => SealedText.Seal(_encryptionKey, document.Number, AssociatedData(document.Type));

    private static string AssociatedData(IdType type) => type.ToCode() + ":";
}
