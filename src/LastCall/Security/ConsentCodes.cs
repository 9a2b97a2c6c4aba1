using System.Security.Cryptography;
using System.Text;

namespace LastCall.Security;

/// <summary>
/// One-time codes an owner hands to someone else to consent (a transfer of ownership, a port-out): random Crockford
/// base32 (no I, L, O, U, so they are read out and typed without mistakes), shown in two halves, kept only as a hash.
/// </summary>
public static class ConsentCodes
{
    private const string Alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

    /// <summary>A new code of <paramref name="length"/> symbols, as shown to the owner (<c>ABCDE-FGHJK</c>), and its hash.</summary>
    public static (string Display, string Hash) Generate(int length)
    {
        var code = new string(RandomNumberGenerator.GetItems<char>(Alphabet, length));
        var half = length / 2;
        return (code[..half] + "-" + code[half..], Hash(code));
    }

    /// <summary>The hash a code is kept and compared as: case, spaces and the hyphen do not matter.</summary>
    public static string Hash(string code) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(code.Trim().Replace("-", "", StringComparison.Ordinal).Replace(" ", "", StringComparison.Ordinal).ToUpperInvariant())));
}
