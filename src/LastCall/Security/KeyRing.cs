using System.Security.Cryptography;
using System.Text;

namespace LastCall.Security;

/// <summary>
/// One key for one purpose, derived from one master key, with that master key's id: ciphertexts carry the
/// id so that a reader knows which configured key opens them.
/// </summary>
public sealed record PurposeKey(string KeyId, byte[] Bytes);

/// <summary>
/// Holds the master key (configuration <c>Security:MasterKey</c>, base64 of 32 bytes) and derives one
/// independent key per purpose with HKDF-SHA256, so a key leaked from one use says nothing about another.
/// During a key rotation it also holds the keys of <c>Security:PreviousMasterKeys</c> (comma-separated
/// base64): everything is written under the current key, anything sealed under any configured key is read.
/// Each master key has an id, 8 hex digits derived from it with HKDF, which names it without revealing it.
/// The embedded default generates a development key into the data folder on first start; any other
/// setup must configure the key explicitly.
/// </summary>
public sealed class KeyRing
{
    public const string MasterKeyFileName = "master.key";

    private readonly IReadOnlyList<byte[]> _masterKeys;

    public KeyRing(byte[] masterKey, params IEnumerable<byte[]> previousMasterKeys)
    {
        _masterKeys = [masterKey, .. previousMasterKeys];
        if (_masterKeys.Any(k => k.Length < 32))
            throw new ArgumentException("A master key must be at least 32 bytes.", nameof(masterKey));
        KeyIds = [.. _masterKeys.Select(IdOf)];
        // An id names one key: a key listed twice (or two keys with one id) would make "which key sealed this" ambiguous.
        if (KeyIds.Distinct(StringComparer.Ordinal).Count() != KeyIds.Count)
            throw new InvalidOperationException("Security:MasterKey and Security:PreviousMasterKeys name the same key twice.");
    }

    /// <summary>The id of the current master key (the one everything is written under).</summary>
    public string CurrentKeyId => KeyIds[0];

    /// <summary>The ids of every configured master key, the current one first.</summary>
    public IReadOnlyList<string> KeyIds { get; }

    /// <summary>The ring without the previous keys: what a host would see once they are removed from the configuration.</summary>
    public KeyRing CurrentOnly() => new(_masterKeys[0]);

    /// <summary>A 32-byte key for one purpose, e.g. "id-number-encryption/v1", under the current master key.</summary>
    public byte[] Derive(string purpose) => Derive(_masterKeys[0], purpose);

    /// <summary>The purpose's key under every configured master key, the current one first.</summary>
    public IReadOnlyList<PurposeKey> DeriveAll(string purpose) =>
        [.. _masterKeys.Select((key, i) => new PurposeKey(KeyIds[i], Derive(key, purpose)))];

    private static byte[] Derive(byte[] masterKey, string purpose) =>
        HKDF.DeriveKey(HashAlgorithmName.SHA256, masterKey, 32, salt: [], info: Encoding.UTF8.GetBytes("lastcall/" + purpose));

    private static string IdOf(byte[] masterKey) => Convert.ToHexStringLower(Derive(masterKey, "key-id/v1").AsSpan(0, 4));

    public static KeyRing FromConfiguredOrDevelopmentKey(string? configuredBase64, string? previousBase64List, string? developmentKeyFolder)
    {
        var previous = (previousBase64List ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(k => Parse(k, "Security:PreviousMasterKeys")).ToList();
        if (!string.IsNullOrWhiteSpace(configuredBase64))
            return new KeyRing(Parse(configuredBase64, "Security:MasterKey"), previous);
        if (developmentKeyFolder is null)
            throw new InvalidOperationException(
                "Security:MasterKey is not set. Generate one with `openssl rand -base64 32` and configure it " +
                "(environment variable Security__MasterKey); only the embedded SQLite default generates its own.");

        Directory.CreateDirectory(developmentKeyFolder);
        var path = Path.Combine(developmentKeyFolder, MasterKeyFileName);
        if (!File.Exists(path))
        {
            var key = RandomNumberGenerator.GetBytes(32);
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows())
                options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite; // readable by the service account only
            using var stream = new FileStream(path, options);
            stream.Write(Encoding.ASCII.GetBytes(Convert.ToBase64String(key)));
        }
        return new KeyRing(Convert.FromBase64String(File.ReadAllText(path).Trim()), previous);
    }

    private static byte[] Parse(string base64, string setting)
    {
        try
        {
            return Convert.FromBase64String(base64.Trim());
        }
        catch (FormatException)
        {
            // The message names the setting, never the value.
            throw new InvalidOperationException($"{setting} is not valid base64.");
        }
    }
}
