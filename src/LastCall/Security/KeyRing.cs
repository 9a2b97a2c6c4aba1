using System.Security.Cryptography;
using System.Text;

namespace LastCall.Security;

/// <summary>
/// Holds the master key (configuration <c>Security:MasterKey</c>, base64 of 32 bytes) and derives one
/// independent key per purpose with HKDF-SHA256, so a key leaked from one use says nothing about another.
/// The embedded default generates a development key into the data folder on first start; any other
/// setup must configure the key explicitly.
/// </summary>
public sealed class KeyRing
{
    public const string MasterKeyFileName = "master.key";

    private readonly byte[] _masterKey;

    public KeyRing(byte[] masterKey)
    {
        if (masterKey.Length < 32)
            throw new ArgumentException("The master key must be at least 32 bytes.", nameof(masterKey));
        _masterKey = masterKey;
    }

    /// <summary>A 32-byte key for one purpose, e.g. "id-number-encryption/v1".</summary>
    public byte[] Derive(string purpose) =>
        HKDF.DeriveKey(HashAlgorithmName.SHA256, _masterKey, 32, salt: [], info: Encoding.UTF8.GetBytes("lastcall/" + purpose));

    public static KeyRing FromConfiguredOrDevelopmentKey(string? configuredBase64, string? developmentKeyFolder)
    {
        if (!string.IsNullOrWhiteSpace(configuredBase64))
        {
            try
            {
                return new KeyRing(Convert.FromBase64String(configuredBase64));
            }
            catch (FormatException)
            {
                throw new InvalidOperationException("Security:MasterKey is not valid base64.");
            }
        }
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
        return new KeyRing(Convert.FromBase64String(File.ReadAllText(path).Trim()));
    }
}
