using System.Globalization;
using LastCall.Domain.Common;

namespace LastCall.Domain.Customers;

/// <summary>
/// A national ID number in clear, validated for its type. It lives only in memory on its way to
/// encryption or comparison; it is never persisted or logged as is.
/// </summary>
public sealed record IdDocument
{
    private static readonly int[] ResidentIdWeights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    private const string ResidentIdCheckChars = "10X98765432";

    private IdDocument(IdType type, string number)
    {
        Type = type;
        Number = number;
    }

    public IdType Type { get; }

    /// <summary>The normalised number: upper case, no spaces.</summary>
    public string Number { get; }

    public static Result<IdDocument> Create(IdType type, string? number)
    {
        var normalised = (number ?? "").Trim().Replace(" ", "", StringComparison.Ordinal).ToUpperInvariant();
        var error = type switch
        {
            IdType.ResidentId => ValidateResidentId(normalised),
            IdType.Passport => ValidateAlphanumeric(normalised, 5, 20, "A passport number has 5 to 20 letters and digits."),
            IdType.HkMacaoPermit => normalised.Length is 9 or 11 && normalised[0] is 'H' or 'M' && Digits.AllDigits(normalised.AsSpan(1))
                ? null
                : "A Hong Kong/Macao permit number is H or M followed by 8 or 10 digits.",
            IdType.TaiwanPermit => normalised.Length is 8 or 10 && Digits.AllDigits(normalised)
                ? null
                : "A Taiwan permit number has 8 or 10 digits.",
            _ => "Unknown ID type.",
        };
        return error is null ? new IdDocument(type, normalised) : Result<IdDocument>.Failure("invalid_id_number", error);
    }

    /// <summary>
    /// The number as staff and customers see it: the first and last four characters, the rest starred
    /// (<c>1101**********1234</c>); short numbers keep only one character at each end.
    /// </summary>
    public string Masked()
    {
        var keep = Number.Length >= 12 ? 4 : 1;
        return string.Concat(Number.AsSpan(0, keep), new string('*', Number.Length - 2 * keep), Number.AsSpan(Number.Length - keep));
    }

    public override string ToString() => $"{Type.ToCode()}:{Masked()}";

    private static string? ValidateResidentId(string n)
    {
        if (n.Length != 18 || !Digits.AllDigits(n.AsSpan(0, 17)) || !(char.IsAsciiDigit(n[17]) || n[17] == 'X'))
            return "A resident ID number has 17 digits and a final digit or X.";
        if (!DateOnly.TryParseExact(n.AsSpan(6, 8), "yyyyMMdd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _))
            return "The birth date inside the resident ID number is not a real date.";
        return ResidentIdCheckCharacter(n.AsSpan(0, 17)) == n[17] ? null : "The resident ID number's check character is wrong.";
    }

    /// <summary>The ISO 7064 MOD 11-2 check character of a resident ID's first 17 digits.</summary>
    public static char ResidentIdCheckCharacter(ReadOnlySpan<char> first17)
    {
        if (first17.Length != 17 || !Digits.AllDigits(first17))
            throw new ArgumentException("A resident ID body has 17 digits.", nameof(first17));
        var sum = 0;
        for (var i = 0; i < 17; i++)
            sum += (first17[i] - '0') * ResidentIdWeights[i];
        return ResidentIdCheckChars[sum % 11];
    }

    private static string? ValidateAlphanumeric(string n, int min, int max, string message)
    {
        if (n.Length < min || n.Length > max)
            return message;
        foreach (var c in n)
        {
            if (!char.IsAsciiLetterOrDigit(c))
                return message;
        }
        return null;
    }
}
