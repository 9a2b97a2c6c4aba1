using System.Diagnostics.CodeAnalysis;

namespace LastCall.Domain.Common;

/// <summary>
/// A mobile number in E.164 form (<c>+8613800000001</c>). Only valid numbers can be constructed.
/// Mainland China numbers (+86) must be 11-digit mobile numbers starting with 1[3-9].
/// </summary>
public sealed record Msisdn
{
    private Msisdn(string value) => Value = value;

    public string Value { get; }

    /// <summary>The digits after '+' as a number: a compact key for indexes (E.164 has at most 15 digits).</summary>
    public long ToInt64() => long.Parse(Value.AsSpan(1), System.Globalization.CultureInfo.InvariantCulture);

    public static bool TryParse([NotNullWhen(true)] string? text, [NotNullWhen(true)] out Msisdn? msisdn)
    {
        msisdn = null;
        if (Validate(text) is not null)
            return false;
        msisdn = new Msisdn(text!);
        return true;
    }

    public static Result<Msisdn> Create(string? text) =>
        Validate(text) is { } error ? error : new Msisdn(text!);

    /// <summary>For values already validated (read back from the database).</summary>
    public static Msisdn Parse(string text) =>
        TryParse(text, out var m) ? m : throw new FormatException($"'{text}' is not an E.164 mobile number.");

    private static DomainError? Validate(string? text)
    {
        if (string.IsNullOrEmpty(text))
            return Fail.Validation("invalid_msisdn", "The number is missing.");
        if (text[0] != '+' || text.Length < 9 || text.Length > 16 || !Digits.AllDigits(text.AsSpan(1)) || text[1] == '0')
            return Fail.Validation("invalid_msisdn", "The number must be in E.164 form: '+', country code and 8 to 15 digits in all.");
        if (text.StartsWith("+86", StringComparison.Ordinal))
        {
            var national = text.AsSpan(3);
            if (national.Length != 11 || national[0] != '1' || national[1] < '3')
                return Fail.Validation("invalid_msisdn", "A mainland China mobile number has 11 digits starting with 13 to 19.");
        }
        return null;
    }

    public override string ToString() => Value;

    /// <summary>The number with the middle hidden, for logs and public pages: <c>+86138****0001</c>.</summary>
    public string Masked() => Value.Length <= 8 ? Value : string.Concat(Value.AsSpan(0, Value.Length - 8), "****", Value.AsSpan(Value.Length - 4));
}
