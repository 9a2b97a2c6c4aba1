using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace LastCall.Security;

/// <summary>
/// Slow salted hashes for service passwords and staff passwords: PBKDF2-HMAC-SHA256 with at least
/// 600,000 iterations (OWASP/NIST), 16-byte salt, 32-byte hash, stored as
/// <c>pbkdf2-sha256$ITERATIONS$SALT_BASE64$HASH_BASE64</c>. One hash costs about 0.1 s of CPU here.
/// </summary>
public sealed class SecretHasher
{
    public const int MinimumIterations = 600_000;
    private const string Scheme = "pbkdf2-sha256";
    private const int SaltSize = 16;
    private const int HashSize = 32;

    public static string Hash(string secret) => Hash(secret, MinimumIterations);

    /// <summary>A hash with another iteration count: only for test set-up data (decision 0023); the product uses the minimum.</summary>
    internal static string Hash(string secret, int iterations)
    {
        var salt = RandomNumberGenerator.GetBytes(SaltSize);
        var hash = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(secret), salt, iterations, HashAlgorithmName.SHA256, HashSize);
        return string.Join('$', Scheme, iterations.ToString(CultureInfo.InvariantCulture), Convert.ToBase64String(salt), Convert.ToBase64String(hash));
    }

    /// <summary>Checks a secret in constant time; false for any malformed stored value.</summary>
    public static bool Verify(string secret, string stored)
    {
        if (!TryParse(stored, out var iterations, out var salt, out var expected))
            return false;
        var actual = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(secret), salt, iterations, HashAlgorithmName.SHA256, expected.Length);
        return CryptographicOperations.FixedTimeEquals(actual, expected);
    }

    /// <summary>
    /// True when <paramref name="value"/> is a hash in our format that meets the minimum strength:
    /// migrations from a system that used the same scheme bring hashes, never clear passwords.
    /// </summary>
    public static bool IsAcceptableHash(string value) =>
        TryParse(value, out var iterations, out var salt, out var hash) && iterations >= MinimumIterations && salt.Length >= SaltSize && hash.Length >= HashSize;

    private static bool TryParse(string stored, out int iterations, out byte[] salt, out byte[] hash)
    {
        iterations = 0;
        salt = hash = [];
        var parts = stored.Split('$');
        if (parts.Length != 4 || parts[0] != Scheme || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out iterations) || iterations < 1)
            return false;
        try
        {
            salt = Convert.FromBase64String(parts[2]);
            hash = Convert.FromBase64String(parts[3]);
        }
        catch (FormatException)
        {
            return false;
        }
        return salt.Length > 0 && hash.Length > 0;
    }
}
