using System.Globalization;
using System.Security.Cryptography;

namespace LastCall.Features.Certificates;

/// <summary>
/// Certificate numbers: <c>LC-YYYY-XXXX-XXXX-XXXX-XXXC</c>, e.g. <c>LC-2026-7KQ2-M9XD-4HFP-TZ3A</c>.
/// YYYY is the year of issue; the 15 X are random characters of Crockford's base32 alphabet
/// (0-9 and A-Z without I, L, O, U), 75 bits from the system CSPRNG; C is a Luhn mod 32 check character
/// over the year and the random characters. The public verify page looks certificates up by number,
/// so a number must not be guessable from another one: there is no running serial (it would also
/// publish how many lines are cancelled). Uniqueness is left to a unique index; a collision among
/// 2^75 values needs about 2^37 certificates in one year. The check character catches every single
/// mistyped character and most swapped neighbours before any look-up.
/// </summary>
public static class CertificateNumbers
{
    public const string Alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

    private const string Prefix = "LC-";
    private const int RandomLength = 15;

    /// <summary>The length of a number: <c>LC-</c>, the year, four groups of four with hyphens.</summary>
    public const int Length = 27;

    /// <summary>A new random number for a certificate issued in <paramref name="year"/>.</summary>
    public static string New(int year)
    {
        if (year is < 2000 or > 9999)
            throw new ArgumentOutOfRangeException(nameof(year), year, "The year must have four digits.");
        var yearText = year.ToString("D4", CultureInfo.InvariantCulture);
        var random = RandomNumberGenerator.GetItems<char>(Alphabet, RandomLength);
        var body = string.Concat(yearText, new string(random));
        var symbols = string.Concat(new string(random), CheckCharacter(body).ToString());
        return string.Concat(Prefix, yearText, "-", symbols[..4], "-", symbols[4..8], "-", symbols[8..12], "-", symbols[12..16]);
    }

    /// <summary>True when <paramref name="number"/> is exactly in the canonical form and its check character fits.</summary>
    public static bool IsWellFormed(string? number)
    {
        if (number is null || number.Length != Length || !number.StartsWith(Prefix, StringComparison.Ordinal))
            return false;
        for (var i = 3; i < Length; i++)
        {
            var expectHyphen = i is 7 or 12 or 17 or 22;
            if (expectHyphen != (number[i] == '-'))
                return false;
            if (!expectHyphen && Alphabet.IndexOf(number[i], StringComparison.Ordinal) < 0)
                return false;
        }
        if (!char.IsAsciiDigit(number[3]) || !char.IsAsciiDigit(number[4]) || !char.IsAsciiDigit(number[5]) || !char.IsAsciiDigit(number[6]))
            return false;
        var symbols = number.AsSpan(3).ToString().Replace("-", "", StringComparison.Ordinal);
        return CheckCharacter(symbols.AsSpan(0, symbols.Length - 1)) == symbols[^1];
    }

    /// <summary>
    /// Reads a number as a person may type it: any case, spaces or missing hyphens, O for 0 and I or L
    /// for 1. Gives the canonical form when the result is well formed.
    /// </summary>
    public static bool TryNormalize(string? input, out string number)
    {
        number = "";
        if (string.IsNullOrWhiteSpace(input))
            return false;
        var compact = new System.Text.StringBuilder(24);
        foreach (var c in input.Trim().ToUpperInvariant())
        {
            if (c is '-' or ' ')
                continue;
            compact.Append(c switch { 'O' => '0', 'I' or 'L' => '1', _ => c });
        }
        // "LC" reads as "1C" after the mapping above.
        if (compact.Length != 2 + 4 + RandomLength + 1 || compact[0] != '1' || compact[1] != 'C')
            return false;
        var s = compact.ToString(2, compact.Length - 2);
        var candidate = string.Concat(Prefix, s[..4], "-", s[4..8], "-", s[8..12], "-", s[12..16], "-", s[16..20]);
        if (!IsWellFormed(candidate))
            return false;
        number = candidate;
        return true;
    }

    /// <summary>Luhn mod N (N = 32) over <paramref name="symbols"/>: the character that makes the weighted sum a multiple of 32.</summary>
    internal static char CheckCharacter(ReadOnlySpan<char> symbols)
    {
        var n = Alphabet.Length;
        var factor = 2;
        var sum = 0;
        for (var i = symbols.Length - 1; i >= 0; i--)
        {
            var addend = factor * Alphabet.IndexOf(symbols[i]);
            factor = factor == 2 ? 1 : 2;
            sum += addend / n + addend % n;
        }
        return Alphabet[(n - sum % n) % n];
    }
}
