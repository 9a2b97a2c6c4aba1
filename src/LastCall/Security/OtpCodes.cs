using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace LastCall.Security;

/// <summary>
/// Six-digit one-time codes from the cryptographic RNG. Only an HMAC of (challenge id, code) is stored,
/// so a database reader cannot replay a code within its 5 minutes. A code sent by an instance still on a
/// previous master key (during a key rotation) is accepted under any configured key.
/// </summary>
public sealed class OtpCodes(KeyRing keys)
{
    private readonly IReadOnlyList<PurposeKey> _keys = keys.DeriveAll("otp-codes/v1");

    public static string NewCode() => RandomNumberGenerator.GetInt32(0, 1_000_000).ToString("D6", CultureInfo.InvariantCulture);

    public string Hash(Guid challengeId, string code) => Hash(_keys[0], challengeId, code);

    public bool Matches(Guid challengeId, string? code, string storedHash) =>
        code is { Length: 6 } && code.All(char.IsAsciiDigit)
        && _keys.Any(key => CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Hash(key, challengeId, code)), Encoding.ASCII.GetBytes(storedHash)));

    private static string Hash(PurposeKey key, Guid challengeId, string code) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(key.Bytes, Encoding.UTF8.GetBytes(challengeId.ToString("N") + ":" + code)));
}
