using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace LastCall.Security;

/// <summary>
/// Six-digit one-time codes from the cryptographic RNG. Only an HMAC of (challenge id, code) is stored,
/// so a database reader cannot replay a code within its 5 minutes.
/// </summary>
public sealed class OtpCodes(KeyRing keys)
{
    private readonly byte[] _key = keys.Derive("otp-codes/v1");

    public static string NewCode() => RandomNumberGenerator.GetInt32(0, 1_000_000).ToString("D6", CultureInfo.InvariantCulture);

    public string Hash(Guid challengeId, string code) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(_key, Encoding.UTF8.GetBytes(challengeId.ToString("N") + ":" + code)));

    public bool Matches(Guid challengeId, string? code, string storedHash) =>
        code is { Length: 6 } && code.All(char.IsAsciiDigit)
        && CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Hash(challengeId, code)), Encoding.ASCII.GetBytes(storedHash));
}
