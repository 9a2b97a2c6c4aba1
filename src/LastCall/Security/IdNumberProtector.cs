using System.Security.Cryptography;
using System.Text;
using LastCall.Domain.Customers;

namespace LastCall.Security;

/// <summary>
/// Encrypts national ID numbers with AES-256-GCM and computes their keyed blind index (HMAC-SHA256),
/// so that the database never holds a number in clear yet the same person can be found again.
/// A customer's ciphertext and blind index are always written together under one master key, so the key
/// id in the ciphertext also says which key the blind index was computed with. While a key rotation runs,
/// rows are indexed under the current or a previous key: lookups compare against every configured key's index.
/// </summary>
public sealed class IdNumberProtector(KeyRing keys)
{
    private readonly IReadOnlyList<PurposeKey> _encryptionKeys = keys.DeriveAll("id-number-encryption/v1");
    private readonly IReadOnlyList<PurposeKey> _blindIndexKeys = keys.DeriveAll("id-number-blind-index/v1");

    public ProtectedIdNumber Protect(IdDocument document) =>
        new(Encrypt(document.Type, document.Number), BlindIndex(_blindIndexKeys[0], document.Type, document.Number), document.Masked());

    /// <summary>The lookup key for a document under the current master key: the same type and number always give the same value.</summary>
    public string BlindIndex(IdDocument document) => BlindIndex(_blindIndexKeys[0], document.Type, document.Number);

    /// <summary>The document's lookup key under every configured master key (the current one first): query with IN (…).</summary>
    public IReadOnlyList<string> BlindIndexes(IdDocument document) =>
        [.. _blindIndexKeys.Select(k => BlindIndex(k, document.Type, document.Number))];

    /// <summary>True when <paramref name="storedBlindIndex"/> is this document's index under any configured master key.</summary>
    public bool Matches(IdDocument document, string storedBlindIndex) => BlindIndexes(document).Contains(storedBlindIndex);

    public string Decrypt(IdType type, string ciphertext) => SealedText.Open(_encryptionKeys, ciphertext, AssociatedData(type), "ID number");

    /// <summary>The stored values again under the current master key (key rotation); the number is never returned.</summary>
    public (string Ciphertext, string BlindIndex) Reseal(IdType type, string ciphertext)
    {
        var number = Decrypt(type, ciphertext);
        return (Encrypt(type, number), BlindIndex(_blindIndexKeys[0], type, number));
    }

    private static string BlindIndex(PurposeKey key, IdType type, string number)
    {
        Span<byte> mac = stackalloc byte[32];
        ThreadCrypto.HmacSha256(key.Bytes, Encoding.UTF8.GetBytes(AssociatedData(type) + number), mac);
        return Convert.ToHexStringLower(mac);
    }

    // The ID type is bound in as associated data: a ciphertext cannot be moved to another type.
    private string Encrypt(IdType type, string number) => SealedText.Seal(_encryptionKeys[0], number, AssociatedData(type));

    private static string AssociatedData(IdType type) => type.ToCode() + ":";
}
